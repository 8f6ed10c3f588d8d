"""Mentions of the graph's entities in a text, found with the reconciliation index's matching.

The reconciliation service already knows how to tell that "Россия", "روس" and "Russia" are one
entity and that "Alexei" is "Alexey" (kg/link/textmatch.py, kg/link/reconcile_index.py); a
second matcher would disagree with it. So this module only proposes *spans* of the text —
runs of words that begin like some label's first word, as long as a label — and asks
`LabelIndex.reconcile` whether a span is a match. Only the entities that share a word
beginning with the span are put before it, which keeps a long document fast without changing
the answer: an entity that shares no word with a span cannot come close to matching it.
Names the graph lacks are offered as candidate new entities with a suggested class.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from kg.data.namespaces import PRKG, Namespaces
from kg.data.records import DataSet
from kg.data.textmatch import romanise
from kg.link.reconcile_index import MATCH_THRESHOLD, IndexedEntity, LabelIndex

_WORD = re.compile(r"\w+", re.UNICODE)
PREFIX = 4  # letters of a romanised word that must agree for a span to be tried
# Words a name does not begin or end with (articles, prepositions, postpositions).
STOPWORDS = {
    "the", "of", "and", "in", "for", "to", "a", "an", "on", "at", "by", "with", "from", "s",
    "и", "в", "во", "на", "с", "со", "по", "о", "об", "к", "из", "за", "для",
    "کے", "کی", "کا", "اور", "میں", "نے", "سے", "کو", "پر", "ہے", "ہیں", "تک",
}  # fmt: skip


@dataclass
class Mention:
    """One mention: the entity, the words as the text spells them, and where."""

    slug: str
    cls: str
    as_spelled: str
    start: int
    end: int
    score: float
    candidates: list[str] = field(default_factory=list)  # when the spelling fits several
    how: str = "matched"


@dataclass
class NewName:
    """A name in the text that no entity carries, with a class suggested from its words."""

    name: str
    suggested_class: str | None
    why: str
    start: int


def _key(word: str) -> str:
    return romanise(word)[:PREFIX]


class MentionFinder:
    """The graph's entities, indexed by the first letters of their labels' words."""

    def __init__(self, data: DataSet, namespaces: Namespaces | None = None) -> None:
        self.namespaces = namespaces or Namespaces()
        self.entities: dict[str, IndexedEntity] = {}
        self.classes: dict[str, str] = {}
        self.by_word: dict[str, set[str]] = defaultdict(set)  # any label word -> slugs
        self.lengths: dict[str, set[int]] = defaultdict(set)  # first label word -> lengths
        for slug, record in data.entities.items():
            labels = [(text, lang) for lang, text in record.labels.items()]
            labels += [(t, lang) for lang, texts in record.alt_labels.items() for t in texts]
            self.entities[slug] = IndexedEntity(
                self.namespaces.entity(slug),
                slug,
                record.labels.get("en") or next(iter(record.labels.values()), slug),
                labels,
                {str(PRKG[record.cls])},
            )
            self.classes[slug] = record.cls
            for text, _lang in labels:
                words = [w for w in _WORD.findall(text) if w.casefold() not in STOPWORDS]
                if not words:
                    continue
                self.lengths[_key(words[0])].add(len(_WORD.findall(text)))
                for word in words:
                    self.by_word[_key(word)].add(slug)

    def _index_for(self, keys: list[str]) -> LabelIndex:
        """A reconciliation index of the entities with a word that begins like the span's first."""
        index = LabelIndex(self.namespaces)
        for slug in self.by_word.get(keys[0], ()):
            index.entities[slug] = self.entities[slug]
        return index

    def find(self, text: str, context: set[str] | frozenset[str] = frozenset()) -> list[Mention]:
        """Mentions in the text, the best-matching span first where two overlap, in text order.

        A spelling that fits several entities equally ("PSM": the mills and the corporation)
        is kept as an ambiguous mention (empty slug, its candidates), unless exactly one of
        them is in `context` (the entities the document named before): then it is that one.
        """
        words = [m for m in _WORD.finditer(text)]
        keys = [_key(m.group(0)) for m in words]
        found: list[tuple[int, int, Mention]] = []
        tried: dict[str, tuple[str, float] | None] = {}
        for i, word in enumerate(words):
            if word.group(0).casefold() in STOPWORDS or keys[i] not in self.lengths:
                continue
            lengths = set()
            for n in self.lengths[keys[i]]:
                lengths.update(k for k in (n - 1, n, n + 1) if k >= 1)
            for n in sorted(lengths, reverse=True):
                j = i + n - 1
                if j >= len(words) or words[j].group(0).casefold() in STOPWORDS:
                    continue
                span = text[word.start() : words[j].end()]
                if "\n" in span or re.search(r"[.;:!?۔]\s|[,()«»\"“”،]", span):
                    continue
                if span not in tried:
                    tried[span] = self._match(span, keys[i : j + 1])
                hit = tried[span]
                if hit:
                    slugs, score = hit
                    mention = Mention(
                        slugs[0], self.classes[slugs[0]], span, word.start(), words[j].end(), score
                    )
                    if len(slugs) > 1:
                        mention.slug, mention.cls, mention.candidates = "", "", slugs
                        mention.how = "ambiguous: " + ", ".join(slugs)
                    found.append((i, j, mention))
        chosen: list[tuple[int, int, Mention]] = []
        for i, j, mention in sorted(found, key=lambda f: (-round(f[2].score), f[0] - f[1], f[0])):
            if all(j < a or i > b for a, b, _ in chosen):
                chosen.append((i, j, mention))
        result = [m for _i, _j, m in sorted(chosen, key=lambda c: c[0])]
        named = set(context) | {m.slug for m in result if m.slug}
        for mention in result:
            known = [s for s in mention.candidates if s in named]
            if not mention.slug and len(known) == 1:
                mention.slug, mention.cls = known[0], self.classes[known[0]]
                mention.how = "ambiguous; taken as the entity the document names elsewhere"
        return result

    def _match(self, span: str, keys: list[str]) -> tuple[list[str], float] | None:
        """The matched slug(s) of a span, or of its likely Russian nominative (see below)."""
        hit = self._reconcile(span, keys)
        if hit is None and _CYRILLIC.search(span):
            for variant in russian_nominatives(span):
                hit = self._reconcile(variant, keys)
                if hit is not None:
                    break
        return hit

    def _reconcile(self, span: str, keys: list[str]) -> tuple[list[str], float] | None:
        """The matched slug, or the slugs that fit equally well, with the name score."""
        candidates = self._index_for(keys).reconcile(span, limit=4)
        if not candidates:
            return None
        top = candidates[0]
        if top.match:
            return [top.entity.slug], top.name_score
        tied = [c.entity.slug for c in candidates if c.name_score >= MATCH_THRESHOLD]
        if len(tied) > 1 and top.name_score - candidates[1].name_score < 1.0:
            return tied, top.name_score
        return None


