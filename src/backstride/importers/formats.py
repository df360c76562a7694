"""The activity formats backstride reads: one entry per format (its suffixes, how its content is known, its decoder).

:func:`backstride.importers.dispatch.decode` unwraps gzip and zip, then asks this table: the first
format whose ``sniff`` recognises the bytes decodes them; a format that content cannot tell (CSV) is
known by its suffix. The folder walker reads the suffixes from here too, so a new format is one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .csv_exports import decode_csv
from .fit import decode_fit
from .fit_scan import looks_like_fit
from .gpx import decode_gpx
from .result import DecodeResult
from .tcx import decode_tcx

__all__ = ["FORMATS", "Format", "activity_suffixes"]

# (name, data, sha256, csv_present) -> result
Decoder = Callable[[str, bytes, str, "frozenset[str] | None"], DecodeResult]


@dataclass(frozen=True, slots=True)
class Format:
    """One activity format.

    ``sniff`` tells the format from the bytes (``xml_root``: from the XML root element); a format with
    neither is known by its suffix only. ``walk`` says whether a folder walk picks files of these
    suffixes up (a CSV is read only as part of an export).
    """

    name: str
    suffixes: tuple[str, ...]
    decoder: Decoder
    sniff: Callable[[bytes], bool] | None = None
    xml_root: str | None = None
    walk: bool = True


FORMATS: tuple[Format, ...] = (
    Format("FIT", (".fit",), lambda n, d, sha, _: decode_fit(n, d, sha), sniff=looks_like_fit),
    Format("CSV", (".csv",), lambda n, d, _sha, present: decode_csv(n, d, present), walk=False),
    Format("GPX", (".gpx",), lambda n, d, sha, _: decode_gpx(n, d, sha), xml_root="gpx"),
    Format("TCX", (".tcx",), lambda n, d, sha, _: decode_tcx(n, d, sha), xml_root="TrainingCenterDatabase"),
)


def activity_suffixes() -> tuple[str, ...]:
    """The file suffixes a folder walk reads: each format's, gzipped or not, and zip archives."""
    plain = tuple(s for f in FORMATS if f.walk for s in f.suffixes)
    return (*plain, *(s + ".gz" for s in plain), ".zip")
