"""Dates written with a month's name, in English, Russian and Urdu, found by pattern.

dateparser reads one date expression well but its search through running text drops
precision ("November 2024" becomes the 12th) and misses inflected Russian months ("в феврале
2003 года"), so dates with a month's name are found here first, each at the precision the
text gives; dateparser then reads the relative expressions (kg/draft/dates.py).
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS: dict[str, list[tuple[str, int]]] = {
    "en": [
        (r"jan(?:uary|\.)?", 1), (r"feb(?:ruary|\.)?", 2), (r"mar(?:ch|\.)?", 3),
        (r"apr(?:il|\.)?", 4), (r"may", 5), (r"june?", 6), (r"july?", 7), (r"aug(?:ust|\.)?", 8),
        (r"sep(?:tember|t\.|\.|t)?", 9), (r"oct(?:ober|\.)?", 10), (r"nov(?:ember|\.)?", 11),
        (r"dec(?:ember|\.)?", 12),
    ],
    "ru": [
        (r"январ\w*", 1), (r"феврал\w*", 2), (r"март\w*", 3), (r"апрел\w*", 4), (r"ма[йяе]", 5),
        (r"июн\w*", 6), (r"июл\w*", 7), (r"август\w*", 8), (r"сентябр\w*", 9),
        (r"октябр\w*", 10), (r"ноябр\w*", 11), (r"декабр\w*", 12),
    ],
    "ur": [
        (r"جنوری", 1), (r"فروری", 2), (r"مارچ", 3), (r"اپریل", 4), (r"مئی", 5), (r"جون", 6),
        (r"جولائی", 7), (r"اگست", 8), (r"ستمبر", 9), (r"اکتوبر", 10), (r"نومبر", 11),
        (r"دسمبر", 12),
    ],
}  # fmt: skip
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|-?го|-?е)?"
_DAY2 = r"(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[6-9]\d\d|20\d\d)(?:\s?(?:года|году|г\.|ء))?"


def _patterns(lang: str) -> list[re.Pattern[str]]:
    names = "|".join(f"(?P<m{n}>{rx})" for rx, n in MONTHS[lang])
    month = rf"(?:{names})(?!\w)"
    day_range = r"(?:\s?[-–]\s?[0-3]?\d)?"
    return [
        re.compile(
            rf"(?<!\w){_DAY}{day_range}\s*(?:of\s+)?{month},?\s+{_YEAR}(?!\d)", re.IGNORECASE
        ),
        re.compile(rf"(?<!\w){month}\s+{_DAY2}{day_range},?\s+{_YEAR}(?!\d)", re.IGNORECASE),
        re.compile(rf"(?<!\w){month},?\s+{_YEAR}(?!\d)", re.IGNORECASE),
        re.compile(rf"(?<!\w){_DAY}{day_range}\s+{month}", re.IGNORECASE),
        re.compile(rf"(?<!\w){month}\s+{_DAY2}(?![\d,.]\d)", re.IGNORECASE),
        # A month alone, after a preposition ("in July", "by August", "в декабре").
        re.compile(rf"(?<!\w)(?:in|of|by|since|until|в|до|с)\s+{month}", re.IGNORECASE),
    ]


_CACHE: dict[str, list[re.Pattern[str]]] = {}


def nearest_year(month: int, day: int, base: dt.date) -> int:
    """The year that puts a day and month nearest the document's date (news looks both ways)."""
    best = base.year
    for year in (base.year - 1, base.year, base.year + 1):
        try:
            if abs((dt.date(year, month, day) - base).days) < abs(
                (dt.date(best, month, day) - base).days
            ):
                best = year
        except ValueError:
            continue
    return best


# Numeric dates: ISO (2015-10-16) and day.month.year as Russian and Pakistani texts write them.
_NUMERIC = (
    re.compile(r"(?<![\d.])(?P<year>1[6-9]\d\d|20\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)"),
    re.compile(
        r"(?<![\d.])(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>1[6-9]\d\d|20\d\d)(?!\d)"
    ),
)


def numeric_dates(text: str) -> list[tuple[int, int, str | None, str, str]]:
    """(start, end, ISO value, precision, note) of each all-digit date."""
    found = []
    for pattern in _NUMERIC:
        for match in pattern.finditer(text):
            try:
                value = dt.date(
                    int(match.group("year")), int(match.group("month")), int(match.group("day"))
                ).isoformat()
            except ValueError:
                continue
            if not any(a < match.end() and match.start() < b for a, b, *_ in found):
                note = f"'{match.group(0)}' states the date (day.month.year)"
                found.append((match.start(), match.end(), value, "day", note))
    return found


def month_dates(
    text: str, lang: str, base: dt.date | None
) -> list[tuple[int, int, str | None, str, str]]:
    """(start, end, ISO value or None, precision, note) of each date with a month's name."""
    patterns = _CACHE.setdefault(lang, _patterns(lang)) if lang in MONTHS else []
    found: list[tuple[int, int, str | None, str, str]] = numeric_dates(text)
    for pattern in patterns:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(a < end and start < b for a, b, *_ in found):
                continue
            groups = match.groupdict()
            month = next(int(k[1:]) for k, v in groups.items() if k[0] == "m" and v)
            words = match.group(0)
            if (
                lang == "en"
                and month == 5
                and not groups.get("year")
                and not (groups.get("day") or groups.get("day2"))
            ):
                continue
            day = groups.get("day") or groups.get("day2")
            year = groups.get("year")
            if day and not 1 <= int(day) <= 31:
                continue
            if year:
                value = f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")
                note = f"'{words}' states the date"
            elif base is None:
                value, note = None, f"'{words}' gives no year and the document's date is unknown"
            else:
                y = nearest_year(month, int(day) if day else 15, base)
                value = f"{y}-{month:02d}" + (f"-{int(day):02d}" if day else "")
                note = (
                    f"'{words}' without a year: the year that puts it nearest the document's "
                    f"date {base}"
                )
            try:
                if value and day:
                    dt.date.fromisoformat(value)
            except ValueError:
                continue
            found.append((start, end, value, "day" if day else "month", note))
    return found