_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
# Russian case endings and the nominative ending they most often stand for: the index holds
# names in the nominative ("Россия", "Москва", "Шехбаз Шариф"), texts inflect them ("России",
# "в Москве", "с Шехбазом Шарифом"). Only the query is rewritten; the matching stays the index's.
RU_ENDINGS = (
    ("ией", "ия"), ("ии", "ия"), ("ию", "ия"), ("ой", "а"), ("ом", ""), ("ым", ""), ("ем", ""),
    ("ы", "а"), ("е", "а"), ("у", "а"), ("а", ""), ("ого", "ий"), ("ому", "ий"), ("ым", "ий"),
)  # fmt: skip


def russian_nominatives(span: str, limit: int = 8) -> list[str]:
    """Spellings of a Russian span with its words' case endings taken back to the nominative."""
    options = []
    for word in span.split():
        forms = [word]
        for ending, nominative in RU_ENDINGS:
            if word.casefold().endswith(ending) and len(word) - len(ending) >= 3:
                forms.append(word[: len(word) - len(ending)] + nominative)
        options.append(forms)
    variants = [""]
    for forms in options:
        variants = [f"{v} {f}".strip() for v in variants for f in forms][: limit * 4]
    return [v for v in variants if v != span][:limit]


# Words that say what kind of thing a name is (first match wins), for new names.
_CLASS_HINTS: list[tuple[str, re.Pattern[str]]] = [
    ("GovernmentBody", re.compile(
        r"\b(Ministry|Ministries|Division|Commission|Authority|Board|Department|Council|"
        r"Senate|Assembly|Government|Министерств\w*|Правительств\w*|Комисси\w*|Агентств\w*)\b")),
    ("Company", re.compile(
        r"\b(LLC|Ltd|Limited|Company|Corporation|Corp|Inc|Group|Holding|Bank|PJSC|JSC|ООО|АО|"
        r"ПАО|ОАО|компани\w*|корпораци\w*|банк\w*)\b", re.IGNORECASE)),
    ("SteelMill", re.compile(r"\b(Steel Mills?|Steel Plant|металлургическ\w+ комбинат\w*)\b")),
    ("PowerPlant",
     re.compile(r"\b(Power (Plant|Station|Project)|ГРЭС|ТЭС|ГЭС|АЭС|электростанц\w*)\b")),
    ("Pipeline", re.compile(r"\b(Pipeline|газопровод\w*|нефтепровод\w*)\b")),
    ("Refinery", re.compile(r"\b(Refinery|НПЗ)\b")),
    ("Port", re.compile(r"\b(Port|порт\w*)\b")),
    ("Forum", re.compile(r"\b(Forum|Summit|Conference|Expo|Форум\w*|саммит\w*)\b")),
    ("InternationalOrganization", re.compile(r"\b(Organisation|Organization|Union|ШОС|ООН)\b")),
]  # fmt: skip
_TITLES = re.compile(
    r"\b(Mr|Ms|Mrs|Dr|Prof|President|Minister|Prime Minister|Ambassador|Chairman|Secretary|"
    r"Senator|General|Governor|Deputy|Director|CEO|министр\w*|посол\w*|президент\w*|"
    r"глав\w+|заместител\w+|председател\w+|директор\w*)\.?\s+$",
    re.IGNORECASE,
)
_NAME_RUN = re.compile(
    r"(?<![\w])(?:[A-ZА-ЯЁ][\w'’-]+|[A-ZА-ЯЁ]{2,})(?:\s+(?:of|the|and|for|de|и)?\s*"
    r"(?:[A-ZА-ЯЁ][\w'’-]+|[A-ZА-ЯЁ]{2,}))*"
)


