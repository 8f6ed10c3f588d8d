"""The source skeleton of a drafted document: publisher from the URL's host, the stated date.

The register keeps a page's own words for its date (`date_stated`) beside the ISO date, and
says when the page states none. The rules below look where news pages state it, in this
order, and the draft says which rule found it: a "Published in Dawn, July 12th, 2025" line,
the dateline of the first paragraph ("ISLAMABAD, July 11 (APP):", "МОСКВА, 11 июля. /ТАСС/"),
the page's metadata (HTML only) and a date in the URL (/2025/07/11/).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from kg.draft.dates import parse_date
from kg.draft.document import Document

PUBLISHER_TABLE = Path("publishers") / "publishers.yaml"
_PUBLISHED = re.compile(
    r"(?:Published in [^,\n]{2,60},|Опубликовано:?|Дата публикации:?|شائع(?: ہوا)?:?|Published:?)"
    r"\s*(?P<date>[^\n.;|]{4,40}\d{4})",
    re.IGNORECASE,
)
# A dateline: a place in capitals (or the first words before a comma), then a day and month.
_DATELINE = re.compile(
    r"^(?P<place>[A-ZА-ЯЁ][A-ZА-ЯЁ .'-]{2,30}|[\u0600-\u06ff ]{2,30}),?\s*(?:\([^)]{1,30}\)\s*)?"
    r"(?P<date>(?:\w+ \d{1,2}(?:, \d{4})?|\d{1,2} \w+(?: \d{4})?))\s*(?:\(|[:.–—-]|/)"
)
_URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d\d)[/-](?P<m>[01]?\d)(?:[/-](?P<d>[0-3]?\d))?(?:/|-|$)")
_ORDINAL = re.compile(r"(\d{1,2})(st|nd|rd|th)\b")


@dataclass
class StatedDate:
    """The document's date as the page states it, and which rule found it."""

    date: str | None
    stated: str
    rule: str


def stated_date(doc: Document) -> StatedDate:
    """Try the rules in order; the first that yields a date wins."""
    text = doc.text
    for match in _PUBLISHED.finditer(text):
        phrase = match.group(0).strip()
        parsed = parse_date(_ORDINAL.sub(r"\1", match.group("date")), doc.language)
        if parsed:
            return StatedDate(parsed[0], phrase, "published-line")
    url_year = _url_date(doc.url)
    match = next((m for p in doc.paragraphs[:2] if (m := _DATELINE.match(p))), None)
    if match:
        words = match.group("date")
        parsed = parse_date(words, doc.language)
        if parsed and parsed[1] == "day":
            if re.search(r"\d{4}", words):
                return StatedDate(parsed[0], match.group(0).rstrip("(:.–—-/ "), "dateline")
            year = (url_year.date or "")[:4] or (doc.html_date or "")[:4]
            if year:
                return StatedDate(
                    f"{year}{parsed[0][4:]}",
                    f"{match.group(0).rstrip('(:.–—-/ ')} (dateline without year; year from "
                    f"{'the URL' if url_year.date else 'the page metadata'})",
                    "dateline",
                )
    if doc.html_date and re.match(r"^\d{4}-\d{2}-\d{2}", doc.html_date):
        return StatedDate(doc.html_date[:10], f"page metadata: {doc.html_date}", "html-metadata")
    if url_year.date:
        return url_year
    return StatedDate(None, "not stated (no published line, dateline or date in the URL)", "none")


def _url_date(url: str) -> StatedDate:
    match = _URL_DATE.search(url)
    if not match:
        return StatedDate(None, "", "none")
    y, m, d = match.group("y"), int(match.group("m")), match.group("d")
    if not 1 <= m <= 12:
        return StatedDate(None, "", "none")
    try:
        value = dt.date(int(y), m, int(d)).isoformat() if d else f"{y}-{m:02d}"
    except ValueError:
        return StatedDate(None, "", "none")
    return StatedDate(
        value, f"not stated on the page; the URL has {match.group(0).strip('/-')}", "url"
    )


def load_publishers(data_dir: Path) -> dict[str, dict[str, object]]:
    """The publisher table (data/publishers/publishers.yaml) by host; empty if absent."""
    path = data_dir / PUBLISHER_TABLE
    if not path.exists():
        return {}
    rows = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("publishers") or []
    return {
        str(row["host"]).lower(): row for row in rows if isinstance(row, dict) and "host" in row
    }


def publisher_for(host: str, table: dict[str, dict[str, object]]) -> dict[str, object] | None:
    """The row for a host or, failing that, for its nearest parent domain (m.dawn.com)."""
    parts = host.split(".")
    for i in range(len(parts) - 1):
        row = table.get(".".join(parts[i:]))
        if row is not None:
            return row
    return None
