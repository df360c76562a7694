"""Exports of backstride's output to other tools: a week's plan as an iCalendar file."""

from __future__ import annotations

from backstride.exports.calendar import plan_to_ics

__all__ = ["plan_to_ics"]
