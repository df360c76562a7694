"""``decode_all``: decode many sources on a process pool, in order, one bad file costs one file.

Sources are sent in chunks (up to 32 files or 8 MB) so per-file IPC overhead stays small.
Inside a worker each file runs under a SIGALRM budget (:func:`limits.time_budget_s`); the
parent additionally waits at most the chunk's summed budget plus slack, so a decoder stuck
in C code cannot hang the import. When a worker dies (segfault, OOM kill) or a chunk times
out, the pool is rebuilt and that chunk's files are retried one at a time, so the failure
lands on the file that caused it.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from types import FrameType

from .archive import Source, decode_source
from .dispatch import decode
from .limits import MAX_IN_FLIGHT_COST, time_budget_s
from .result import DecodeResult, DecodeTimeout, fail

__all__ = ["decode_all", "decode_one"]

_CHUNK_FILES = 32
_CHUNK_BYTES = 8 * 2**20
_WORKER_MEMORY = 2 * 2**30  # address-space cap per worker: runaway memory becomes MemoryError
_PARENT_SLACK_S = 10.0


def _budget(src: Source) -> float:
    size = len(src.data)
    if src.data[:2] == b"\x1f\x8b":
        size *= 5  # gzip: the decoder works on the (larger) decompressed bytes
    return time_budget_s(size)


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise DecodeTimeout


def decode_one(src: Source) -> DecodeResult:
    """Decode one source under its time budget (SIGALRM when on the main thread)."""
    budget = _budget(src)
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return decode_source(src, decode)  # no SIGALRM off the main thread: the caller must bound us
    old_handler = signal.signal(signal.SIGALRM, _on_alarm)
    old_timer = signal.setitimer(signal.ITIMER_REAL, budget)
    started = time.monotonic()
    try:
        return decode_source(src, decode)
    except DecodeTimeout:
        return fail(src.name, f"decoding took longer than its {budget:g} s budget: stopped")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_timer[0] > 0:  # give back a caller's pending alarm (e.g. pytest-timeout), minus time used
            signal.setitimer(signal.ITIMER_REAL, max(0.001, old_timer[0] - (time.monotonic() - started)), old_timer[1])


def _worker_init() -> None:
    try:
        import resource

        # on top of what the forked worker already maps, so a big parent does not starve it
        with open("/proc/self/statm") as f:
            mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = mapped + _WORKER_MEMORY
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business


def _decode_chunk(chunk: list[Source]) -> list[DecodeResult]:
    return [decode_one(s) for s in chunk]


def _chunks(sources: Iterable[Source]) -> Iterator[list[Source]]:
    chunk: list[Source] = []
    size = 0
    for s in sources:
        chunk.append(s)
        size += len(s.data)
        if len(chunk) >= _CHUNK_FILES or size >= _CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class _Pool:
    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.ex = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, initializer=_worker_init)

    def submit(self, chunk: list[Source]) -> Future[list[DecodeResult]]:
        return self.ex.submit(_decode_chunk, chunk)

    def reset(self) -> None:
        """Kill our worker processes and start fresh ones."""
        procs = list(getattr(self.ex, "_processes", {}).values())
        for p in procs:  # only the processes this pool started, by their own handle
            if p.is_alive():
                p.kill()
        self.ex.shutdown(wait=False, cancel_futures=True)
        self.ex = self._new()

    def close(self) -> None:
        self.ex.shutdown(wait=True, cancel_futures=True)


def _isolate(pool: _Pool, chunk: list[Source]) -> list[DecodeResult]:
    """Retry a failed chunk file by file so only the guilty file fails."""
    out: list[DecodeResult] = []
    for src in chunk:
        fut = pool.submit([src])
        try:
            out.extend(fut.result(timeout=_budget(src) + _PARENT_SLACK_S))
        except FutureTimeout:
            pool.reset()
            out.append(fail(src.name, "decoding hung and was stopped"))
        except BrokenProcessPool:
            pool.reset()
            out.append(fail(src.name, "the decoder process crashed on this file"))
    return out


def decode_all(sources: Iterable[Source], workers: int | None = None) -> Iterator[DecodeResult]:
    """Decode sources in input order, one DecodeResult per source.

    ``workers=1`` decodes in this process (used by tests); ``None`` uses every core.
    """
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n <= 1:
        for s in sources:
            yield decode_one(s)
        return
    pool = _Pool(n)
    pending: deque[tuple[list[Source], Future[list[DecodeResult]]]] = deque()
    try:
        for chunk in _chunks(sources):
            pending.append((chunk, pool.submit(chunk)))
            # bounded look-ahead, in chunks and in bytes, so memory stays flat whatever the worker count
            while len(pending) > 2 * n or (len(pending) > 1 and _in_flight(pending) > MAX_IN_FLIGHT_COST):
                yield from _collect(pool, pending)
        while pending:
            yield from _collect(pool, pending)
    finally:
        pool.close()


def _decode_cost(src: Source) -> int:
    """About how much memory decoding ``src`` needs: an XML tree costs about 13x its text, FIT about 2x."""
    head = src.data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    factor = 5 * 13 if src.data[:2] == b"\x1f\x8b" else 13 if head[:1] == b"<" else 2
    return len(src.data) * factor


def _in_flight(pending: deque[tuple[list[Source], Future[list[DecodeResult]]]]) -> int:
    return sum(_decode_cost(s) for chunk, _ in pending for s in chunk)


def _collect(pool: _Pool, pending: deque[tuple[list[Source], Future[list[DecodeResult]]]]) -> list[DecodeResult]:
    chunk, fut = pending.popleft()
    try:
        return fut.result(timeout=sum(_budget(s) for s in chunk) + _PARENT_SLACK_S)
    except (FutureTimeout, BrokenProcessPool):
        # everything still queued died with the pool too: resubmit it after a reset
        pool.reset()
        rest = [c for c, _ in pending]
        pending.clear()
        out = _isolate(pool, chunk)
        for c in rest:
            pending.append((c, pool.submit(c)))
        return out
