"""The benchmark lines the README's "Speed" section shows are accepted as written.

Each names a script under ``benchmarks/`` and options that script's own parser takes. The lines are
parsed here, not run: run as written they take minutes each, and the ``tests/*/test_*_benchmark.py``
files run every script briefly and check the form of what it prints.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shlex
import sys
from typing import Any

import pytest

from tests.conftest import REPO

LINE = re.compile(r"^    \.venv/bin/python (benchmarks/\S+\.py)(.*?)(\s+#.*)?$")


def _lines() -> list[tuple[str, list[str]]]:
    found = []
    for line in (REPO / "README.md").read_text().splitlines():
        m = LINE.match(line)
        if m:
            found.append((m.group(1), shlex.split(m.group(2))))
    return found


class _Parsed(Exception):
    """Raised in place of running the benchmark once its arguments are parsed."""


def test_the_readme_shows_benchmark_lines() -> None:
    assert len(_lines()) >= 5


@pytest.mark.parametrize(("script", "args"), _lines(), ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_a_readme_benchmark_line_is_accepted_as_written(script: str, args: list[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path = REPO / script
    assert path.is_file(), f"README names {script}, which is not there"
    original = argparse.ArgumentParser.parse_args

    def parse_then_stop(self: argparse.ArgumentParser, *a: Any, **k: Any) -> Any:
        raise _Parsed(original(self, *a, **k))

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", parse_then_stop)
    monkeypatch.setattr(sys, "argv", [str(path), *args])
    monkeypatch.syspath_prepend(str(path.parent))
    spec = importlib.util.spec_from_file_location(f"readme_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    source = path.read_text()
    if "ArgumentParser(" not in source:
        assert not args, f"{script} takes no options, but the README gives it {args}"
        return
    with pytest.raises(_Parsed):
        module.main(args) if "def main(argv" in source else module.main()
