"""The resolved time expression every date function returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .base import Granularity

__all__ = ["TimeSpan"]


@dataclass(frozen=True, slots=True)
class TimeSpan:
    """A resolved time expression.

    ``start`` is inclusive, ``end`` the last instant of the range (23:59:59.999999
    of its last day); both are timezone-aware UTC.  ``expression`` is the exact
    substring that was resolved ("" for an ``instant`` fallback) and ``relative``
    tells whether the result depended on the reference time.  ``recurring`` marks a
    yearly date (a birthday, "every year on 4 July"): its window is the next
    occurrence on or after the reference's day.
    """

    start: datetime
    end: datetime
    granularity: Granularity
    expression: str
    relative: bool
    recurring: bool = False
