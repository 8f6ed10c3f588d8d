"""Quotes longer than the 30 words a claim may cite.

A quote is the verbatim evidence for a claim, cut short enough to stay a quotation (the
project's rule: at most 30 words, in the document's language). Word count rule, the same for
every script: the quote is split at white space (any Unicode space, after NFKC), and a word
is a piece that holds at least one letter or digit. So "state-owned" and "1,000" are one
word each, a dash or an ellipsis standing alone is none, and Urdu and Russian count by their
spaces as English does (a zero-width non-joiner inside an Urdu word does not split it).
"""

from __future__ import annotations

import re
import unicodedata

from kg.check.findings import Finding
from kg.data.records import DataSet

MAX_QUOTE_WORDS = 30
_HAS_WORD = re.compile(r"\w", re.UNICODE)


def word_count(text: str) -> int:
    """The number of words in a quote, by the rule in this module's docstring."""
    pieces = unicodedata.normalize("NFKC", text).split()
    return sum(1 for piece in pieces if _HAS_WORD.search(piece))


def long_quotes(data: DataSet) -> list[Finding]:
    """A finding for each claim whose quote has more than MAX_QUOTE_WORDS words."""
    findings = []
    for claim in data.claims:
        if not claim.quote:
            continue
        count = word_count(claim.quote)
        if count > MAX_QUOTE_WORDS:
            findings.append(
                Finding(
                    file=claim.file,
                    line=claim.quote_line or claim.line,
                    check="long-quote",
                    message=(
                        f"quote of {count} words (at most {MAX_QUOTE_WORDS}) in the claim "
                        f"{claim.subject} {claim.predicate} (source {claim.source}): "
                        "cut it to the words that carry the claim"
                    ),
                    ids=(claim.source,),
                    reasons=(f"{count} words",),
                )
            )
    return findings
