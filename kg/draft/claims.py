"""Candidate claims: a sentence that links known entities through a verb the ontology models.

"Pakistan and Russia signed an agreement", "Putin met Sharif", "Russia supplied wheat to
Pakistan": each verb stands for properties of the ontology (`party`, `signatory`,
`participant`, `supplier`…). A candidate is proposed for every pair of entities of the
sentence that the property's domain and range admit; when the verb's natural subject is an
event the text does not name (a meeting, a visit), the subject is left empty with the class
to create. Every candidate carries a verbatim quote of at most 30 words from its sentence and
`review: true`: nothing here is a claim until a curator keeps it and writes its note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import RDFS

from kg.data.namespaces import PRKG
from kg.data.ontology import OntologyInfo
from kg.draft.dates import DateMention
from kg.draft.mentions import Mention

MAX_QUOTE_WORDS = 30


@dataclass(frozen=True)
class Verb:
    """A verb in three languages, the properties it stands for and the event it implies."""

    name: str
    pattern: re.Pattern[str]
    predicates: tuple[str, ...]
    event_class: str | None = None  # the unnamed event that takes part in the claim


def _verb(name: str, en: str, ru: str, ur: str, preds: tuple[str, ...], event: str | None) -> Verb:
    return Verb(name, re.compile(rf"(?:{en})|(?:{ru})|(?:{ur})", re.IGNORECASE), preds, event)


VERBS = (
    _verb("signed", r"\bsign(?:ed|s|ing)?\b|\binked\b", r"подпис\w*", r"دستخط",
          ("party", "signatory"), "Signing"),
    _verb("witnessed", r"\bwitness(?:ed|es)?\b", r"в присутствии", r"موجودگی",
          ("witness",), "Signing"),
    _verb("met", r"\bmet\b|\bmeet(?:s|ing)?\b|\btalks\b", r"встрети\w*|встреч\w*|переговор\w*",
          r"ملاقات", ("participant",), "Meeting"),
    _verb("visited", r"\bvisit(?:ed|s|ing)?\b", r"визит\w*|посети\w*|посещ\w*", r"دورہ|دورے",
          ("participant", "hostCountry"), "Visit"),
    _verb("inaugurated", r"\binaugurat\w*|\bcommissioned\b", r"открыл\w*|открыт\w*|запуст\w*",
          r"افتتاح", ("participant",), "Commissioning"),
    _verb("supplied", r"\bsuppl(?:y|ied|ies)\b|\bexport(?:ed|s)?\b|\bdeliver(?:ed|s|y)?\b"
          r"|\bshipped\b",
          r"постав\w*|экспорт\w*", r"فراہم|برآمد", ("supplier", "recipient"), "Shipment"),
    _verb("financed", r"\bfinanc\w*|\bfund(?:ed|s|ing)?\b|\bloan\b", r"финансир\w*|кредит\w*",
          r"مالی معاونت|قرض", ("financedBy",), None),
    _verb("built", r"\bbuil[td]\b|\bbuilding\b|\bconstruct\w*", r"постро\w*|строител\w*|возвед\w*",
          r"تعمیر", ("builtWithAssistanceOf", "builtBy"), None),
    _verb("led", r"\bled\b|\bheaded\b|\bleads\b", r"возглав\w*", r"قیادت", ("ledBy",), None),
)  # fmt: skip


@dataclass
class CandidateClaim:
    subject: str | None
    predicate: str
    object: str
    locator: str
    quote: str
    verb: str
    date: DateMention | None = None
    subject_class: str | None = None
    why: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class ClaimFinder:
    """Checks candidate pairs against the ontology's domains and ranges."""

    def __init__(self, ontology: OntologyInfo) -> None:
        self.ontology = ontology
        self.supers = ontology.superclasses

    def _admits(self, predicate: str, which: URIRef, cls: str) -> bool:
        prop = self.ontology.object_properties.get(predicate)
        if prop is None:
            return False
        allowed = self.ontology.allowed_classes(prop, which)
        if allowed is None:
            return True
        mine = self.supers.get(PRKG[cls], {PRKG[cls]})
        return any(a in mine for a in allowed)

    def find(
        self, sentence: str, mentions: list[Mention], dates: list[DateMention], locator: str
    ) -> list[CandidateClaim]:
        """Candidates of one sentence (mentions and dates are those found in it)."""
        found: list[CandidateClaim] = []
        distinct = {m.slug: m for m in mentions}
        for verb in VERBS:
            hit = verb.pattern.search(sentence)
            if not hit:
                continue
            date = dates[0] if dates else None
            quote = cut_quote(sentence, [hit.start(), *(m.start for m in distinct.values())])
            paired = False
            for predicate in verb.predicates:
                for s in distinct.values():
                    for o in distinct.values():
                        if s.slug == o.slug:
                            continue
                        if self._admits(predicate, RDFS.domain, s.cls) and self._admits(
                            predicate, RDFS.range, o.cls
                        ):
                            paired = True
                            found.append(
                                CandidateClaim(
                                    s.slug,
                                    predicate,
                                    o.slug,
                                    locator,
                                    quote,
                                    verb.name,
                                    date,
                                    why=f"'{hit.group(0)}' links '{s.as_spelled}' "
                                    f"({s.cls}) and '{o.as_spelled}' ({o.cls})",
                                )
                            )
            if paired or verb.event_class is None or len(distinct) < 1:
                continue
            for predicate in dict.fromkeys((*verb.predicates, "participant")):
                for o in distinct.values():
                    if self._admits(predicate, RDFS.domain, verb.event_class) and self._admits(
                        predicate, RDFS.range, o.cls
                    ):
                        found.append(
                            CandidateClaim(
                                None,
                                predicate,
                                o.slug,
                                locator,
                                quote,
                                verb.name,
                                date,
                                subject_class=verb.event_class,
                                why=f"'{hit.group(0)}': a {verb.event_class} the graph may lack, "
                                f"with '{o.as_spelled}' ({o.cls}); create the event or drop this",
                            )
                        )
        return found


def cut_quote(sentence: str, anchors: list[int]) -> str:
    """At most 30 consecutive words of the sentence, verbatim, around the given offsets."""
    words = list(re.finditer(r"\S+", sentence))
    if len(words) <= MAX_QUOTE_WORDS:
        return sentence.strip()
    first = min(anchors) if anchors else 0
    start = next((i for i, w in enumerate(words) if w.end() > first), 0)
    start = max(0, min(start - 3, len(words) - MAX_QUOTE_WORDS))
    chosen = words[start : start + MAX_QUOTE_WORDS]
    return sentence[chosen[0].start() : chosen[-1].end()]
