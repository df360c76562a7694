"""Reading input files with bounds that hold: only regular files are opened, and reads are counted.

``stat().st_size`` is 0 for devices and pipes and can change under us, so sizes are never trusted:
a file is opened non-blocking (a FIFO cannot hang the open), checked on the open descriptor, and
read at most ``cap + 1`` bytes.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO

__all__ = ["NotRegular", "TooBig", "open_regular", "read_capped", "read_regular"]


class NotRegular(OSError):
    """The path is a device, pipe, FIFO or socket: never opened for reading."""


class TooBig(Exception):
    """More bytes than the cap."""


def open_regular(path: Path) -> IO[bytes]:
    """Open ``path`` for reading only if it is a regular file (a FIFO must not block, a device must not stream).

    The file is opened non-blocking and checked with ``fstat`` on the open descriptor, so nothing
    can swap a FIFO in between a check and the open. Raises :class:`NotRegular` or ``OSError``.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode)
                    or stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
            raise NotRegular(f"{kind}: only regular files are read")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path, cap: int) -> bytes | None:
    """The bytes of a regular file, counted as they are read; None when it holds more than ``cap``."""
    with open_regular(path) as f:
        data = f.read(cap + 1)
    return None if len(data) > cap else data


def read_capped(stream: IO[bytes], cap: int) -> bytes:
    """Read a stream to its end, at most ``cap`` bytes; :class:`TooBig` as soon as it holds more."""
    data = stream.read(cap + 1)
    if len(data) > cap:
        raise TooBig
    return data
