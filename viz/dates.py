"""Partial dates (YYYY, YYYY-MM, YYYY-MM-DD) as the intervals they stand for.

Sources date things as precisely as they can: "1973", "2025-07", "2025-07-11". A period
filter must treat "2025" as the whole year, so every date becomes a closed interval of days.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PARTIAL = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class DateError(ValueError):
    """A date parameter that is not YYYY, YYYY-MM or YYYY-MM-DD."""


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """A closed interval of days; `text` keeps the date as the source gave it."""

    start: date
    end: date
    text: str

    def overlaps(self, low: date | None, high: date | None) -> bool:
        if low is not None and self.end < low:
            return False
        return not (high is not None and self.start > high)


def parse_partial(text: str) -> Span | None:
    """The interval a literal such as "2025-07" covers, or None when it is not a date.

    Literals typed xsd:date may carry a time zone ("2025-07-11Z"); it is dropped.
    """
    raw = text.strip()
    raw = re.sub(r"(Z|[+-]\d{2}:\d{2})$", "", raw) if len(raw) > 7 else raw
    match = _PARTIAL.match(raw)
    if not match:
        return None
    year = int(match.group(1))
    if year < 1:
        return None
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    try:
        if month is None:
            return Span(date(year, 1, 1), date(year, 12, 31), raw)
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return Span(date(year, month, 1), date(year, month, last), raw)
        exact = date(year, month, day)
    except ValueError:
        return None
    return Span(exact, exact, raw)


def parse_bound(text: str | None, name: str) -> Span | None:
    """A `from`/`to` query parameter, or a DateError that says which and why."""
    if text is None or not text.strip():
        return None
    span = parse_partial(text)
    if span is None:
        raise DateError(f"'{name}' must be a date as YYYY, YYYY-MM or YYYY-MM-DD, not {text!r}")
    return span


def covering(spans: list[Span]) -> Span | None:
    """The smallest interval covering all `spans` (None for none)."""
    if not spans:
        return None
    start = min(s.start for s in spans)
    end = max(s.end for s in spans)
    texts = sorted({s.text for s in spans})
    return Span(start, end, " / ".join(texts))
