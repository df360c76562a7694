"""The result type every decoder returns, and the exception used for decode time limits."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import ImportedActivity, ImportFailure

__all__ = ["DecodeResult", "DecodeTimeout", "fail", "skip"]


@dataclass(slots=True)
class DecodeResult:
    """Activities decoded from one source, failures with a reason, and skipped non-activity files."""

    activities: list[ImportedActivity] = field(default_factory=list)
    failures: list[ImportFailure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "name: reason"

    def extend(self, other: DecodeResult) -> None:
        """Append everything from ``other``."""
        self.activities.extend(other.activities)
        self.failures.extend(other.failures)
        self.skipped.extend(other.skipped)


class DecodeTimeout(BaseException):
    """Raised (by a SIGALRM handler) when one file exceeds its decode time budget."""


def fail(name: str, reason: str) -> DecodeResult:
    """A result holding one failure."""
    return DecodeResult(failures=[ImportFailure(name, reason)])


def skip(name: str, reason: str) -> DecodeResult:
    """A result holding one skipped (non-activity) file."""
    return DecodeResult(skipped=[f"{name}: {reason}"])
