"""Where SQLite is not safe: network filesystems are refused, and an old SQLite with another program warned about.

Fake ``/proc/mounts`` and ``/proc/locks`` tables stand in for the machine's own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backstride.storage import sqlite_safety
from backstride.storage.engine import Database
from backstride.storage.sqlite_safety import (
    NetworkFilesystem,
    filesystem_of,
    other_processes_with_file_open,
    refuse_network_filesystem,
    shared_writer_warning,
)

MOUNTS = """\
/dev/vda / ext4 rw,relatime 0 0
proc /proc proc rw,relatime 0 0
server:/export/home {root}/nfs nfs4 rw,relatime,vers=4.2 0 0
/dev/vdb {root}/nfs/local ext4 rw,relatime 0 0
//nas/share {root}/smb cifs rw,relatime 0 0
alex@host:/data {root}/ssh fuse.sshfs rw,nosuid,nodev 0 0
drvfs {root}/win 9p rw,noatime 0 0
tmpfs {root}/with\\040space tmpfs rw 0 0
server:/other {root}/with\\040space/inner nfs rw 0 0
"""


@pytest.fixture
def mounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    table = tmp_path / "mounts"
    table.write_text(MOUNTS.format(root=tmp_path))
    monkeypatch.setattr(sqlite_safety, "MOUNTS_FILE", table)
    monkeypatch.delenv(sqlite_safety.ALLOW_NETWORK_FS_ENV, raising=False)
    return tmp_path


@pytest.mark.parametrize(("where", "kind"), [
    ("nfs/log.db", "nfs4"),
    ("smb/deep/er/log.db", "cifs"),
    ("ssh/log.db", "fuse.sshfs"),
    ("win/Users/alex/log.db", "9p"),
    ("with space/inner/log.db", "nfs"),
])
def test_a_database_on_a_network_filesystem_is_refused(mounts: Path, where: str, kind: str) -> None:
    path = mounts / where
    with pytest.raises(NetworkFilesystem, match=f"network filesystem \\({kind} mounted at") as caught:
        refuse_network_filesystem(path)
    assert sqlite_safety.ALLOW_NETWORK_FS_ENV in str(caught.value)


@pytest.mark.parametrize("where", ["nfs/local/log.db", "log.db", "with space/log.db", "nfsnot/log.db"])
def test_the_longest_mount_point_decides_and_local_disks_pass(mounts: Path, where: str) -> None:
    refuse_network_filesystem(mounts / where)


def test_the_mount_point_is_found_through_symbolic_links(mounts: Path) -> None:
    (mounts / "nfs").mkdir()
    (mounts / "link").symlink_to(mounts / "nfs")
    mount = filesystem_of(mounts / "link" / "log.db")
    assert mount is not None and mount.fstype == "nfs4"
    with pytest.raises(NetworkFilesystem):
        refuse_network_filesystem(mounts / "link" / "log.db")


def test_the_user_can_allow_a_network_filesystem_explicitly(mounts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refuse_network_filesystem(mounts / "nfs" / "log.db", allow=True)
    monkeypatch.setenv(sqlite_safety.ALLOW_NETWORK_FS_ENV, "1")
    refuse_network_filesystem(mounts / "nfs" / "log.db")


def test_opening_a_database_there_creates_nothing(mounts: Path) -> None:
    folder = mounts / "nfs" / "backstride"
    with pytest.raises(NetworkFilesystem):
        Database.open(f"sqlite:///{folder / 'log.db'}")
    assert not folder.exists()


def test_without_a_mounts_table_nothing_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_safety, "MOUNTS_FILE", tmp_path / "absent")
    refuse_network_filesystem(tmp_path / "log.db")


def _locks_for(db_path: Path, tmp_path: Path, pid: int, start: str = "128", end: str = "128") -> Path:
    shm = os.stat(f"{db_path}-shm")
    device = f"{os.major(shm.st_dev):02x}:{os.minor(shm.st_dev):02x}:{shm.st_ino}"
    table = tmp_path / "locks"
    table.write_text(
        f"1: POSIX  ADVISORY  READ {os.getpid()} {device} 128 128\n"
        f"2: POSIX  ADVISORY  READ {pid} {device} {start} {end}\n"
        f"3: FLOCK  ADVISORY  WRITE 77 00:2a:999 0 EOF\n"
    )
    return table


@pytest.fixture
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_safety, "_warned", set())


def test_an_old_sqlite_with_another_program_on_the_file_is_warned_about_once(
        sqlite_db: Database, tmp_path: Path, fresh_warnings: None) -> None:
    path = sqlite_db.sqlite_path
    assert path is not None
    locks = _locks_for(path, tmp_path, pid=424242)
    assert other_processes_with_file_open(path, locks) == {424242}
    text = shared_writer_warning(path, version="3.40.1", locks=locks)
    assert text is not None
    assert "process 424242" in text and "3.40.1" in text and "3.51.3" in text and "one backstride at a time" in text
    assert shared_writer_warning(path, version="3.40.1", locks=locks) is None  # once


@pytest.mark.parametrize("version", ["3.51.3", "3.52.0", "4.0.0"])
def test_a_fixed_sqlite_is_not_warned_about(sqlite_db: Database, tmp_path: Path, fresh_warnings: None,
                                            version: str) -> None:
    assert sqlite_db.sqlite_path is not None
    locks = _locks_for(sqlite_db.sqlite_path, tmp_path, pid=424242)
    assert shared_writer_warning(sqlite_db.sqlite_path, version=version, locks=locks) is None


def test_an_old_sqlite_alone_on_the_file_is_not_warned_about(sqlite_db: Database, tmp_path: Path,
                                                              fresh_warnings: None) -> None:
    assert sqlite_db.sqlite_path is not None
    other_byte = _locks_for(sqlite_db.sqlite_path, tmp_path, pid=424242, start="120", end="120")
    assert other_processes_with_file_open(sqlite_db.sqlite_path, other_byte) == set()
    assert shared_writer_warning(sqlite_db.sqlite_path, version="3.40.1", locks=other_byte) is None


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux's /proc/locks")
def test_another_process_with_the_database_open_is_seen_in_the_real_locks_table(
        sqlite_url: str, fresh_warnings: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with Database.open(sqlite_url) as db:
        assert db.sqlite_path is not None
        assert other_processes_with_file_open(db.sqlite_path) == set()  # our own connections do not count
        script = (
            "import sqlite3, sys\n"
            f"c = sqlite3.connect({str(db.sqlite_path)!r}); c.execute('SELECT 1 FROM athletes').fetchall()\n"
            "print('open', flush=True); sys.stdin.readline()\n"
        )
        with subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True) as proc:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "open"
            try:
                assert other_processes_with_file_open(db.sqlite_path) == {proc.pid}
                monkeypatch.setattr(sqlite_safety.sqlite3, "sqlite_version", "3.40.1")
                with Database.open(sqlite_url) as second:
                    assert any(f"process {proc.pid}" in n for n in second.notices)
            finally:
                assert proc.stdin is not None
                proc.stdin.write("\n")
                proc.stdin.flush()
                proc.wait(timeout=30)
