"""Expand paths into sources: folders, plain files, zip archives (zip-in-zip), Strava exports.

Nothing is ever extracted to disk: each zip member is streamed through a byte-counting
reader with the caps from :mod:`limits`, and header sizes are never trusted (Python 3.11.7
lacks zipfile's overlapped-entry check, so we do our own). Unsafe member names (``../x``,
``/etc/x``, ``C:\\x``, ``..\\x``) and symlink entries are reported per member and never read.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import struct
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from backstride.files import NotRegular, open_regular, read_regular

from .csv_exports import is_strava_csv, strava_file_sports
from .formats import activity_suffixes
from .limits import MAX_ARCHIVE_BYTES, MAX_FILE_BYTES, MAX_MEMBER_BYTES, MAX_MEMBERS, MAX_ZIP_DEPTH
from .result import DecodeResult

__all__ = ["Source", "decode_zip_bytes", "iter_sources", "unsafe_member_reason"]

_ACTIVITY_EXT = activity_suffixes()  # .fit, .gpx, .tcx, their .gz, and .zip
_ZIP_MAGIC = b"PK\x03\x04"
_DRIVE = re.compile(r"^[A-Za-z]:")
_LOCAL_HEADER = 30
_MB = 2**20


@dataclass(frozen=True, slots=True)
class Source:
    """One file to decode, or a problem found while reading it.

    ``name`` is for messages (``export.zip!activities/123.fit.gz``). Exactly one of ``data``,
    ``problem`` (becomes a failure) and ``skip_reason`` (not an activity file) matters.
    """

    name: str
    data: bytes = b""
    sport_hint: str | None = None
    csv_present: frozenset[str] | None = None
    problem: str | None = None
    skip_reason: str | None = None


@dataclass(slots=True)
class _Budget:
    left: int = field(default_factory=lambda: MAX_ARCHIVE_BYTES)
    exhausted: bool = False
    extra: list[str] = field(default_factory=list)


def unsafe_member_reason(info: zipfile.ZipInfo) -> str | None:
    """Why a zip member must not be used, or None when its name and type are safe."""
    name = info.filename
    norm = name.replace("\\", "/")
    if "\0" in name:
        return f"zip member name contains a NUL byte: {name!r}"
    if norm.startswith("/") or _DRIVE.match(norm) or ".." in norm.split("/"):
        return f"zip member path escapes the archive: {name}"
    if (info.external_attr >> 16) & 0o170000 == 0o120000:
        return f"zip member is a symbolic link: {name}"
    return None


def _ignored(path: str) -> bool:
    parts = path.replace("\\", "/").split("/")
    return parts[0] == "__MACOSX" or any(p.startswith(".") and p not in (".", "..") for p in parts)


def _is_activity_name(path: str) -> bool:
    return path.lower().endswith(_ACTIVITY_EXT)


def _read_capped(f: IO[bytes], cap: int, budget: _Budget) -> bytes | None:
    """Read at most ``cap`` bytes in 1 MB steps; None when the stream is longer or the budget ends."""
    buf = bytearray()
    while True:
        chunk = f.read(_MB)
        if not chunk:
            return bytes(buf)
        buf += chunk
        budget.left -= len(chunk)
        if len(buf) > cap or budget.left < 0:
            return None


def _overlap(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> bool:
    """True when member data ranges overlap (the "quoted overlap" zip bomb) or a local header is missing.

    Each span is measured from the member's local header, as the reader will use it (the local
    name and extra field lengths, which need not match the central directory's), so an overlap
    hidden behind a large local extra field is found too.
    """
    fp = zf.fp
    if fp is None:
        return True
    spans = []
    for info in infos:
        fp.seek(info.header_offset)
        header = fp.read(_LOCAL_HEADER)
        if len(header) < _LOCAL_HEADER or header[:4] != _ZIP_MAGIC:
            return True
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        local_end = _LOCAL_HEADER + name_len + extra_len
        central_end = _LOCAL_HEADER + len(info.orig_filename.encode("utf-8", "surrogateescape"))
        start = info.header_offset
        spans.append((start, start + max(local_end, central_end) + info.compress_size))
    spans.sort()
    return any(nxt[0] < cur[1] for cur, nxt in itertools.pairwise(spans))


def _zip_sources(zf: zipfile.ZipFile, prefix: str, depth: int, budget: _Budget) -> Iterator[Source]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        yield Source(prefix, problem=f"zip archive has {len(infos)} members (limit {MAX_MEMBERS}): refused")
        return
    if _overlap(zf, infos):
        yield Source(prefix, problem="zip archive has overlapping members (a zip bomb): refused")
        return
    safe = [i for i in infos if not i.is_dir() and not _ignored(i.filename)]
    hints: dict[str, tuple[str, frozenset[str]]] = {}
    csv_sources: list[Source] = []
    names = frozenset(i.filename for i in safe)
    for info in safe:
        base = info.filename.rsplit("/", 1)[-1]
        if base == "activities.csv" and unsafe_member_reason(info) is None:
            data = _member(zf, info, prefix, budget)
            if isinstance(data, Source):
                csv_sources.append(data)
                continue
            folder = info.filename[: -len(base)]
            present = frozenset(n[len(folder) :] for n in names if n.startswith(folder))
            if is_strava_csv(data):
                for fn, typ in strava_file_sports(data).items():
                    hints[folder + fn] = (typ, present)
            csv_sources.append(Source(f"{prefix}!{info.filename}", data, csv_present=present))
    for info in safe:
        if budget.exhausted:
            return
        name = f"{prefix}!{info.filename}"
        reason = unsafe_member_reason(info)
        if reason is not None:
            yield Source(name, problem=reason)
            continue
        if info.filename.rsplit("/", 1)[-1] == "activities.csv":
            continue
        if not _is_activity_name(info.filename):
            yield Source(name, skip_reason="not an activity file")
            continue
        data = _member(zf, info, prefix, budget)
        if isinstance(data, Source):
            yield data
            continue
        if data[:4] == _ZIP_MAGIC:
            if depth + 1 > MAX_ZIP_DEPTH:
                yield Source(name, problem=f"zip nested more than {MAX_ZIP_DEPTH} levels deep: refused")
                continue
            yield from _open_zip(io.BytesIO(data), name, depth + 1, budget)
            continue
        hint = hints.get(info.filename)
        yield Source(name, data, sport_hint=hint[0] if hint else None)
    yield from csv_sources


def _member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, prefix: str, budget: _Budget) -> bytes | Source:
    name = f"{prefix}!{info.filename}"
    cap_mb = MAX_MEMBER_BYTES // _MB
    if info.file_size > MAX_MEMBER_BYTES:  # checked before decompressing (ASVS 5.2.3)...
        return Source(name, problem=f"zip member is larger than {cap_mb} MB uncompressed: refused")
    try:
        with zf.open(info) as f:
            data = _read_capped(f, MAX_MEMBER_BYTES, budget)  # ...and enforced while reading
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as exc:  # zlib.error is an Exception subclass caught via the fallback below
        return Source(name, problem=f"unreadable zip member ({' '.join(str(exc).split())[:120]})")
    except Exception as exc:
        return Source(name, problem=f"unreadable zip member ({type(exc).__name__}: {str(exc)[:120]})")
    if data is None:
        if budget.left < 0:
            budget.exhausted = True
            return Source(
                name,
                problem=f"archive expands to more than {_human(MAX_ARCHIVE_BYTES)}: "
                "this and the remaining members were not read",
            )
        return Source(name, problem=f"zip member decompresses to more than {cap_mb} MB: refused")
    return data


def _open_zip(fileobj: IO[bytes] | str, name: str, depth: int, budget: _Budget) -> Iterator[Source]:
    if budget.exhausted:
        yield Source(name, problem=f"this import already decompressed {_human(MAX_ARCHIVE_BYTES)} from archives: "
                     "not read (import it on its own)")
        return
    try:
        zf = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        yield Source(name, problem=f"damaged zip archive ({' '.join(str(exc).split())[:120]})")
        return
    with zf:
        yield from _zip_sources(zf, name, depth, budget)


def decode_zip_bytes(name: str, data: bytes) -> DecodeResult:
    """Decode every member of an in-memory zip (used when ``decode`` is handed a zip)."""
    from .dispatch import decode

    out = DecodeResult()
    for src in _open_zip(io.BytesIO(data), name, 1, _Budget()):
        out.extend(decode_source(src, decode))
    return out


def decode_source(src: Source, decode_fn: object) -> DecodeResult:
    """Turn one Source into a result with ``decode_fn`` (the dispatcher's ``decode``)."""
    from .result import fail, skip

    if src.problem is not None:
        return fail(src.name, src.problem)
    if src.skip_reason is not None:
        return skip(src.name, src.skip_reason)
    assert callable(decode_fn)
    result: DecodeResult = decode_fn(src.name, src.data, sport_hint=src.sport_hint, csv_present=src.csv_present)
    return result


def _why(exc: OSError) -> str:
    return str(exc) if isinstance(exc, NotRegular) else f"cannot read file ({exc.strerror or exc})"


def _file_sources(
    path: Path, display: str, hint: str | None, present: frozenset[str] | None, budget: _Budget
) -> Iterator[Source]:
    try:
        f = open_regular(path)
    except OSError as exc:
        yield Source(display, problem=_why(exc))
        return
    with f:
        try:
            head = f.read(4)
            if head == _ZIP_MAGIC:
                f.seek(0)
                yield from _open_zip(f, display, 1, budget)
                return
            f.seek(0)
            data = f.read(MAX_FILE_BYTES + 1)  # counted: never more than the cap + 1 byte, whatever stat says
        except OSError as exc:
            yield Source(display, problem=_why(exc))
            return
    if len(data) > MAX_FILE_BYTES:
        yield Source(display, problem=f"file is larger than {MAX_FILE_BYTES // _MB} MB: refused")
        return
    yield Source(display, data, sport_hint=hint, csv_present=present)


def _human(n: int) -> str:
    return f"{n // 2**30} GB" if n >= 2**30 else f"{n // _MB} MB" if n >= _MB else f"{n} bytes"


def _display(path: Path, base: Path) -> str:
    """Name for messages: the path below the folder's parent (``gpx/run.gpx``)."""
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return str(path)


def _export_csv(path: Path) -> bool:
    """A CSV in a folder is read only when it is a Strava or Garmin Connect export list."""
    if path.suffix.lower() != ".csv":
        return False
    try:
        with open_regular(path) as f:
            head = f.read(2000)
    except OSError:
        return False
    return is_strava_csv(head) or "Aktivitätstyp".encode() in head or b"Activity Type" in head


def _folder_sources(root: Path, budget: _Budget) -> Iterator[Source]:
    base = root.resolve().parent
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):  # does not follow symlinked folders
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__MACOSX")
        files.extend(Path(dirpath) / f for f in sorted(filenames) if not f.startswith("."))
    files.sort()
    hints: dict[Path, str] = {}
    csv_present: dict[Path, frozenset[str]] = {}
    for f in files:
        if f.name != "activities.csv" or f.is_symlink():
            continue
        try:
            data = read_regular(f, MAX_FILE_BYTES)
        except OSError:
            continue  # reported when the file itself is read below
        if data:
            rel = frozenset(p.relative_to(f.parent).as_posix() for p in files if f.parent in p.parents)
            csv_present[f] = rel
            if is_strava_csv(data):
                hints.update({f.parent / fn: typ for fn, typ in strava_file_sports(data).items()})
    for f in files:
        display = _display(f, base)
        if f.is_symlink():
            yield Source(display, skip_reason="symbolic link not followed")
        elif f.name == "activities.csv" or _is_activity_name(f.name) or _export_csv(f):
            yield from _file_sources(f, display, hints.get(f), csv_present.get(f), budget)
        else:
            yield Source(display, skip_reason="not an activity file")


def iter_sources(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Source]:
    """Expand files, folders (recursively, sorted) and zip archives into sources, lazily.

    Plain files given directly are always decoded (content sniffing decides); inside
    folders and archives only activity extensions (.fit/.gpx/.tcx, their .gz, .zip) and
    ``activities.csv`` are read, the rest is reported as skipped.
    """
    budget = _Budget()  # one budget for everything this import decompresses or reads
    for p in paths:
        path = Path(p)
        if path.is_dir():
            yield from _folder_sources(path, budget)
        elif path.exists():
            yield from _file_sources(path, path.name, None, None, budget)
        else:
            yield Source(path.name or str(path), problem="file not found")
