"""A document's text signature: a MinHash of its word shingles, kept instead of the text.

Two source records can be one text published twice (a wire story on an aggregator, a mirror);
`prkg check` finds them by comparing signatures. The graph must never hold a document's text
(copyright, and the quote is what a claim rests on), so the source record keeps only this
signature, computed from the text seen when the document was curated (`prkg draft` writes it
as `text_minhash:`). The text cannot be recovered from it.

How the signature is made (all of it fixed, so the same text always gives the same string):

1. The text is put in NFKC form, case-folded, and its combining marks (accents, the optional
   Arabic-script vowel signs) dropped; its words are the runs of letters and digits (`\\w+`).
2. Its shingles are the runs of `SHINGLE_WORDS` (5) consecutive words, joined by one space
   (a text of fewer words is one shingle); each shingle is hashed by its UTF-8 bytes.
3. datasketch's `MinHash` with `PERMUTATIONS` (64) permutations, seed `SEED` (1) and the
   `affine32` scheme (32-bit values) keeps the smallest hash per permutation.
4. The string is `mh1-a32-w5-p64-s1:` followed by the 64 values as unsigned 32-bit big-endian
   integers, base64url-encoded without padding (342 characters). The prefix names the format
   version, scheme, shingle width, permutations and seed; a signature with another prefix is
   refused rather than compared wrongly.

The share of shingles two texts have in common (their Jaccard similarity) is estimated by the
share of equal values; 64 permutations give it within about ±0.12, enough to tell a copy
(near 1) from two reports of one event (well below 0.5).
"""

from __future__ import annotations

import base64
import re
import unicodedata

import numpy as np
from datasketch import MinHash

SHINGLE_WORDS = 5
PERMUTATIONS = 64
SEED = 1
SCHEME = "affine32"
PREFIX = f"mh1-a32-w{SHINGLE_WORDS}-p{PERMUTATIONS}-s{SEED}:"
_ENCODED_LENGTH = (PERMUTATIONS * 4 * 4 + 2) // 3  # base64 of 4-byte values, no padding
_WORD = re.compile(r"\w+", re.UNICODE)


class SignatureError(ValueError):
    """A text that has no words, or a `text_minhash` string that is not one of ours."""


def words(text: str) -> list[str]:
    """The words of a text in the comparable form the signature uses (see step 1)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    return _WORD.findall(unicodedata.normalize("NFC", text))


def shingles(text: str) -> set[str]:
    """The word 5-grams of a text (the whole text when it is shorter)."""
    seq = words(text)
    if not seq:
        raise SignatureError("the text has no words to sign")
    if len(seq) < SHINGLE_WORDS:
        return {" ".join(seq)}
    return {" ".join(seq[i : i + SHINGLE_WORDS]) for i in range(len(seq) - SHINGLE_WORDS + 1)}


def _minhash(text: str) -> MinHash:
    sketch = MinHash(num_perm=PERMUTATIONS, seed=SEED, scheme=SCHEME)
    sketch.update_batch([s.encode("utf-8") for s in sorted(shingles(text))])
    return sketch


def signature(text: str) -> str:
    """The `text_minhash` string of a text (deterministic; raises SignatureError if empty)."""
    values = np.asarray(_minhash(text).hashvalues, dtype=">u4")
    encoded = base64.urlsafe_b64encode(values.tobytes()).decode("ascii").rstrip("=")
    return PREFIX + encoded


def parse(sig: str) -> np.ndarray:
    """The hash values of a signature string; SignatureError says what is wrong with it."""
    if not isinstance(sig, str) or not sig.startswith(PREFIX):
        head = str(sig)[: len(PREFIX)]
        raise SignatureError(
            f"text_minhash must start with {PREFIX!r} (got {head!r}); "
            "write it with `prkg draft` or kg.data.textsig.signature"
        )
    body = sig[len(PREFIX) :]
    if len(body) != _ENCODED_LENGTH or not re.fullmatch(r"[A-Za-z0-9_-]+", body):
        raise SignatureError(
            f"text_minhash must have {_ENCODED_LENGTH} base64url characters after the prefix "
            f"(got {len(body)})"
        )
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    return np.frombuffer(raw, dtype=">u4").astype(np.uint32)


def similarity(a: str, b: str) -> float:
    """Estimated share of shingles two signed texts have in common, 0..1."""
    va, vb = parse(a), parse(b)
    return float(np.count_nonzero(va == vb)) / PERMUTATIONS
