"""When running shoes are due for replacing (E-SHOES): one verdict, read by the plan, causes and the shoe list."""

from __future__ import annotations

from typing import Literal

from backstride.rules import Catalogue

__all__ = ["ShoeWear", "shoe_wear"]

ShoeWear = Literal["fine", "check", "replace"]


def shoe_wear(km: float, rules: Catalogue) -> ShoeWear:
    """``replace`` from E-SHOES replace_km on, ``check`` from warn_km on, else ``fine``."""
    if km >= rules.value("E-SHOES", "replace_km"):
        return "replace"
    if km >= rules.value("E-SHOES", "warn_km"):
        return "check"
    return "fine"
