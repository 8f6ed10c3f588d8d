"""Possible duplicate entities: two slugs of one class whose names match.

One thing must be one entity (CONTRIBUTING.md), but curators working on different documents,
in different scripts, create entities side by side: "Алексей Оверчук" in one file, "Alexei
Overchuk" in another. Names are compared with the reconciliation index's own normalisation,
transliteration and score (kg/data/textmatch.py), never a second matcher, so what `prkg check`
calls alike is what reconciliation would offer as the same.

Every label and alternative label, in every language, of one entity is compared with every
one of each other entity of the same class. A pair is reported when two names

- are the same once case, accents, punctuation and the Arabic-script letter variants are
  set aside ("same spelling"),
- are spelled in different scripts and transliterate to the same Latin ("match across
  scripts"), or
- score at least FUZZY_THRESHOLD in textmatch.similarity ("similar spelling"), hold the same
  numbers ("Protocol of 2024" and "Protocol of 2025" name two things), and are spelling
  variants word for word: each word of either has a counterpart in the other with a rapidfuzz
  ratio of at least WORD_MATCH (so "Alexey"/"Alexei" pass, while "Pakistan's share in X" and
  "Russia's share in X", or a title and the same title "on Foreign Affairs", do not).

rapidfuzz's `cdist` picks the name pairs worth scoring (a token-sorted ratio of the romanised
names, PREFILTER or more) so the check stays fast as the data grows; textmatch.similarity then
decides. A pair a curator has marked in a `distinct:` entry is not reported.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kg.check.findings import Finding
from kg.data.records import DataSet, EntityRecord
from kg.data.textmatch import normalise, romanise, similarity

FUZZY_THRESHOLD = 0.9
PREFILTER = 75.0
WORD_MATCH = 80.0
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class _Name:
    owner: int  # index of the entity in its class's list
    lang: str
    text: str
    norm: str
    roman: str


def _names(index: int, entity: EntityRecord) -> list[_Name]:
    spellings = list(entity.labels.items())
    spellings += [(lang, alt) for lang, alts in entity.alt_labels.items() for alt in alts]
    names, seen = [], set()
    for lang, text in spellings:
        norm = normalise(text)
        if norm and (lang, norm) not in seen:
            seen.add((lang, norm))
            names.append(_Name(index, lang, text, norm, romanise(text)))
    return names


def _script(text: str) -> str:
    """'LATIN', 'CYRILLIC', 'ARABIC'…: the script of a name's first letter (Unicode name)."""
    for ch in text:
        if ch.isalpha():
            return unicodedata.name(ch, "OTHER").split()[0]
    return "OTHER"


def _compare(a: _Name, b: _Name) -> tuple[float, str] | None:
    """How two names of different entities match, or None when they do not."""
    if a.norm == b.norm:
        return 1.0, f"same spelling {a.text!r} ({a.lang}) and {b.text!r} ({b.lang})"
    if a.roman and a.roman == b.roman and _script(a.text) != _script(b.text):
        return 0.97, f"{a.text!r} ({a.lang}) and {b.text!r} ({b.lang}) match across scripts"
    if _NUMBER.findall(a.roman) != _NUMBER.findall(b.roman):
        return None
    if not (_words_covered(a.roman, b.roman) and _words_covered(b.roman, a.roman)):
        return None
    score = similarity(a.text, b.text)
    if score >= FUZZY_THRESHOLD:
        return score, f"similar spelling {a.text!r} ({a.lang}) and {b.text!r} ({b.lang})"
    return None


def _words_covered(a: str, b: str) -> bool:
    """Does every word of `a` have a close spelling among the words of `b`?"""
    others = b.split()
    return bool(others) and all(
        max(fuzz.ratio(word, other) for other in others) >= WORD_MATCH for word in a.split()
    )


def _pairs_in_class(names: list[_Name]) -> dict[tuple[int, int], tuple[float, str]]:
    """The best match of each pair of entities (by index) among the given names."""
    best: dict[tuple[int, int], tuple[float, str]] = {}
    if len(names) < 2:
        return best
    romans = [n.roman for n in names]
    scores = process.cdist(
        romans, romans, scorer=fuzz.token_sort_ratio, score_cutoff=PREFILTER, workers=1
    )
    for i, j in zip(*scores.nonzero(), strict=True):
        a, b = names[int(i)], names[int(j)]
        if a.owner >= b.owner:
            continue
        key = (a.owner, b.owner)
        match = _compare(a, b)
        if match and (key not in best or match[0] > best[key][0]):
            best[key] = match
    # Equal normalised forms can romanise differently (a mixed-script name); never miss them.
    by_norm: dict[str, list[_Name]] = defaultdict(list)
    for n in names:
        by_norm[n.norm].append(n)
    for group in by_norm.values():
        for a in group:
            for b in group:
                if a.owner < b.owner:
                    best[(a.owner, b.owner)] = (1.0, _compare(a, b)[1])  # type: ignore[index]
    return best


def duplicate_entities(data: DataSet, distinct: set[frozenset[str]]) -> list[Finding]:
    """A finding for each pair of same-class entities whose names match (see module doc)."""
    by_class: dict[str, list[EntityRecord]] = defaultdict(list)
    for entity in data.entities.values():
        by_class[entity.cls].append(entity)
    findings = []
    for cls, entities in sorted(by_class.items()):
        entities.sort(key=lambda e: (e.file, e.line))
        names = [n for i, e in enumerate(entities) for n in _names(i, e)]
        for (i, j), (score, reason) in sorted(_pairs_in_class(names).items()):
            first, second = entities[i], entities[j]
            if frozenset((first.slug, second.slug)) in distinct:
                continue
            findings.append(
                Finding(
                    file=second.file,
                    line=second.line,
                    check="duplicate-entity",
                    message=(
                        f"entity {second.slug!r} may be a duplicate of {first.slug!r} "
                        f"({first.file}:{first.line}), both {cls}: {reason}, "
                        f"score {score:.2f}; if they are one, keep one slug; if not, "
                        "say so in data/distinct.yaml"
                    ),
                    ids=(first.slug, second.slug),
                    other=f"{first.file}:{first.line}",
                    reasons=(reason,),
                )
            )
    return findings
