"""Activity importers: FIT, GPX, TCX (plain or gzipped), folders, Strava and Garmin export zips.

Pure code: bytes in, :class:`ImportedActivity` records out; nothing is written anywhere.

* :func:`decode` - one file's bytes -> :class:`DecodeResult`
* :func:`iter_sources` - paths (files, folders, zips) -> :class:`Source` stream
* :func:`decode_all` - sources -> results, on a process pool, in order
"""

from __future__ import annotations

from .archive import Source, iter_sources
from .dispatch import decode
from .model import ImportedActivity, ImportFailure, Lap
from .parallel import decode_all, decode_one
from .result import DecodeResult

__all__ = [
    "DecodeResult",
    "ImportFailure",
    "ImportedActivity",
    "Lap",
    "Source",
    "decode",
    "decode_all",
    "decode_one",
    "iter_sources",
]
