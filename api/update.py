"""SPARQL Update over the protocol: bearer-token auth and confinement to the updates graph.

Read-only by default: with no `Settings.update_token`, every update answers 403. With a
token, a request needs `Authorization: Bearer <token>` (401 otherwise).

Confinement: an accepted update (checked by `api.safety.check_update`, so it names no graph
to write to) runs as if `WITH <{ns}graph/updates>` were given. It is wrapped as

    <its prologue> MOVE SILENT GRAPH <updates> TO DEFAULT ; <its operations> ;
    MOVE SILENT DEFAULT TO GRAPH <updates>

and handed to the store with the graph's name. A store whose default graph is empty applies
it as one request, so the update sees and changes exactly the updates graph while reading
every other graph through GRAPH / USING. The embedded store keeps the union of all graphs in
its default graph (kg/store/union.py), so it runs the wrapped update on a scratch copy and writes
back only the difference, to the updates graph and to the stored union.
"""

from __future__ import annotations

import hmac
import re

from api.settings import Settings

_POSITION = re.compile(r"error at (\d+):(\d+)")
_PROLOGUE = re.compile(r"(?is)(\s*(#[^\n]*\n|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>))*\s*")


class UpdateRefused(Exception):
    """Auth failure; `status` is 401 or 403."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def authorize(settings: Settings, authorization: str | None) -> None:
    """Raise UpdateRefused unless updates are enabled and the bearer token matches."""
    if not settings.update_token:
        raise UpdateRefused(
            403, "This endpoint is read-only: SPARQL Update is disabled (no update token set)."
        )
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UpdateRefused(401, "SPARQL Update needs 'Authorization: Bearer <token>'.")
    if not hmac.compare_digest(token.strip().encode(), settings.update_token.encode()):
        raise UpdateRefused(401, "The update token is wrong.")


def _prologue_length(update: str) -> int:
    """Length of the leading comments/PREFIX/BASE block, which must stay in front."""
    match = _PROLOGUE.match(update)
    return match.end() if match else 0


def confine(update: str, graph: str) -> str:
    """Wrap `update` so it reads and writes `graph` as its default graph (see module doc).

    The user's prologue is kept first (pyoxigraph wants prefixes before the first operation).
    """
    body = update.rstrip()
    while body.endswith(";"):
        body = body[:-1].rstrip()
    cut = _prologue_length(body)
    return f"{body[:cut]}{_before(graph)}{body[cut:]}\n;\nMOVE SILENT DEFAULT TO GRAPH <{graph}>"


def _before(graph: str) -> str:
    return f"MOVE SILENT GRAPH <{graph}> TO DEFAULT ;\n"


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    return sum(len(x) + 1 for x in lines[: line - 1]) + column - 1


def _position(text: str, offset: int) -> tuple[int, int]:
    head = text[:offset]
    return head.count("\n") + 1, offset - (head.rfind("\n") + 1) + 1


def user_position(message: str, update: str, graph: str) -> str:
    """Map the parser's `error at L:C` in the wrapped text back to the user's text."""
    cut = _prologue_length(update)
    inserted = len(_before(graph))

    def shift(match: re.Match[str]) -> str:
        wrapped = confine(update, graph)
        offset = _offset(wrapped, int(match.group(1)), int(match.group(2)))
        if offset >= cut + inserted:
            offset -= inserted
        elif offset > cut:
            offset = cut
        line, column = _position(update, min(offset, len(update)))
        return f"error at {line}:{column}"

    return _POSITION.sub(shift, message)
