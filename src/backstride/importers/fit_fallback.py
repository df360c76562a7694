"""Lenient fitdecode pass, used only when the skip-scanner stops before finding a session.

fitdecode yields messages up to the point of a fatal error, and it can raise nearly anything
on hostile input (AssertionError, struct.error, KeyError, ValueError, TypeError: see
reliability.md §0), so every exception is swallowed here and whatever was read is kept.
"""

from __future__ import annotations

import io
import warnings

from .result import DecodeTimeout

__all__ = ["fitdecode_sessions"]

# fitdecode session field name -> FIT field number used by fit.py
_FIELDS = {
    "start_time": 2,
    "timestamp": 253,
    "sport": 5,
    "sub_sport": 6,
    "total_elapsed_time": 7,
    "total_timer_time": 8,
    "total_distance": 9,
    "avg_heart_rate": 16,
    "max_heart_rate": 17,
    "avg_cadence": 18,
    "total_ascent": 22,
    "total_descent": 23,
}


def fitdecode_sessions(data: bytes) -> list[dict[int, object]]:
    """Session messages as raw FIT values (scaled back), as far as fitdecode can read."""
    import fitdecode  # local import: only broken files pay for it

    out: list[dict[int, object]] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = fitdecode.FitReader(
                io.BytesIO(data),
                check_crc=fitdecode.CrcCheck.DISABLED,
                error_handling=fitdecode.ErrorHandling.IGNORE,
                processor=fitdecode.DataProcessorBase(),
                keep_raw_chunks=False,
            )
            for frame in reader:
                if isinstance(frame, fitdecode.FitDataMessage) and frame.global_mesg_num == 18:
                    out.append(_raw(frame))
    except DecodeTimeout:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:
        pass
    return out


def _raw(frame: object) -> dict[int, object]:
    fields: dict[int, object] = {}
    for fld in getattr(frame, "fields", []):
        num = _FIELDS.get(getattr(fld, "name", ""))
        value = getattr(fld, "raw_value", None)
        if num is not None and isinstance(value, int | float):
            fields[num] = value
    return fields
