"""Dates in a document's text, absolute and relative, resolved against the document's date.

News reports date events by weekday ("on Friday"), by "yesterday" or by a month without its
year; a curator turns each into a date and says how. This module does the same with
dateparser (English, Urdu, Russian) and writes the "how" as a note, so that the curator
checks the reasoning instead of redoing it. A date the text does not fix (a relative one in a
document of unknown date) is reported with no value rather than guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from dateparser.date import DateDataParser
from dateparser.search import search_dates

# Eastern Arabic-Indic and Urdu digits, read as ASCII (same length, so offsets hold).
DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_YEAR = re.compile(r"(?<![\d.,])(1[6-9]\d\d|20\d\d)(?![\d,]|\.\d)")
_ONLY_NUMBER = re.compile(r"^[\s\d.,:/-]+$")
_FULL_NUMERIC = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4}")
# Words dateparser reads as dates that in news prose seldom are (a "may" of modality, "now").
_NOT_DATES = {
    "en": {"may", "now", "march", "second", "today's", "sat", "sun", "mon", "wed"},
    "ru": {"сейчас", "сегодняшний"},
    "ur": set(),
}
_LAST_WEEK_OF = {
    "en": re.compile(r"\blast week of (\w+)(?: (\d{4}))?", re.IGNORECASE),
    "ru": re.compile(r"последн\w+ недел\w+ (\w+)(?: (\d{4}))?", re.IGNORECASE),
}
PRECISION = {"day": 10, "week": 10, "month": 7, "year": 4}


@dataclass
class DateMention:
    """One date expression: its words, the date it stands for (ISO, at its precision) and how."""

    text: str
    value: str | None
    precision: str  # day | month | year
    kind: str  # absolute | relative
    note: str
    start: int = 0


@lru_cache(maxsize=8)
def _parser(lang: str, base: dt.date | None) -> DateDataParser:
    settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day)
    return DateDataParser(languages=[lang], settings=settings)


def parse_date(text: str, lang: str, base: dt.date | None = None) -> tuple[str, str] | None:
    """One date expression read as (ISO value at its precision, precision), or None."""
    text = text.translate(DIGITS).strip()
    year_only = _YEAR.fullmatch(text.strip(" .,"))
    if year_only:
        return year_only.group(1), "year"
    data = _parser(lang, base).get_date_data(text)
    if data is None or data.date_obj is None or data.date_obj.year < 1600:
        return None
    period = data.period if data.period in PRECISION else "day"
    precision = "day" if period == "week" else period
    return data.date_obj.date().isoformat()[: PRECISION[precision]], precision


def _search(text: str, lang: str, base: dt.date | None) -> list[tuple[str, dt.datetime]]:
    settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day)
    try:
        return search_dates(text, languages=[lang], settings=settings) or []
    except (ValueError, OverflowError, TypeError):  # dateparser's bad days: no dates found
        return []


def _has_year(span: str) -> bool:
    return bool(_YEAR.search(span.translate(DIGITS)))


def _how(span: str, value: str, base: dt.date | None, has_year: bool, precision: str) -> str:
    if has_year:
        return f"'{span}' states the date"
    if base is None:
        return f"'{span}' gives no year and the document's date is unknown"
    if precision == "day" and re.search(r"\d", span):
        return (
            f"'{span}' without a year: taken as the last such day up to the document's date {base}"
        )
    return f"'{span}' counted back from the document's date {base} ({base:%A})"


def _last_week_of(text: str, lang: str, base: dt.date | None) -> list[DateMention]:
    found = []
    rule = _LAST_WEEK_OF.get(lang)
    for match in rule.finditer(text) if rule else []:
        parsed = parse_date(
            match.group(1) + (f" {match.group(2)}" if match.group(2) else ""), lang, base
        )
        if parsed is None or parsed[1] != "month":
            continue
        year, month = int(parsed[0][:4]), int(parsed[0][5:7])
        nxt = dt.date(year + month // 12, month % 12 + 1, 1)
        last = nxt - dt.timedelta(days=1)
        first = last - dt.timedelta(days=6)
        how = "states the year" if match.group(2) else f"year from the document's date {base}"
        found.append(
            DateMention(
                match.group(0),
                parsed[0],
                "month",
                "absolute" if match.group(2) else "relative",
                f"'{match.group(0)}': {first} to {last} ({how}); kept at month precision",
                match.start(),
            )
        )
    return found


def find_dates(text: str, lang: str, base: dt.date | None = None) -> list[DateMention]:
    """Every date expression of a sentence or paragraph, in text order, each resolved once."""
    plain = text.translate(DIGITS)
    found = _last_week_of(plain, lang, base)
    taken = [(m.start, m.start + len(m.text)) for m in found]
    cursor = 0
    for span, when in _search(plain, lang, base):
        span = re.sub(r"\s+(in|on|at|the|of|and|в|и|на)$", "", span.strip(" ,.;:()[]\"'«»“”"))
        start = plain.find(span, cursor)
        if start < 0:
            continue
        cursor = start + len(span)
        end = start + len(span)
        if any(a <= start < b or a < end <= b for a, b in taken):
            continue
        if span.casefold() in _NOT_DATES.get(lang, set()) or len(span) < 3:
            continue
        if _ONLY_NUMBER.match(span) and not (_YEAR.fullmatch(span) or _FULL_NUMERIC.search(span)):
            continue  # a bare number ("300", "11") is a quantity, not a date
        parsed = parse_date(span, lang, base)
        if parsed is None and when.year >= 1600:
            parsed = (when.date().isoformat(), "day")
        if parsed is None:
            continue
        value, precision = parsed
        has_year = _has_year(span)
        if precision == "year" and (year := _YEAR.search(span)):
            start, end = start + year.start(), start + year.end()  # "In 1973 the" -> "1973"
        kind = "absolute" if has_year else "relative"
        if not has_year and base is None:
            value = None
        found.append(
            DateMention(
                text[start:end],
                value,
                precision,
                kind,
                _how(text[start:end], value or "", base, has_year, precision),
                start,
            )
        )
        taken.append((start, end))
    for match in _YEAR.finditer(plain):
        start, end = match.span()
        if any(a <= start < b for a, b in taken):
            continue
        found.append(
            DateMention(
                match.group(0),
                match.group(1),
                "year",
                "absolute",
                f"'{match.group(0)}' states the year",
                start,
            )
        )
        taken.append((start, end))
    return sorted(found, key=lambda m: m.start)
