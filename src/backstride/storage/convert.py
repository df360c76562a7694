"""Rows to contract models, through JSON mode: how the contract itself reads input.

The contract's input models are strict in Python mode (no list-for-tuple, no coercion); JSON mode is
the mode they promise to accept, so storage speaks to them in it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["json_ready", "to_contract"]

M = TypeVar("M", bound=BaseModel)


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON data")


def json_ready(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` without empty fields and with dates as ISO text."""
    out: dict[str, Any] = json.loads(json.dumps({k: v for k, v in values.items() if v is not None}, default=_default))
    return out


def to_contract(model: type[M], values: dict[str, Any]) -> M:
    """Validate ``values`` (a row's fields; ``None`` means absent) as the contract model ``model``."""
    return model.model_validate_json(json.dumps({k: v for k, v in values.items() if v is not None}, default=_default))
