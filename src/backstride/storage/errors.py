"""Errors the storage layer raises on purpose."""

from __future__ import annotations

__all__ = ["AthleteNotFound", "DatabaseBusy", "DatabaseNeedsUpgrade", "DatabaseTooNew", "NotFound", "ShoeNotFound"]


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


class DatabaseNeedsUpgrade(RuntimeError):
    """The database is behind this backstride, and this process is not the one that migrates it."""

    def __init__(self, current: str | None, head: str) -> None:
        at = "empty" if current is None else f"at schema revision {current!r}"
        super().__init__(
            f"the database is {at} and this backstride needs {head!r}. Run `backstride db upgrade` once "
            "(with the same BACKSTRIDE_DATABASE_URL or --db), then start the app and the workers again."
        )
        self.current, self.head = current, head


class DatabaseBusy(RuntimeError):
    """Another writer held the database for longer than we wait; nothing of this write was saved."""

    def __init__(self, waited_ms: int) -> None:
        super().__init__(
            f"database is busy: another backstride kept writing to it for {waited_ms / 1000:g} s; "
            "nothing was saved. Please try again in a moment."
        )
        self.waited_ms = waited_ms
