"""The text signature (kg/data/textsig.py): deterministic, compact, and telling copies apart.

Real datasketch MinHash throughout; the texts are written for the test.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from kg.data import textsig

STORY = (
    "Islamabad and Moscow signed a protocol on Friday to restore and modernise the steel "
    "mills in Karachi, officials said after the ceremony. The agreement follows months of "
    "talks between the two governments and names a Russian engineering company as the "
    "contractor for the first phase of the work."
)
OTHER = (
    "Pakistan and Russia discussed a new steel plant near Karachi on Wednesday, the consul "
    "general told reporters in an interview, adding that a decision could come in summer."
)


def test_signature_is_deterministic_across_processes() -> None:
    code = "from kg.data.textsig import signature; import sys; print(signature(sys.argv[1]))"
    out = subprocess.run(
        [sys.executable, "-c", code, STORY], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == textsig.signature(STORY)


def test_signature_format_is_prefix_and_fixed_length_base64url() -> None:
    sig = textsig.signature(STORY)
    assert sig.startswith("mh1-a32-w5-p64-s1:")
    body = sig.split(":", 1)[1]
    assert len(body) == 342
    assert set(body) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    # The text is not in it, not even a word of it.
    assert "steel" not in sig.lower()
    assert len(textsig.parse(sig)) == 64


def test_copy_with_other_case_and_punctuation_scores_one() -> None:
    copy = STORY.upper().replace(",", " ,").replace(".", " .")
    assert textsig.similarity(textsig.signature(STORY), textsig.signature(copy)) == 1.0


def test_syndicated_copy_with_a_credit_line_is_near_and_other_story_is_far() -> None:
    syndicated = STORY + " (Reporting by our correspondent; edited by the desk.)"
    near = textsig.similarity(textsig.signature(STORY), textsig.signature(syndicated))
    far = textsig.similarity(textsig.signature(STORY), textsig.signature(OTHER))
    assert near >= 0.7
    assert far <= 0.2


def test_urdu_and_russian_texts_are_signed_by_their_words() -> None:
    ru = "Пакистан и Россия подписали протокол о восстановлении металлургического завода"
    ur = "پاکستان اور روس نے اسٹیل ملز کی بحالی کے پروٹوکول پر دستخط کیے"
    assert textsig.words(ru)[:2] == ["пакистан", "и"]
    assert len(textsig.words(ur)) == 13
    assert textsig.similarity(textsig.signature(ru), textsig.signature(ru + ".")) == 1.0
    assert textsig.similarity(textsig.signature(ru), textsig.signature(ur)) < 0.2


def test_empty_text_and_foreign_strings_are_refused() -> None:
    with pytest.raises(textsig.SignatureError, match="no words"):
        textsig.signature("  … ,, ")
    with pytest.raises(textsig.SignatureError, match="must start with"):
        textsig.parse("md5:abcdef")
    good = textsig.signature(STORY)
    with pytest.raises(textsig.SignatureError, match="342 base64url"):
        textsig.parse(good[:-1])
    with pytest.raises(textsig.SignatureError, match="342 base64url"):
        textsig.parse(good[:-1] + "+")
