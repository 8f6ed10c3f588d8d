"""Comparing names across spellings and scripts: normalisation and a similarity score.

Researchers' spreadsheets spell the same actor many ways ("Alexey"/"Alexei", "Россия",
"پاکستان" typed with Arabic rather than Urdu letters). Matching must see through case,
diacritics, punctuation, the letter variants of the Arabic script and Cyrillic ё, but must
not pretend two different names are the same: the score stays below a match when only part
of a name agrees.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

# Arabic-script letters that Urdu writes differently; keyboards and sources mix them.
_ARABIC_VARIANTS = str.maketrans(
    {
        "\u064a": "\u06cc",  # ARABIC YEH -> FARSI YEH (Urdu choti ye)
        "\u0649": "\u06cc",  # ALEF MAKSURA -> FARSI YEH
        "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH (Urdu kaf)
        "\u0647": "\u06c1",  # HEH -> HEH GOAL (Urdu gol he)
        "\u0629": "\u06c3",  # TEH MARBUTA -> TEH MARBUTA GOAL
        "\u06c0": "\u06c1",  # HEH WITH YEH ABOVE -> HEH GOAL
        "\u0623": "\u0627",  # ALEF WITH HAMZA ABOVE -> ALEF
        "\u0625": "\u0627",  # ALEF WITH HAMZA BELOW -> ALEF
        "\u0622": "\u0627",  # ALEF WITH MADDA -> ALEF
        "\u0640": None,  # TATWEEL (elongation), never meaningful
        "\u200c": " ",  # ZERO WIDTH NON-JOINER: Urdu word-internal break
        "\u200d": None,  # ZERO WIDTH JOINER
        "\u0451": "\u0435",  # Cyrillic ё -> е (Russian print usually drops the dots)
        "\u2019": "'",
        "\u2018": "'",
    }
)
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")

# Cyrillic to Latin, close to the common English romanisation of Russian names, so that a
# Russian spelling can still be compared with an English-only label.
_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip


def normalise(text: str) -> str:
    """The comparable form of a name: one script-aware, case- and accent-free spelling."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_ARABIC_VARIANTS)
    # Drop combining marks: Latin accents and the optional Arabic-script vowel signs.
    text = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    text = unicodedata.normalize("NFC", text)
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def romanise(text: str) -> str:
    """A normalised name with Cyrillic letters spelled in Latin ones (others unchanged)."""
    return "".join(_CYRILLIC_TO_LATIN.get(ch, ch) for ch in normalise(text))


def _tokens(text: str) -> list[str]:
    return text.split()


def similarity(query: str, label: str) -> float:
    """How alike two names are, 0..1; 1.0 only when their normalised forms are equal.

    The score mixes character similarity (catches 'Alexey'/'Alexei') with token overlap
    (catches word order and a missing word), and compares romanised forms as well so a
    Cyrillic spelling meets a Latin label. Equal romanised forms score 0.97; any other
    near-miss tops out at 0.94, below the reconciliation service's match threshold, so a
    misspelling is offered as a candidate but never matched without review.
    """
    a, b = normalise(query), normalise(label)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    best = min(_score(a, b), 0.94)
    ra, rb = romanise(query), romanise(label)
    if (ra, rb) != (a, b):
        best = max(best, 0.97 if ra == rb else min(_score(ra, rb), 0.94))
    return best


def _score(a: str, b: str) -> float:
    chars = SequenceMatcher(None, a, b, autojunk=False).ratio()
    ta, tb = set(_tokens(a)), set(_tokens(b))
    overlap = len(ta & tb) / max(len(ta | tb), 1)
    # Tokens that nearly match ("alexey" ~ "alexei") count for most of a token.
    fuzzy = 0.0
    if ta and tb:
        pairs = [max(SequenceMatcher(None, x, y).ratio() for y in tb) for x in ta]
        fuzzy = sum(pairs) / max(len(ta), len(tb))
    return max(chars, 0.5 * overlap + 0.5 * fuzzy, overlap)


def prefix_match(prefix: str, label: str) -> bool:
    """Does the label start with the typed prefix, as a whole or at one of its words?"""
    p = normalise(prefix)
    if not p:
        return False
    n = normalise(label)
    if n.startswith(p):
        return True
    return any(word.startswith(p) for word in n.split()) or romanise(label).startswith(
        romanise(prefix)
    )