def new_names(text: str, mentions: list[Mention]) -> list[NewName]:
    """Capitalised names (Latin and Cyrillic) that no mention covers, with a suggested class.

    Urdu has no capital letters, so in Urdu text no new names are proposed (a curator reads it);
    a single capitalised word at the start of a sentence is not taken for a name.
    """
    covered = [(m.start, m.end) for m in mentions]
    result: list[NewName] = []
    seen: set[str] = set()
    for match in _NAME_RUN.finditer(text):
        name, start = match.group(0).strip(), match.start()
        lead = re.match(r"(?:The|A|An|In|On|At|For|By|With|From|And|But)\s+", name)
        if lead:  # "The PSM": the article is no part of the name
            name, start = name[lead.end() :], start + lead.end()
        if any(a <= start < b or a < match.end() <= b for a, b in covered):
            continue
        words = name.split()
        before = text[:start]
        sentence_start = not before.strip() or re.search(r"[.!?:«\"“]\s*$", before)
        if len(words) == 1 and (sentence_start or len(name) < 4):
            continue
        if name in seen or name.casefold() in STOPWORDS:
            continue
        seen.add(name)
        cls, why = None, "no class word; the curator decides"
        for hint, rule in _CLASS_HINTS:
            if rule.search(name):
                cls, why = hint, f"the name contains '{rule.search(name).group(0)}'"  # type: ignore[union-attr]
                break
        if cls is None and (title := _TITLES.search(before[-40:])):
            cls, why = "Person", f"preceded by the title '{title.group(1)}'"
        elif cls is None and len(words) in (2, 3) and all(w[0].isupper() for w in words):
            cls, why = "Person", "two or three capitalised words (a person's name?)"
        result.append(NewName(name, cls, why, start))
    return result
