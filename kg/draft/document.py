"""Reading the document given to `prkg draft`: bytes to text, HTML to its main text, paragraphs.

Curators save articles as they can: a text file, the page's HTML, sometimes in a legacy
encoding or by mistake a PDF. Every input that cannot be read faithfully is refused with one
line naming the file and the problem, because a draft made from mangled text would carry
mangled quotes into the graph.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import py3langid

SUPPORTED_LANGUAGES = ("en", "ur", "ru")
_HTML_RE = re.compile(r"<\s*(html|body|article|p|div|head|!doctype)\b", re.IGNORECASE)
_PARA_SPLIT = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?؟۔])\s+(?=[\"'“«(]?[A-ZА-ЯЁ\u0600-\u06ff0-9])")


class DraftInputError(Exception):
    """The input cannot be drafted from; the message is one line naming the file."""


@dataclass
class Document:
    """The text of one document, split into numbered paragraphs (`para 1`, `para 2`, …)."""

    path: Path
    url: str
    host: str
    language: str
    title: str | None
    paragraphs: list[str]
    html_date: str | None = None  # a date the HTML's metadata gives (trafilatura), if any
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def check_url(url: str, path: Path) -> str:
    """The URL's host (lower case, without `www.`); refuses a URL that has none."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DraftInputError(f"{path}: the URL {url!r} has no host (write it as https://host/…)")
    host = parts.hostname.lower()
    return host[4:] if host.startswith("www.") else host


def decode(raw: bytes, path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM) or UTF-16 with a BOM, nothing guessed.

    A legacy 8-bit encoding cannot be told apart from another reliably; refusing it is better
    than drafting quotes with the wrong letters.
    """
    if not raw.strip():
        raise DraftInputError(f"{path}: the file is empty")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DraftInputError(
                f"{path}: unknown encoding (broken UTF-16: {exc.reason})"
            ) from exc
    if b"\x00" in raw or raw.startswith((b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\x1f\x8b")):
        raise DraftInputError(f"{path}: a binary file, not text (save the article as text or HTML)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DraftInputError(
            f"{path}: unknown encoding (not UTF-8 at byte {exc.start}); save the file as UTF-8"
        ) from exc
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > max(3, len(text) // 100):
        raise DraftInputError(f"{path}: a binary file, not text ({controls} control characters)")
    return text


def _extract_html(text: str, path: Path) -> tuple[str, str | None, str | None]:
    """Main text, title and metadata date of an HTML page (trafilatura drops menus, ads…)."""
    import trafilatura  # imported here: loading it takes a while and plain text needs none

    doc = trafilatura.bare_extraction(
        text, include_comments=False, include_tables=False, with_metadata=True
    )
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or not body.strip():
        raise DraftInputError(f"{path}: the HTML page has no main text that could be extracted")
    # trafilatura puts one paragraph per line; the rest of this stage reads blank-line breaks.
    body = "\n\n".join(line.strip() for line in body.splitlines() if line.strip())
    return body, getattr(doc, "title", None), getattr(doc, "date", None)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines, each on one line, empty ones dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paras = [re.sub(r"\s+", " ", p).strip() for p in _PARA_SPLIT.split(text)]
    return [p for p in paras if p]


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph (full stop, question mark, Urdu full stop ۔)."""
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def detect_language(text: str) -> str:
    """The document's language by its script first (Urdu, Russian), then by py3langid."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "und"
    arabic = sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff" or "\ufb50" <= ch <= "\ufeff")
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    if arabic > len(letters) / 2:
        # Urdu has letters Arabic and Persian lack (ٹ ڈ ڑ ے ں ھ); without them, not Urdu.
        urdu = any(ch in text for ch in "\u0679\u0688\u0691\u06d2\u06ba\u06be")
        return "ur" if urdu else str(py3langid.classify(text)[0])
    if cyrillic > len(letters) / 2:
        lang = str(py3langid.classify(text)[0])
        return (
            "ru"
            if lang in ("ru", "uk", "bg", "mk", "sr", "be", "kk", "ky", "mn")
            and (not any(ch in text for ch in "іїєґўҳқғ"))
            else lang
        )
    return str(py3langid.classify(text)[0])


def read_document(path: Path, url: str, lang: str | None = None) -> Document:
    """Read, decode, extract (HTML) and split one document; refuse what cannot be drafted."""
    host = check_url(url, path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DraftInputError(f"{path}: cannot read the file ({exc.strerror})") from exc
    text = decode(raw, path)
    title = html_date = None
    if _HTML_RE.search(text[:4000]):
        text, title, html_date = _extract_html(text, path)
    paragraphs = split_paragraphs(text)
    if title and paragraphs and paragraphs[0].strip() == title.strip():
        paragraphs = paragraphs[1:]  # the headline is the title, not paragraph 1
    if not paragraphs:
        raise DraftInputError(f"{path}: the file holds no text")
    detected = detect_language(text)
    language = lang or detected
    if language not in SUPPORTED_LANGUAGES:
        given = "given" if lang else "detected"
        raise DraftInputError(
            f"{path}: language {language!r} ({given}) is not supported; "
            f"draft reads {', '.join(SUPPORTED_LANGUAGES)}"
        )
    doc = Document(path, url.strip(), host, language, title, paragraphs, html_date)
    if lang and lang != detected:
        doc.notes.append(f"language given as {lang}; the text looks like {detected}")
    return doc
