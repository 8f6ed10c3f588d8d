"""The stylesheets that the vendored drawing libraries insert into pages as they start.

vis-network and vis-timeline (standalone builds, viz/static) carry their CSS as string
literals and insert each one as a `<style>` element when loaded. A Content-Security-Policy
that allows only our own styles has to name those elements by hash; since the texts are
fixed in the files we ship, their hashes are computed here from the files themselves, so an
upgrade of a library needs no hand-kept list. (YASGUI inserts no `<style>` elements: its CSS
is a file we serve.)
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache

from viz.render import STATIC

LIBRARIES = ("vis-network/vis-network.min.js", "vis-timeline/vis-timeline-graph2d.min.js")
# The bundles' style injector: function X(css, options) { ... options.insertAt ... }
_INJECTOR = re.compile(
    r"function (\w+)\((\w+),(\w+)\)\{void 0===\3&&\(\3=\{\}\);var \w+=\3\.insertAt;"
)


class VendoredStyleError(RuntimeError):
    """A vendored library no longer has the style injector this module reads."""


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _js_string(source: str, start: int) -> tuple[str, int]:
    """Decode the JavaScript string literal at `start`; returns it and the index after it."""
    quote, out, i = source[start], [], start + 1
    while source[i] != quote:
        char = source[i]
        if char == "\\":
            nxt = source[i + 1]
            if nxt == "u":
                out.append(chr(int(source[i + 2 : i + 6], 16)))
                i += 6
                continue
            if nxt == "x":
                out.append(chr(int(source[i + 2 : i + 4], 16)))
                i += 4
                continue
            if nxt != "\n":  # a backslash before a newline continues the line
                out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out), i + 1


def injected_css(source: str) -> list[str]:
    """The CSS texts one bundle inserts: every call of its injector with a string literal
    holding a rule (`A(".vis-overlay{…}")`, `b('div.vis-…')`), wherever in the file it is."""
    found = _INJECTOR.search(source)
    if found is None:
        return []
    call = re.compile(r"(?<![\w.$])" + re.escape(found.group(1)) + r"\((?=[\"'])")
    texts: list[str] = []
    for match in call.finditer(source):
        text, end = _js_string(source, match.end())
        if source.startswith(")", end) and "{" in text:
            texts.append(text)
    return texts


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


@cache
def style_hashes() -> tuple[str, ...]:
    """CSP hash sources (`'sha256-…'`) of every `<style>` the vendored libraries insert."""
    # The injector appends the element before its text: the empty element must pass too.
    hashes: set[str] = {_hash("")}
    for name in LIBRARIES:
        texts = injected_css((STATIC / name).read_text(encoding="utf-8"))
        if not texts:
            raise VendoredStyleError(
                f"viz/static/{name}: no style injector found; the CSP would block its styles"
            )
        hashes.update(_hash(text) for text in texts)
    return tuple(sorted(hashes))
