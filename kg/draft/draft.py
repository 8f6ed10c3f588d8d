"""`prkg draft`: one document in, one review file out (nothing is written to data/).

Puts the pieces of this stage together: the document read and split (kg/draft/document.py),
its publisher and stated date (kg/draft/sourcedate.py), and per paragraph the mentions, new
names, dates, amounts and candidate claims. The review file itself is written by
kg/draft/review.py; all of the draft is computed before anything is written, so a failure
leaves no half-written file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.data.loader import read_data
from kg.data.ontology import OntologyInfo
from kg.data.records import DataSet
from kg.data.textsig import signature
from kg.draft.amounts import find_amounts
from kg.draft.claims import CandidateClaim, ClaimFinder
from kg.draft.dates import find_dates
from kg.draft.document import Document, DraftInputError, read_document, split_sentences
from kg.draft.mentions import MentionFinder, new_names
from kg.draft.sourcedate import StatedDate, load_publishers, publisher_for, stated_date

_NOT_NAMES = re.compile(
    r"^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|April|June|"
    r"July|August|September|October|November|December|Published|Updated|Read|Also|Photo)\b"
)


@dataclass
class Draft:
    """Everything the review file shows, computed before it is written."""

    doc: Document
    date: StatedDate
    source: dict[str, Any]
    paragraphs: list[dict[str, Any]] = field(default_factory=list)
    new_entities: list[dict[str, Any]] = field(default_factory=list)
    claims: list[CandidateClaim] = field(default_factory=list)


class Drafter:
    """The graph's entities, the ontology and the publisher table, read once."""

    def __init__(self, data_dir: Path, ontology_dir: Path) -> None:
        self.data_dir = data_dir
        data, errors = read_data(data_dir)
        if errors:
            raise DraftInputError(
                f"{data_dir}: the data has errors; run `prkg build` first ({errors[0]})"
            )
        self.data: DataSet = data
        self.mentions = MentionFinder(data)
        self.claims = ClaimFinder(OntologyInfo.load(ontology_dir))
        self.publishers = load_publishers(data_dir)

    def next_source_id(self) -> str:
        numbers = [int(m.group(1)) for s in self.data.sources if (m := re.match(r"^S(\d+)$", s))]
        return f"S{max(numbers, default=0) + 1}"

    def analyse(
        self,
        text: str,
        lang: str,
        base: dt.date | None,
        locator: str,
        context: set[str] | None = None,
    ) -> dict[str, Any]:
        """Mentions, new names, dates, amounts and candidate claims of one paragraph.

        `context` holds the entities named in the paragraphs before (it settles an ambiguous
        spelling) and grows with this paragraph's mentions.
        """
        context = set() if context is None else context
        found_all = self.mentions.find(text, context)
        mentions = [m for m in found_all if m.slug]
        context.update(m.slug for m in mentions)
        dates = find_dates(text, lang, base)
        claims: list[CandidateClaim] = []
        for sentence in split_sentences(text):
            offset = text.find(sentence)
            inside = [m for m in mentions if offset <= m.start < offset + len(sentence)]
            when = [d for d in dates if offset <= d.start < offset + len(sentence)]
            claims.extend(self.claims.find(sentence, inside, when, locator))
        names = [n for n in new_names(text, found_all) if not _NOT_NAMES.match(n.name)]
        return {
            "mentions": found_all,
            "new_names": names,
            "dates": dates,
            "amounts": find_amounts(text),
            "claims": claims,
        }

    def draft(self, path: Path, url: str, lang: str | None = None) -> Draft:
        doc = read_document(path, url, lang)
        date = stated_date(doc)
        base = dt.date.fromisoformat(date.date) if date.date and len(date.date) == 10 else None
        row = publisher_for(doc.host, self.publishers) or {}
        sid = self.next_source_id()
        source: dict[str, Any] = {
            "id": sid,
            "url": doc.url,
            "title": doc.title,
            "publisher": row.get("publisher"),
            "date": date.date,
            "date_stated": date.stated,
            "kind": row.get("kind"),
            "reliability": row.get("reliability"),
            "language": doc.language,
            "text_minhash": signature(doc.text),
            "review": True,
            "why": (
                f"publisher, kind and reliability from data/publishers ({row['host']}, as in "
                f"{', '.join(row.get('seen_in') or [])})"
                if row
                else f"no publisher row for {doc.host}: fill in publisher, kind and reliability"
            )
            + f"; date by rule '{date.rule}'"
            + ("" if doc.title else "; no title found: write the headline"),
        }
        result = Draft(doc, date, source)
        seen_names: set[str] = set()
        context: set[str] = set()
        for number, text in enumerate(doc.paragraphs, 1):
            locator = f"para {number}"
            found = self.analyse(text, doc.language, base, locator, context)
            result.paragraphs.append({"locator": locator, "text": text, **found})
            result.claims.extend(found["claims"])
            for name in found["new_names"]:
                if name.name in seen_names or name.name == source["publisher"]:
                    continue
                seen_names.add(name.name)
                result.new_entities.append(
                    {"name": name.name, "class": name.suggested_class, "why": name.why,
                     "locator": locator, "source": sid}
                )  # fmt: skip
        return result
