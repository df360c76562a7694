"""Where a SQLite file is safe to keep, and when this SQLite is not safe with several writers.

Two findings of ``shared/reliability.md`` (§1.1 #5, §1.2 #4, T12):

- SQLite's locking does not hold on network filesystems (NFS, SMB/CIFS, sshfs, 9p, ...): two
  machines, or even two processes, can corrupt the file. A database path on one is refused with
  :class:`NetworkFilesystem` unless ``$BACKSTRIDE_ALLOW_NETWORK_FS=1`` says the user knows.
  The filesystem is the one of the longest mount point in ``/proc/mounts`` that holds the path.
- SQLite 3.7.0 to 3.51.2 has the WAL-reset bug: two connections in different processes writing or
  checkpointing at the same moment can, rarely, corrupt the database. backstride serialises the
  writers of one process itself, so the risk is another process with the same file open. Where
  ``/proc/locks`` shows one (every SQLite connection in WAL mode holds a read lock on byte 128 of the
  ``-shm`` file), :func:`shared_writer_warning` says so, once per file per process.

Both read only text tables (never open the database's own files, whose POSIX locks a ``close()``
in this process would drop); the paths are module constants so tests can give fake tables.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "ALLOW_NETWORK_FS_ENV",
    "NETWORK_FILESYSTEMS",
    "WAL_RESET_FIXED",
    "NetworkFilesystem",
    "filesystem_of",
    "other_processes_with_file_open",
    "refuse_network_filesystem",
    "shared_writer_warning",
]

ALLOW_NETWORK_FS_ENV = "BACKSTRIDE_ALLOW_NETWORK_FS"
MOUNTS_FILE = Path("/proc/mounts")
LOCKS_FILE = Path("/proc/locks")

# Filesystem types (the third field of /proc/mounts) whose file locking SQLite cannot rely on.
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "ncpfs", "9p", "afs", "coda", "ceph", "glusterfs",
    "lustre", "gpfs", "ocfs2", "gfs2", "davfs", "sshfs", "fuse.sshfs", "fuse.glusterfs", "fuse.davfs2",
    "fuse.rclone", "fuse.s3fs", "fuse.gcsfuse", "fuse.cephfs", "fuse.smbnetfs", "fuse.curlftpfs",
})

WAL_RESET_FIXED = (3, 51, 3)
# The byte of the -shm file every connection keeps a shared lock on (SQLite's os_unix.c UNIX_SHM_DMS).
_SHM_DMS_BYTE = 128


class NetworkFilesystem(RuntimeError):
    """The database path is on a network filesystem, where SQLite's locks do not hold."""


@dataclass(frozen=True, slots=True)
class Mount:
    """One line of the mounts table."""

    point: str
    fstype: str


def _unescape(field: str) -> str:
    # /proc/mounts writes space, tab, newline and backslash as octal escapes (\040 ...).
    out, i = [], 0
    while i < len(field):
        digits = field[i + 1 : i + 4]
        if field[i] == "\\" and len(digits) == 3 and digits.isdigit():
            out.append(chr(int(digits, 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def _mounts(table: Path) -> list[Mount]:
    try:
        text = table.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []  # not Linux, or /proc not mounted: nothing to say
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mounts.append(Mount(_unescape(fields[1]), fields[2]))
    return mounts


def _within(path: str, point: str) -> bool:
    return point == "/" or path == point or path.startswith(point.rstrip("/") + "/")


def filesystem_of(path: Path, table: Path | None = None) -> Mount | None:
    """The mount (point and type) holding ``path``: the longest mount point that contains it.

    ``path`` need not exist yet; symbolic links in the part that exists are followed. When a mount
    point is listed twice (mounted over), the later line wins, as the kernel does.
    """
    real = os.path.realpath(path)
    best: Mount | None = None
    for mount in _mounts(table or MOUNTS_FILE):
        if _within(real, mount.point) and (best is None or len(mount.point) >= len(best.point)):
            best = mount
    return best


def refuse_network_filesystem(path: Path, *, allow: bool | None = None, table: Path | None = None) -> None:
    """Raise :class:`NetworkFilesystem` if the SQLite file ``path`` is on a network filesystem.

    ``allow`` (default: ``$BACKSTRIDE_ALLOW_NETWORK_FS`` is ``1``) lets it through.
    """
    if allow is None:
        allow = os.environ.get(ALLOW_NETWORK_FS_ENV, "") == "1"
    mount = filesystem_of(path, table)
    if allow or mount is None:
        return
    kind = mount.fstype.lower()
    if kind in NETWORK_FILESYSTEMS or kind.startswith("nfs"):
        raise NetworkFilesystem(
            f"{path} is on a network filesystem ({mount.fstype} mounted at {mount.point}). SQLite cannot lock "
            f"files there reliably, so two programs using it could damage your log. Keep the database on a "
            f"local disk (for example the default location), use PostgreSQL for a shared log, or set "
            f"{ALLOW_NETWORK_FS_ENV}=1 if only one program on one computer will ever use it."
        )


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


def other_processes_with_file_open(path: Path, table: Path | None = None) -> set[int]:
    """Process ids (other than ours) that hold the SQLite WAL database ``path`` open, from ``/proc/locks``.

    Empty when the ``-shm`` file does not exist or the table cannot be read (not Linux).
    """
    try:
        shm = os.stat(f"{path}-shm")
        text = (table or LOCKS_FILE).read_text(encoding="ascii", errors="replace")
    except OSError:
        return set()
    device = f"{os.major(shm.st_dev):02x}:{os.minor(shm.st_dev):02x}:{shm.st_ino}"
    pids: set[int] = set()
    for line in text.splitlines():
        fields = line.split()
        if "->" in fields:  # a blocked request, not a held lock
            continue
        # "1: POSIX  ADVISORY  READ 3573 fe:00:2162838 128 128"
        if len(fields) < 8 or fields[5] != device or not fields[4].isdigit():
            continue
        start, end = fields[6], fields[7]
        if start.isdigit() and int(start) <= _SHM_DMS_BYTE and (end == "EOF" or int(end) >= _SHM_DMS_BYTE):
            pids.add(int(fields[4]))
    pids.discard(os.getpid())
    return pids


_warned: set[str] = set()
_warned_guard = threading.Lock()


def shared_writer_warning(
    path: Path, *, version: str | None = None, locks: Path | None = None
) -> str | None:
    """A plain warning when this SQLite has the WAL-reset bug and another process has ``path`` open.

    Given at most once per database file per process; ``None`` otherwise.
    """
    found = version or sqlite3.sqlite_version
    if _version(found) >= WAL_RESET_FIXED:
        return None
    others = other_processes_with_file_open(path, locks)
    if not others:
        return None
    key = os.path.realpath(path)
    with _warned_guard:
        if key in _warned:
            return None
        _warned.add(key)
    fixed = ".".join(map(str, WAL_RESET_FIXED))
    who = ", ".join(str(p) for p in sorted(others)[:5])
    return (
        f"Warning: another program (process {who}) has this database open too, and this computer's SQLite "
        f"{found} has a rare bug (fixed in SQLite {fixed}) that can damage a database when two programs "
        f"write to it at the same moment. To be safe, use one backstride at a time on this file, take "
        f"backups (`backstride backup FILE`), and upgrade SQLite to {fixed} or later when your system offers "
        f"it; a shared log for several people belongs on PostgreSQL."
    )
