"""Cross-origin reads (CORS) and the security headers of HTML pages.

CORS: browser tools hosted elsewhere (a YASGUI page, an Observable notebook, OpenRefine's
web client) may read `/sparql`, the RDF of pages, `/reconcile`, `/search`, the exports and
dumps. Allowed origins come from `PRKG_CORS_ORIGINS` (`*` by default, for reads). Updates
are never open to another origin unless it is listed in `PRKG_CORS_UPDATE_ORIGINS`: a
cross-origin update is answered 403 even when it needs no preflight (a form POST), and
preflights do not allow the Authorization header for other origins.

HTML pages get a Content-Security-Policy that allows only our own scripts: an inline
`<script>` a page carries is allowed by its SHA-256 hash, computed from the page itself, so
templates need no nonces and nothing injected into a page can run. Style elements are ours
only: our stylesheets, this page's inline `<style>` blocks by hash, and the `<style>` elements
the vendored vis libraries insert, by the hashes of their texts (`viz.vendored_styles`).
Style attributes stay allowed (see `policy_for`).
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from viz.vendored_styles import style_hashes

READ_PREFIXES = (
    "/sparql",
    "/id/",
    "/source/",
    "/ontology",
    "/reconcile",
    "/search",
    "/export/",
    "/dumps/",
    "/releases",
    "/.well-known/void",
    "/context.jsonld",
)
INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)
INLINE_STYLE = re.compile(rb"<style[^>]*>(.*?)</style>", re.S | re.I)
UPDATE_MARKERS = (b"update=", b"application/sparql-update")


def _allowed(origin: str, allowed: tuple[str, ...]) -> str | None:
    if "*" in allowed:
        return "*"
    return origin if origin in allowed else None


class CorsAndSecurity:
    """ASGI middleware for both concerns (one pass over each response's headers)."""

    def __init__(
        self,
        app: ASGIApp,
        origins: tuple[str, ...] = ("*",),
        update_origins: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.origins = origins
        self.update_origins = update_origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        path: str = scope["path"]
        readable = path.startswith(READ_PREFIXES)
        if origin and readable and scope["method"] == "OPTIONS":
            await self._preflight(origin, headers, send)
            return
        allow = _allowed(origin, self.origins) if origin and readable else None
        if origin and path == "/sparql" and scope["method"] == "POST":
            receive = await self._refuse_foreign_update(origin, scope, receive, send)
            if receive is None:
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                if allow:
                    out["Access-Control-Allow-Origin"] = allow
                    out["Access-Control-Expose-Headers"] = (
                        "X-PRKG-Truncated, X-SPARQL-MaxRows, Retry-After, ETag, Content-Length"
                    )
                    if allow != "*":
                        out.add_vary_header("Origin")
                out.setdefault("X-Content-Type-Options", "nosniff")
                out.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
            await send(message)

        await self.app(scope, receive, _CspOnHtml(send_with_headers))

    async def _preflight(self, origin: str, headers: Headers, send: Send) -> None:
        allow = _allowed(origin, self.origins)
        asked = headers.get("access-control-request-headers", "")
        wants_auth = "authorization" in asked.lower()
        status = 204
        out = {"vary": "Origin"}
        if allow and (not wants_auth or origin in self.update_origins):
            out.update(
                {
                    "access-control-allow-origin": allow,
                    "access-control-allow-methods": "GET, POST, OPTIONS",
                    "access-control-allow-headers": "Accept, Content-Type"
                    + (", Authorization" if wants_auth else ""),
                    "access-control-max-age": "600",
                }
            )
        else:
            status = 403
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode(), v.encode()) for k, v in out.items()],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    async def _refuse_foreign_update(
        self, origin: str, scope: Scope, receive: Receive, send: Send
    ) -> Receive | None:
        """Read the body of a cross-origin POST /sparql; refuse it (403) if it is an update.

        Returns a `receive` that replays the body, or None when the request was answered.
        """
        if origin in self.update_origins or _same_origin(origin, scope):
            return receive
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        content_type = Headers(scope=scope).get("content-type", "").encode().lower()
        if any(
            m in content_type or body.startswith(m) or b"&update=" in body for m in UPDATE_MARKERS
        ):
            text = b"SPARQL Update is not open to other origins (PRKG_CORS_UPDATE_ORIGINS).\n"
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                }
            )
            await send({"type": "http.response.body", "body": text})
            return None
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        return replay


def _same_origin(origin: str, scope: Scope) -> bool:
    host = Headers(scope=scope).get("host", "")
    return origin.split("://", 1)[-1] == host


class _CspOnHtml:
    """Wraps `send`: an HTML answer is held until complete, then sent with its CSP.

    The policy lists the hash of every inline script of that very page.
    """

    def __init__(self, send: Send) -> None:
        self.send = send
        self.start: Message | None = None
        self.body: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            content_type = Headers(raw=message["headers"]).get("content-type", "")
            if content_type.startswith("text/html"):
                self.start = message
                return
            await self.send(message)
            return
        if self.start is None or message["type"] != "http.response.body":
            await self.send(message)
            return
        self.body.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        page = b"".join(self.body)
        out = MutableHeaders(scope=self.start)
        out["Content-Security-Policy"] = policy_for(page)
        if "content-length" in out:
            out["Content-Length"] = str(len(page))
        await self.send(self.start)
        await self.send({"type": "http.response.body", "body": page})


def _hash(text: bytes) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text).digest()).decode() + "'"


def policy_for(page: bytes) -> str:
    """A CSP allowing our own scripts, styles, images and fetches: this page's inline scripts
    and style blocks by hash (JSON data blocks are not scripts and need none), and the style
    elements the vendored libraries insert by theirs."""
    scripts = {_hash(code) for attrs, code in INLINE_SCRIPT.findall(page)
               if b"application/json" not in attrs.lower()}  # fmt: skip
    styles = {_hash(css) for css in INLINE_STYLE.findall(page)} | set(style_hashes())
    script_src = " ".join(["'self'", *sorted(scripts)])
    style_src = " ".join(["'self'", *sorted(styles)])
    return (
        "default-src 'self'; "
        f"script-src {script_src}; "
        f"style-src {style_src}; "
        f"style-src-elem {style_src}; "
        # Style attributes: vis-network, vis-timeline and YASGUI position what they draw
        # with style attributes computed at run time (sizes, offsets), which no hash can
        # list. An attribute can neither load nor run anything; style elements, which can
        # (@import, url()), are ours only.
        "style-src-attr 'unsafe-inline'; "
        "img-src 'self' data: blob:; "
        "connect-src 'self'; "
        "font-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'self'; form-action 'self'"
    )
