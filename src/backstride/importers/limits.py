"""Caps for untrusted archives and compressed files (reliability.md T7, ASVS 5.2.3).

The 4 GB / 50,000-member figures are sized for multi-year Strava/Garmin takeouts with
photos; they are guesses to confirm against a real export (reliability.md §6).
"""

from __future__ import annotations

__all__ = [
    "MAX_ARCHIVE_BYTES",
    "MAX_FILE_BYTES",
    "MAX_GPX_POINTS",
    "MAX_IN_FLIGHT_COST",
    "MAX_MEMBERS",
    "MAX_MEMBER_BYTES",
    "MAX_ZIP_DEPTH",
    "time_budget_s",
]

MAX_MEMBER_BYTES = 100 * 2**20  # one decompressed file (zip member or .gz)
MAX_FILE_BYTES = MAX_MEMBER_BYTES  # one plain file read from disk
MAX_ARCHIVE_BYTES = 4 * 2**30  # everything decompressed from archives in one import, however many
MAX_MEMBERS = 50_000
# 48 hours (the longest session backstride accepts) at one point a second is 172,800 points; a
# parsed point costs about 1 KB, so the cap also bounds a GPX or TCX decode to about 250 MB.
MAX_GPX_POINTS = 250_000
# The memory that decoding the files handed to workers (and not yet collected) may need at once,
# whatever the number of workers: about 13x the bytes of XML, 2x of FIT (parallel._decode_cost).
MAX_IN_FLIGHT_COST = 1 * 2**30
MAX_ZIP_DEPTH = 2  # a zip inside a zip (Garmin takeout) is fine; one more level is refused


def time_budget_s(size: int) -> float:
    """Decode time budget for a file of ``size`` bytes: 2 s up to 150 KB, 5 s/MB, at most 30 s.

    From reliability.md §2.3: a legit 698 KB ride takes 1.85 s in fitdecode, so a flat
    2 s would fail real files.
    """
    if size <= 150 * 1024:
        return 2.0
    return min(30.0, max(2.0, 5.0 * size / 2**20))
