"""Errors the storage layer raises on purpose."""

from __future__ import annotations

__all__ = ["AthleteNotFound", "DatabaseTooNew", "NotFound", "ShoeNotFound"]


class NotFound(LookupError):
    """A row the caller named does not exist."""


class AthleteNotFound(NotFound):
    """No athlete has this id."""

    def __init__(self, athlete_id: int) -> None:
        super().__init__(f"no athlete with id {athlete_id}")
        self.athlete_id = athlete_id


class ShoeNotFound(NotFound):
    """No shoe with this id belongs to the athlete."""

    def __init__(self, shoe_id: int) -> None:
        super().__init__(f"no shoe with id {shoe_id} for this athlete")
        self.shoe_id = shoe_id


class DatabaseTooNew(RuntimeError):
    """The database was migrated by a newer backstride than this one."""
