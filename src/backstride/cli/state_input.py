"""A ``backstride.state/1`` read from a file or stdin, every problem named after the option that was typed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from backstride.cli.output import fail

if TYPE_CHECKING:
    from backstride.contract import State

__all__ = ["MAX_STATE_BYTES", "read_state"]

# Ten years of daily check-ins and runs is about 3 MB of state; 16 MB is 50 years with room to spare,
# and keeps a state read and parsed well under 200 MB of memory.
MAX_STATE_BYTES = 16 * 2**20


def read_state(source: str, option: str = "--input") -> State:
    """Read and validate a state from a file or stdin; exit 2 with located messages when it is bad.

    ``option`` is the option the user typed, so that every message names it. The text is read
    through a counted reader (at most MAX_STATE_BYTES + 1 bytes, only from a regular file or
    stdin) and parsed once.
    """
    from backstride.contract import InvalidState, parse_state_text
    from backstride.files import NotRegular, TooBig, open_regular, read_capped

    try:
        if source == "-":
            data = read_capped(sys.stdin.buffer, MAX_STATE_BYTES)
        else:
            path = Path(source)
            if path.is_dir():
                fail([f"{option}: {source} is a folder; give a backstride.state/1 JSON file"])
            if not path.exists():
                fail([f"{option}: no such file: {source}"])
            with open_regular(path) as f:
                data = read_capped(f, MAX_STATE_BYTES)
    except TooBig:
        fail([f"{option}: {source} is larger than {MAX_STATE_BYTES // 2**20} MB: not a backstride.state/1 "
              "backstride can read"])
    except NotRegular as exc:
        fail([f"{option}: {source} is {exc}"])
    except OSError as exc:
        fail([f"{option}: cannot read {source}: {exc.strerror or exc}"])
    try:
        data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        fail([f"{option}: {source} is not UTF-8 text"])
    try:
        return parse_state_text(data)
    except InvalidState as exc:
        fail([str(p) for p in exc.problems])
