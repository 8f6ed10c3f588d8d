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

from kg.draft.monthnames import month_dates

# Eastern Arabic-Indic and Urdu digits, read as ASCII (same length, so offsets hold).
DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_YEAR = re.compile(r"(?<![\d.,])(1[6-9]\d\d|20\d\d)(?!\d|[.,]\d)")
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


_AGO = re.compile(
    r"\d+\s+(years?|months?|weeks?|days?|лет|года?|месяц\w*|недел\w*|дн\w*|سال|ماہ|دن)\b.*(ago|назад|قبل|پہلے)",
    re.IGNORECASE,
)
_ABBREVIATED = re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.")
# Urdu words for today and yesterday that dateparser does not read, as days before the base.
_URDU_DAYS = {"آج": 0, "گزشتہ روز": 1, "گذشتہ روز": 1}


def find_dates(text: str, lang: str, base: dt.date | None = None) -> list[DateMention]:
    """Every date expression of a sentence or paragraph, in text order, each resolved once.

    Dates with a month's name first (kg/draft/monthnames.py), then dateparser's relative
    expressions ("on Friday", "yesterday", "52 years ago") counted back from the document's
    date, then a year standing alone. Without the document's date a relative expression is
    reported with no value.
    """
    # "Oct. 7" -> "Oct  7": the full stop would end the date; the same length keeps offsets.
    plain = _ABBREVIATED.sub(lambda m: m.group(1) + " ", text.translate(DIGITS))
    found = _last_week_of(plain, lang, base)
    taken = [(m.start, m.start + len(m.text)) for m in found]

    def free(start: int, end: int) -> bool:
        return not any(a < end and start < b for a, b in taken)

    for start, end, value, precision, note in month_dates(plain, lang, base):
        if free(start, end):
            kind = "absolute" if "states the date" in note else "relative"
            found.append(DateMention(text[start:end], value, precision, kind, note, start))
            taken.append((start, end))
    for word, back in _URDU_DAYS.items() if lang == "ur" else ():
        for match in re.finditer(rf"(?<!\w){word}(?!\w)", plain):
            if free(*match.span()):
                value = (base - dt.timedelta(days=back)).isoformat() if base else None
                note = _how(word, value or "", base, False, "day")
                found.append(DateMention(word, value, "day", "relative", note, match.start()))
                taken.append(match.span())
    cursor = 0
    for span, _when in _search(plain, lang, base):
        span = re.sub(r"\s+(in|on|at|the|of|and|by|в|и|на)$", "", span.strip(" ,.;:()[]\"'«»“”"))
        start = plain.find(span, cursor)
        if start < 0:
            continue
        end = start + len(span)
        cursor = end
        if not free(start, end) or span.casefold() in _NOT_DATES.get(lang, set()):
            continue
        if re.search(r"\d", span) and not _AGO.search(span):
            continue  # dates with digits are the month patterns' and the year rule's
        parsed = parse_date(span, lang, base)
        if parsed is None or len(span) < 3:
            continue
        value, precision = parsed
        note = _how(text[start:end], value or "", base, False, precision)
        if base is None:
            value = None
        elif value == (base - dt.timedelta(days=7)).isoformat() and precision == "day":
            # "on Wednesday" in a report dated a Wednesday: that day, not a week before.
            value = base.isoformat()
            note = f"'{text[start:end]}' is the weekday of the document's date {base}: that day"
        found.append(DateMention(text[start:end], value, precision, "relative", note, start))
        taken.append((start, end))
    for match in _YEAR.finditer(plain):
        if free(*match.span()):
            found.append(
                DateMention(match.group(0), match.group(1), "year", "absolute",
                            f"'{match.group(0)}' states the year", match.start())
            )  # fmt: skip
            taken.append(match.span())
    return sorted(found, key=lambda m: m.start)
