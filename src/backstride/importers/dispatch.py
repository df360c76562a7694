"""``decode``: bytes in, activities/failures out, for any one file we accept.

Dispatch is by content first (gzip magic, zip magic, then the formats of
:data:`backstride.importers.formats.FORMATS`: FIT header, XML root element) and by extension
only where content cannot tell (CSV). Nothing here touches a disk or a database,
and no exception other than :class:`DecodeTimeout` (plus KeyboardInterrupt/SystemExit)
leaves :func:`decode`.
"""

from __future__ import annotations

import dataclasses
import zlib

from .common import kind_for, sha256_hex
from .csv_exports import strava_sport
from .formats import FORMATS
from .limits import MAX_MEMBER_BYTES
from .result import DecodeResult, DecodeTimeout, fail
from .xmlsafe import DOCTYPE_REASON, XmlRejected, has_doctype, sniff_xml_root

__all__ = ["decode", "gunzip_capped"]

_GZIP = b"\x1f\x8b"
_ZIP = b"PK\x03\x04"
_MAX_GZIP_LAYERS = 2


class TooLarge(Exception):
    """Decompressed data went past its byte cap."""


def gunzip_capped(data: bytes, cap: int = MAX_MEMBER_BYTES) -> bytes:
    """Decompress gzip ``data`` in 1 MB steps, stopping as soon as ``cap`` bytes are exceeded.

    Never trusts the gzip trailer's size field; memory stays bounded by ``cap`` + 1 MB.
    """
    d = zlib.decompressobj(wbits=31)
    # Chunks in a list, joined once at the end: a growing bytearray can briefly need twice its size.
    chunks: list[bytes] = []
    size = 0
    buf = data
    while buf and not d.eof:
        chunk = d.decompress(buf, 1 << 20)
        size += len(chunk)
        if size > cap:
            raise TooLarge
        chunks.append(chunk)
        buf = d.unconsumed_tail
    if not d.eof:
        tail = d.flush()
        if size + len(tail) > cap:
            raise TooLarge
        raise zlib.error("gzip data is truncated")
    return b"".join(chunks)


def decode(
    name: str,
    data: bytes,
    *,
    sport_hint: str | None = None,
    csv_present: frozenset[str] | None = None,
) -> DecodeResult:
    """Decode one file's bytes into a :class:`DecodeResult`.

    ``name`` is used for messages and, for CSV, to recognise the file. ``sport_hint`` is a
    Strava ``Activity Type`` that overrides the file's sport. ``csv_present`` lists the files
    present next to a Strava ``activities.csv`` (their rows are not imported from the CSV).
    """
    try:
        res = _decode(name, data, csv_present, 0)
    except DecodeTimeout:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except RecursionError:
        return fail(name, "file is nested too deeply to decode")
    except MemoryError:
        return fail(name, "file needs too much memory to decode")
    except BaseException as exc:
        text = " ".join(str(exc).split())[:160]
        return fail(name, f"could not decode file ({type(exc).__name__}: {text})")
    if sport_hint and res.activities:
        sport = strava_sport(sport_hint)
        res.activities = [
            dataclasses.replace(
                a,
                sport=sport,
                kind=kind_for(sport),
                notes="; ".join(x for x in (a.notes, f"sport from Strava activities.csv ({sport_hint})") if x),
            )
            if a.sport != sport
            else a
            for a in res.activities
        ]
    return res


def _decode(name: str, data: bytes, csv_present: frozenset[str] | None, layers: int) -> DecodeResult:
    if not data:
        return fail(name, "empty file (0 bytes)")
    if data[:2] == _GZIP:
        if layers >= _MAX_GZIP_LAYERS:
            return fail(name, "gzip nested more than twice: refused")
        try:
            inner = gunzip_capped(data)
        except TooLarge:
            return fail(name, f"gzip file decompresses to more than {MAX_MEMBER_BYTES // 2**20} MB: refused")
        except zlib.error as exc:
            return fail(name, f"damaged gzip file ({exc})")
        return _decode(name, inner, csv_present, layers + 1)
    if data[:4] == _ZIP:
        if layers:  # zip-in-gzip is not a format anyone writes; refusing it also stops quine loops
            return fail(name, "zip archive inside a gzip file: refused")
        from .archive import decode_zip_bytes  # local: archive imports this module

        return decode_zip_bytes(name, data)
    sha = sha256_hex(data)
    lower = name.lower()
    for fmt in FORMATS:  # content first: a format its bytes show
        if fmt.sniff is not None and fmt.sniff(data):
            return fmt.decoder(name, data, sha, csv_present)
    for fmt in FORMATS:  # then the formats only a suffix tells (CSV)
        if fmt.sniff is None and fmt.xml_root is None and lower.endswith(fmt.suffixes):
            return fmt.decoder(name, data, sha, csv_present)
    if has_doctype(data):  # a DTD sits in the prolog: refuse before any XML parsing
        return fail(name, DOCTYPE_REASON)
    root = sniff_xml_root(data)
    by_root = {f.xml_root: f for f in FORMATS if f.xml_root is not None}
    if root in by_root:
        try:
            return by_root[root].decoder(name, data, sha, csv_present)
        except XmlRejected as exc:
            return fail(name, str(exc))
    if root is not None:
        return fail(name, f"XML file is neither {' nor '.join(by_root[r].name for r in by_root)} "
                          f"(root element <{root}>)")
    for fmt in FORMATS:
        if fmt.sniff is not None and lower.endswith(fmt.suffixes):
            return fail(name, f"not a {fmt.name} file: no valid {fmt.name} header")
    names = [f.name for f in FORMATS if f.walk]
    return fail(name, f"not a {', '.join(names[:-1])} or {names[-1]} file")
