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
from functools import lru_cache

import icu
from rapidfuzz import fuzz

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

# Latin spellings of other scripts come from ICU's transliterators (Any-Latin covers Cyrillic
# and Arabic). ICU's Arabic-Latin leaves out the letters Urdu adds, and spells و/ی only as
# consonants, so a short rule set for those runs first (with the English romanisation of
# Russian letters ICU spells the scholarly way: ч is ch, not č); then accents go (Latin-ASCII).
_URDU_RULES = """
\u0688 > d ; \u0679 > t ; \u0691 > r ; \u06c1 > h ; \u06be > h ; \u06c3 > h ;
\u06d2 > e ; \u06ba > n ; \u06cc > i ; \u0648 > u ; \u0627 > a ; \u06a9 > k ; \u06af > g ;
ж > zh ; х > kh ; ц > ts ; ч > ch ; ш > sh ; щ > shch ; й > y ; ю > yu ; я > ya ; ъ > ; ь > ;
"""


@lru_cache(maxsize=1)
def _transliterators() -> tuple[icu.Transliterator, icu.Transliterator]:
    urdu = icu.Transliterator.createFromRules("prkg-urdu", _URDU_RULES, icu.UTransDirection.FORWARD)
    return urdu, icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


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


@lru_cache(maxsize=65536)
def romanise(text: str) -> str:
    """A normalised name spelled in Latin letters (ICU transliteration of any script)."""
    norm = normalise(text)
    if norm.isascii():
        return norm
    urdu, latin = _transliterators()
    return normalise(latin.transliterate(urdu.transliterate(norm)))


_VOWELS = re.compile(r"[aeiouy]+")
_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)  # called for every pair of words compared; words repeat
def skeleton(word: str) -> str:
    """A romanised word without vowels or doubled letters: what Urdu's script writes of it."""
    word = _DOUBLE.sub(r"\1", word)
    return word[:1] + _VOWELS.sub("", word[1:])


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
    chars = fuzz.ratio(a, b) / 100.0
    ta, tb = set(_tokens(a)), set(_tokens(b))
    overlap = len(ta & tb) / max(len(ta | tb), 1)
    # Tokens that nearly match ("alexey" ~ "alexei") count for most of a token.
    fuzzy = 0.0
    if ta and tb:
        pairs = [max(fuzz.ratio(x, y) for y in tb) / 100.0 for x in ta]
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


def word_score(query: str, label: str) -> float:
    """How well every word typed is found among a label's words, 0..1 (for search).

    Search is looser than reconciliation: "Гудду" should find "Guddu Thermal Power Station".
    Each query word is compared (romanised) with the label's best word, by spelling and, for
    scripts that omit vowels, by consonant skeleton; the score is the mean over query words,
    lowered a little for each label word the query leaves out, so the closest label leads.
    """
    q_words, l_words = romanise(query).split(), romanise(label).split()
    if not q_words or not l_words:
        return 0.0
    total = 0.0
    for q in q_words:
        best = 0.0
        for w in l_words:
            value = fuzz.ratio(q, w) / 100.0
            if len(q) >= 3 and w.startswith(q):
                value = max(value, 0.95)
            if len(q) >= 3 and skeleton(q) == skeleton(w):
                value = max(value, 0.9)
            best = max(best, value)
        total += best
    coverage = min(len(q_words) / len(l_words), 1.0)
    return total / len(q_words) * (0.75 + 0.25 * coverage)
