"""Health data stays private: folders backstride creates are 0700 and its files 0600, whatever the umask.

:func:`write_private` writes a file all or nothing (a 0600 temp file beside it, fsynced, then moved
into place); :func:`private_temp_beside` gives such a temp file to code that fills it itself (backups,
zips). :func:`private_folder` creates folders 0700, and :func:`private_database_file` creates the
SQLite file 0600 before SQLite opens it (SQLite gives its -wal and -shm files the database file's
permissions) and tightens a database a looser earlier version left readable.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "FILE_MODE",
    "FOLDER_MODE",
    "move_into_place",
    "private_database_file",
    "private_folder",
    "private_temp_beside",
    "write_private",
]

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path, *, tighten: bool = False) -> Path:
    """Create ``path`` (and missing parents) as 0700 folders; ``tighten`` also makes an existing one 0700.

    Folders that already exist are left as they are unless ``tighten`` (for backstride's own data folder).
    """
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=FOLDER_MODE)
            os.chmod(folder, FOLDER_MODE)  # mkdir's mode is filtered by the umask; chmod is not
    if tighten and path.is_dir() and _owned(path) and stat.S_IMODE(path.stat().st_mode) != FOLDER_MODE:
        os.chmod(path, FOLDER_MODE)
    return path


def private_database_file(path: Path) -> None:
    """Make sure the SQLite file ``path`` exists as 0600 (its -wal/-shm/-journal too, when present)."""
    private_folder(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        if _owned(path) and stat.S_IMODE(os.fstat(fd).st_mode) != FILE_MODE:
            os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    for suffix in ("-wal", "-shm", "-journal"):
        side = Path(f"{path}{suffix}")
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if _owned(side) and stat.S_IMODE(side.stat().st_mode) != FILE_MODE:
                os.chmod(side, FILE_MODE)


@contextlib.contextmanager
def private_temp_beside(out: Path) -> Iterator[Path]:
    """A 0600 temp file in ``out``'s folder (created 0700 if missing), removed afterwards with any
    SQLite side files, unless the caller moved it into place."""
    private_folder(out.parent)
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")  # mkstemp: 0600
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)


def write_private(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` as a 0600 file, all or nothing.

    With ``overwrite`` false an existing ``path`` is never replaced (``FileExistsError``), even one
    created while we wrote.
    """
    if not overwrite and path.exists():
        raise FileExistsError(f"{path} already exists")
    with private_temp_beside(path) as tmp:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        move_into_place(tmp, path, overwrite=overwrite)


def move_into_place(tmp: Path, out: Path, *, overwrite: bool) -> None:
    """Move the finished temp file ``tmp`` to ``out`` (never clobbering unless ``overwrite``), durably."""
    if overwrite:
        os.replace(tmp, out)
    else:
        os.link(tmp, out)  # fails if someone created out meanwhile
    with contextlib.suppress(OSError):  # not every platform can fsync a directory
        fd = os.open(out.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _owned(path: Path) -> bool:
    return path.stat().st_uid == os.geteuid()
