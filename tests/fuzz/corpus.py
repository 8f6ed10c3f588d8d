"""A generated corpus of malformed, huge, deeply nested and wrongly encoded HTTP requests.

Each case is the exact bytes of one request plus what a correct server answers: always a
4xx with a message (never a 5xx, never a crash), sometimes a particular 4xx (413 for an
oversized body, 415 for a wrong media type, 405 for a wrong method). The cases are built
from families of mistakes crossed with the gallery queries in data/queries/, so the corpus
grows with the gallery; `generate()` is deterministic (seeded) so a failure can be replayed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from fuzz.live_server import build_request

ROOT = Path(__file__).resolve().parents[2]
QUERIES_DIR = ROOT / "data" / "queries"
FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
CLIENT_ERRORS = frozenset(range(400, 500))


@dataclass(frozen=True)
class Case:
    """One bad request: a name for the test id, its bytes, and the statuses that are right."""

    name: str
    data: bytes = field(repr=False)
    expect: frozenset[int] = CLIENT_ERRORS
    needs_message: bool = True


def gallery_queries() -> list[tuple[str, str]]:
    """The gallery's local queries (federated ones would call the internet)."""
    found = []
    for path in sorted(QUERIES_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        if "SERVICE" not in text.upper():
            found.append((path.stem, text))
    return found


def q(text: str) -> str:
    return quote(text, safe="")


def get(
    name: str,
    target: str | bytes,
    headers: dict[str, str] | None = None,
    expect: frozenset[int] = CLIENT_ERRORS,
) -> Case:
    return Case(name, build_request("GET", target, headers), expect)


def post(
    name: str,
    body: bytes,
    content_type: str | None,
    headers: dict[str, str] | None = None,
    target: str = "/sparql",
    expect: frozenset[int] = CLIENT_ERRORS,
) -> Case:
    all_headers = dict(headers or {})
    if content_type is not None:
        all_headers["Content-Type"] = content_type
    return Case(name, build_request("POST", target, all_headers, body), expect)


def broken_queries(rng: random.Random) -> Iterator[tuple[str, str]]:
    """Syntax errors derived from the gallery: truncations, dropped braces, garbage tokens."""
    for stem, text in gallery_queries():
        body = text[text.upper().find("SELECT") :] if "SELECT" in text.upper() else text
        cut = rng.randint(len(text) // 3, len(text) - 2)
        yield f"{stem}-truncated", text[:cut].rstrip("}") + " {"
        last = text.rfind("}")
        yield f"{stem}-no-closing-brace", text[:last] + text[last + 1 :]
        yield f"{stem}-garbage-token", text.replace("WHERE", "WHERE ?? ^^ ;;", 1)
        yield f"{stem}-undeclared-prefix", body.replace("{", "{ ?zz nosuch:p ?yy .", 1)
    yield "empty-query", ""
    yield "only-spaces", "   \n\t "
    yield "only-comment", "# nothing here"
    yield "select-nothing", "SELECT"
    yield "bad-variable", "SELECT ?-x WHERE { ?s ?p ?o }"
    yield "unterminated-string", 'SELECT * WHERE { ?s ?p "open }'
    yield "unterminated-iri", "SELECT * WHERE { ?s ?p <http://x }"
    yield "bad-iri-chars", "SELECT * WHERE { ?s ?p <http://x y> }"
    yield "unknown-function", "SELECT * WHERE { ?s ?p ?o FILTER(nosuch:f(?o)) }"
    yield "bad-limit", "SELECT * WHERE { ?s ?p ?o } LIMIT -1"
    yield "bad-offset", "SELECT * WHERE { ?s ?p ?o } OFFSET x"
    yield "group-misuse", "SELECT ?s (COUNT(?o) AS ?s) WHERE { ?s ?p ?o } GROUP BY ?s"
    yield "bind-twice", "SELECT * WHERE { BIND(1 AS ?x) BIND(2 AS ?x) }"
    yield "nul-byte", "SELECT * WHERE { ?s ?p ?o }\x00"
    yield "control-chars", "SELECT\x01\x02 * WHERE { ?s ?p ?o }"
    yield "html-as-query", "<html><script>alert(1)</script></html>"
    yield "json-as-query", '{"query": "SELECT * WHERE { ?s ?p ?o }"}'
    yield "sql-as-query", "SELECT * FROM users WHERE 1=1; DROP TABLE users; --"
    yield "rdf-star-garbage", "SELECT * WHERE { << ?s ?p >> ?q ?r }"
    yield "values-mismatch", "SELECT * WHERE { VALUES (?a ?b) { (1) } }"
    yield "lone-unicode-escape", 'SELECT * WHERE { ?s ?p "\\uD800" }'
    yield "bad-lang-tag", 'SELECT * WHERE { ?s ?p "x"@-- }'
    yield "bad-datatype", 'SELECT * WHERE { ?s ?p "x"^^"y" }'
    for i in range(6):
        tokens = [
            "SELECT",
            "WHERE",
            "{",
            "}",
            "?x",
            "(",
            ")",
            ".",
            ";",
            "FILTER",
            "<a>",
            '"s"',
            "OPTIONAL",
            "UNION",
            "|",
            "*",
            "/",
            "^",
            "!",
            "GRAPH",
            "BIND",
            "AS",
            "ORDER",
        ]
        garbage = " ".join(rng.choice(tokens) for _ in range(rng.randint(3, 40)))
        yield f"random-tokens-{i}", "SELECT " + garbage + " }}"


def nested_queries() -> Iterator[tuple[str, str]]:
    """Deeply nested constructs: the engine's parser is recursive, so depth is an attack."""
    yield "unbalanced-braces-1000", "SELECT * WHERE " + "{" * 1000
    yield "unbalanced-parens-1000", "ASK { FILTER(" + "(" * 1000 + "1) }"
    for depth in (10_000, 100_000):
        yield f"braces-{depth}", "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
        yield f"unbalanced-braces-{depth}", "SELECT * WHERE " + "{" * depth
        yield f"parens-{depth}", "ASK { FILTER(" + "(" * depth + "1" + ")" * depth + ") }"
        yield f"not-chain-{depth}", "ASK { FILTER(" + "!" * depth + "true) }"
        yield f"path-parens-{depth}", "ASK { ?s " + "(" * depth + "<p>" + ")" * depth + " ?o }"
        yield f"optional-nest-{depth}", "ASK " + "{ OPTIONAL " * depth + "{}" + "}" * depth
        yield (
            f"blank-node-nest-{depth}",
            "ASK { ?s ?p " + "[ <p> " * depth + "1" + " ]" * depth + " }",
        )
        yield f"collection-nest-{depth}", "ASK { ?s ?p " + "(" * depth + "1" + ")" * depth + " }"
    sub = 10_000
    yield f"subselect-nest-{sub}", "SELECT * WHERE " + "{ SELECT * WHERE " * sub + "{}" + " }" * sub
    yield "plus-chain", "ASK { FILTER(" + "+" * 50_000 + "1) }"


def generate(seed: int = 8, max_body: int = 1_000_000) -> list[Case]:
    """The whole corpus (deterministic for a seed); at least 200 cases."""
    rng = random.Random(seed)
    cases: list[Case] = []
    syntax = list(broken_queries(rng))
    # every syntax error goes by one of the three protocol routes, in turn
    for i, (name, text) in enumerate(syntax):
        route = i % 3
        if route == 0:
            cases.append(get(f"syntax-get-{name}", "/sparql?query=" + q(text)))
        elif route == 1:
            cases.append(post(f"syntax-form-{name}", ("query=" + q(text)).encode(), FORM))
        else:
            cases.append(post(f"syntax-direct-{name}", text.encode("utf-8"), SPARQL_QUERY))
    for name, text in nested_queries():
        body = text.encode()
        if len(body) > max_body:
            cases.append(post(f"nested-{name}", body, SPARQL_QUERY, expect=frozenset({413})))
        else:
            cases.append(post(f"nested-{name}", body, SPARQL_QUERY))
            cases.append(post(f"nested-form-{name}", ("query=" + q(text)).encode(), FORM))
    cases += size_cases(max_body)
    cases += encoding_cases()
    cases += media_type_cases()
    cases += parameter_cases()
    cases += method_cases()
    cases += http_cases()
    cases += other_endpoint_cases()
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    return cases


def size_cases(max_body: int) -> list[Case]:
    big = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * (5 * 1024 * 1024)
    over = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * max_body
    too_big = frozenset({413})
    return [
        post("size-5mb-direct", big, SPARQL_QUERY, expect=too_big),
        post("size-5mb-form", b"query=" + big.replace(b" ", b"+"), FORM, expect=too_big),
        post("size-limit-plus-one-direct", over, SPARQL_QUERY, expect=too_big),
        post(
            "size-5mb-update",
            b"INSERT DATA { <a> <b> <c> } #" + b"x" * (5 << 20),
            SPARQL_UPDATE,
            expect=too_big,
        ),
        post("size-5mb-unknown-type", big, "application/octet-stream"),
        Case("size-chunked-over-limit", chunked("/sparql", SPARQL_QUERY, over), too_big),
        Case(
            "size-lying-content-length",
            build_request(
                "POST",
                "/sparql",
                {"Content-Type": SPARQL_QUERY, "Content-Length": str(50 << 20)},
                b"SELECT",
                content_length=False,
            ),
            too_big,
        ),
        get(
            "size-5mb-get", "/sparql?query=" + q("SELECT * WHERE { ?s ?p ?o } #") + "x" * (5 << 20)
        ),
        get("size-100k-get", "/sparql?query=" + q("SELECT * WHERE { ?s ?p ?o ") + "x" * 100_000),
    ]


def chunked(target: str, content_type: str, body: bytes, chunk: int = 65536) -> bytes:
    head = (f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n").encode()  # fmt: skip
    parts = [head]
    for i in range(0, len(body), chunk):
        piece = body[i : i + chunk]
        parts.append(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
    parts.append(b"0\r\n\r\n")
    return b"".join(parts)


def encoding_cases() -> list[Case]:
    ok_query = q("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    latin = 'SELECT * WHERE { ?s ?p "Résumé" }'.encode("latin-1")
    utf16 = "SELECT * WHERE { ?s ?p ?o }".encode("utf-16")
    cases = [
        get("enc-get-invalid-utf8", "/sparql?query=SELECT%20%FF%FE%20WHERE%20%7B%7D"),
        get("enc-get-overlong-utf8", "/sparql?query=SELECT%20%C0%AF%20WHERE%20%7B%7D"),
        get("enc-get-truncated-utf8", "/sparql?query=ASK%7B%7D%E2%82"),
        get("enc-get-surrogate-utf8", "/sparql?query=ASK%7B%7D%ED%A0%80"),
        get("enc-get-bad-percent", "/sparql?query=SELECT%zz*%20WHERE%7B%7D"),
        get("enc-get-lone-percent", "/sparql?query=ASK%7B%7D%"),
        get("enc-get-percent-one-digit", "/sparql?query=ASK%7B%7D%4"),
        get("enc-get-raw-high-bytes", b"/sparql?query=ASK%7B%7D\xff\xfe"),
        get("enc-get-raw-space", b"/sparql?query=ASK { }"),
        get("enc-get-encoded-nul", "/sparql?query=ASK%7B%00%7D"),
        post("enc-form-invalid-utf8", b"query=SELECT%20%FF%20WHERE%7B%7D", FORM),
        post("enc-form-raw-invalid-utf8", b"query=SELECT \xff\xfe WHERE {}", FORM),
        post("enc-form-bad-percent", b"query=SELECT%zz*%20WHERE%7B%7D", FORM),
        post("enc-form-lone-percent", b"query=ASK%7B%7D%", FORM),
        post("enc-direct-invalid-utf8", b'SELECT * WHERE { ?s ?p "\xff\xfe" }', SPARQL_QUERY),
        post("enc-direct-latin1-bytes", latin, SPARQL_QUERY),
        post("enc-direct-utf16", utf16, SPARQL_QUERY),
        post(
            "enc-direct-utf16-declared",
            utf16,
            SPARQL_QUERY + "; charset=utf-16",
            expect=frozenset({415}),
        ),
        post(
            "enc-direct-latin1-declared",
            latin,
            SPARQL_QUERY + "; charset=ISO-8859-1",
            expect=frozenset({415}),
        ),
        post(
            "enc-form-latin1-declared",
            b"query=" + ok_query.encode(),
            FORM + "; charset=latin1",
            expect=frozenset({415}),
        ),
        post("enc-update-invalid-utf8", b'INSERT DATA { <a> <b> "\xff" }', SPARQL_UPDATE),
        post("enc-direct-bom-utf32", "ASK {}".encode("utf-32"), SPARQL_QUERY),
        post(
            "enc-direct-charset-garbage",
            b"ASK {}",
            SPARQL_QUERY + '; charset="\x01\x02"',
            expect=frozenset({400, 415}),
        ),
    ]
    return cases


def media_type_cases() -> list[Case]:
    body = b"SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    form = b"query=" + q("SELECT * WHERE { ?s ?p ?o } LIMIT 1").encode()
    unsupported = frozenset({415})
    cases = [
        post("type-none", body, None, expect=unsupported),
        post("type-empty", body, "", expect=unsupported),
        post("type-text-plain", body, "text/plain", expect=unsupported),
        post("type-json", b'{"query": "ASK {}"}', "application/json", expect=unsupported),
        post("type-xml", b"<query>ASK {}</query>", "application/xml", expect=unsupported),
        post(
            "type-multipart",
            b"--b\r\nContent-Disposition: form-data; name=query\r\n\r\nASK {}\r\n--b--\r\n",
            "multipart/form-data; boundary=b",
            expect=unsupported,
        ),
        post("type-garbage", body, ";;;=;", expect=unsupported),
        post("type-star", body, "*/*", expect=unsupported),
        post("type-turtle", b"<a> <b> <c> .", "text/turtle", expect=unsupported),
        post("type-form-but-raw-query", body, FORM),
        post("type-query-but-form", form, SPARQL_QUERY),
        post("type-update-but-query", body, SPARQL_UPDATE),
        post("type-form-empty-body", b"", FORM),
        post("type-query-empty-body", b"", SPARQL_QUERY),
        post("type-update-empty-body", b"", SPARQL_UPDATE),
        post("type-form-only-ampersands", b"&&&&", FORM),
        post("type-form-no-value", b"query", FORM),
        post("type-form-equals-only", b"=", FORM),
    ]
    accept_bad = frozenset({406})
    select = "/sparql?query=" + q("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    construct = "/sparql?query=" + q("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1")
    for i, accept in enumerate(["application/x-nothing", "image/png", "text/turtle;q=1",
                                "application/json-bogus", "*/*;q=0", "audio/*"]):  # fmt: skip
        cases.append(get(f"accept-select-{i}", select, {"Accept": accept}, accept_bad))
    for i, accept in enumerate(["application/sparql-results+json", "text/csv;q=1, x/y"]):
        cases.append(get(f"accept-construct-{i}", construct, {"Accept": accept}, accept_bad))
    for i, fmt in enumerate(["bogus", "exe", "../../etc/passwd", "json%00", "x" * 5000]):
        cases.append(get(f"format-param-{i}", select + "&format=" + q(fmt)))
    return cases


def parameter_cases() -> list[Case]:
    bad = q("SELECT * WHERE { ?s ?p }")
    good = q("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    unknown = "&".join(f"p{i}=v{i}" for i in range(500))
    many = "&".join(f"x{i}=1" for i in range(5000))
    return [
        get("params-two-queries", f"/sparql?query={good}&query={good}"),
        post("params-two-queries-form", f"query={good}&query={good}".encode(), FORM),
        post(
            "params-query-in-url-and-body",
            b"SELECT * WHERE { ?s ?p ?o }",
            SPARQL_QUERY,
            target=f"/sparql?query={good}",
        ),
        get("params-query-and-update", f"/sparql?query={good}&update=" + q("CLEAR ALL")),
        get("params-update-via-get", "/sparql?update=" + q("INSERT DATA { <a> <b> <c> }")),
        post(
            "params-update-no-token",
            b"update=" + q("INSERT DATA { <a> <b> <c> }").encode(),
            FORM,
            expect=frozenset({401, 403}),
        ),
        post("params-update-as-query", b"query=" + q("DROP ALL").encode(), FORM),
        get("params-unknown-with-bad-query", f"/sparql?{unknown}&query={bad}"),
        get("params-5000-with-bad-query", f"/sparql?{many}&query={bad}"),
        post("params-5000-form-no-query", many.encode(), FORM),
        get("params-empty-query", "/sparql?query="),
        get("params-empty-name", f"/sparql?={good}&query={bad}"),
        get(
            "params-bad-default-graph", f"/sparql?query={good}&default-graph-uri=" + q("not an iri")
        ),
        get(
            "params-bad-default-graph-brackets",
            f"/sparql?query={good}&default-graph-uri=" + q("<http://x>"),
        ),
        get("params-bad-named-graph", f"/sparql?query={good}&named-graph-uri=" + q("a b")),
        get("params-default-graph-nul", f"/sparql?query={good}&default-graph-uri=%00"),
        post(
            "params-using-graph-on-update",
            b"update=" + q("INSERT DATA { <a> <b> <c> }").encode() + b"&using-graph-uri=x",
            FORM,
            expect=frozenset({400, 401, 403}),
        ),
        get("params-timeout-param-with-bad-query", f"/sparql?query={bad}&timeout=999999"),
    ]


def method_cases() -> list[Case]:
    wrong = frozenset({405})
    target = "/sparql?query=" + q("ASK {}")
    return [
        Case(
            f"method-{m.lower()}",
            build_request(m, target, {}, b"x" if m != "DELETE" else b""),
            wrong,
        )
        for m in ("PUT", "DELETE", "PATCH")
    ] + [
        Case("method-bogus", build_request("BREW", target, {}), CLIENT_ERRORS | {501}),
        Case("method-put-dumps", build_request("PUT", "/dumps/dataset.trig", {}, b"x"), wrong),
        Case("method-delete-id", build_request("DELETE", "/id/pakistan", {}), wrong),
    ]


def http_cases() -> list[Case]:
    """Requests broken at the HTTP level; uvicorn's parser answers them (400)."""
    return [
        Case(
            "http-bad-content-length",
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
            b"application/sparql-query\r\nContent-Length: abc\r\n\r\nASK {}",
        ),
        Case(
            "http-negative-content-length",
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
            b"application/sparql-query\r\nContent-Length: -5\r\n\r\nASK {}",
        ),
        Case("http-bad-header-line", b"GET /sparql HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n"),
        Case("http-bad-version", b"GET /sparql HTTP/9.9\r\nHost: x\r\n\r\n"),
        Case(
            "http-bad-chunk-size",
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
            b"application/sparql-query\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nASK\r\n0\r\n\r\n",
        ),
    ]


def other_endpoint_cases() -> list[Case]:
    not_found = frozenset({404, 400, 422})
    slugs = ["..", "%2e%2e", "a%2Fb", "UPPER", "-leading", "x" * 10_000, "%00", "%FF%FE",
             "caf%C3%A9", "foo%3E%20%3Fp%20%3Fo%20%7D%20%23", "foo>%20?p%20?o%20}%20#",
             "a%22b", "%3Cscript%3E", "a%0Ab", "a%5Cb", "no-such-entity-xyz", "a%20b",
             "pakistan%3E%20%3Fp%20%3Fo%20.%20%3Fs%20%3Fp%20%3Fo%20%7D%20%23"]  # fmt: skip
    cases: list[Case] = []
    for i, slug in enumerate(slugs):
        cases.append(get(f"id-odd-slug-{i}", "/id/" + slug, expect=not_found))
        cases.append(get(f"source-odd-id-{i}", "/source/" + slug, expect=not_found))
        cases.append(get(f"graph-odd-slug-{i}", "/graph/" + slug, expect=not_found))
    cases += [
        get("id-bad-format", "/id/pakistan?format=bogus", expect=frozenset({400, 406})),
        get("id-bad-accept", "/id/pakistan", {"Accept": "image/png"}, frozenset({406})),
        get("source-bad-format", "/source/S01?format=%00", expect=frozenset({400, 406})),
    ]
    traversal = [
        "../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e/%2e%2e/etc/passwd",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "..%5C..%5Cetc%5Cpasswd",
        "/etc/passwd",
        "%2Fetc%2Fpasswd",
        "dataset.trig%00.txt",
        "....//....//etc/passwd",
        "..%252F..%252Fetc%252Fpasswd",
        ".",
        "..",
        "build.json",
        "../build.json",
        "..%2Fbuild.json",
        "%c0%ae%c0%ae/etc/passwd",
        "dataset.trig/..%2F..%2Fbuild.json",
    ]
    for i, path in enumerate(traversal):
        cases.append(get(f"dumps-traversal-{i}", "/dumps/" + path, expect=frozenset({404, 400})))
    cases += [
        get("graph-depth-huge", "/graph/pakistan?depth=99"),
        get("graph-depth-text", "/graph/pakistan?depth=abc"),
        get("graph-depth-negative", "/graph?depth=-1"),
        get("graph-bad-date", "/graph?from=notadate"),
        get("graph-bad-date-month", "/graph?from=2020-13"),
        get("graph-bad-class", "/graph?class=" + q("<script>alert(1)</script>")),
        get("graph-long-date", "/graph?from=" + "9" * 1000),
        get("graph-long-source", "/graph?source=" + "S" * 1000),
        get("timeline-bad-theme", "/timeline?theme=bogus"),
        get("timeline-bad-actor", "/timeline?actor=" + q("a> ?p ?o } #")),
        get("timeline-long-actor", "/timeline?actor=" + "a" * 5000),
        get("ontology-bad-format", "/ontology?format=bogus", expect=frozenset({400, 406})),
        get("void-bad-format", "/.well-known/void?format=bogus", expect=frozenset({400, 406})),
        get("void-bad-accept", "/.well-known/void", {"Accept": "image/png"}, frozenset({406})),
    ]
    broken_json = [
        '{"q0": {"query": "x"',
        "[1,2",
        "nul",
        '{"q0": ',
        "\x00",
        '"unterminated',
        "{" * 100_000,
        '{"q0": {"query": "pakistan", "limit": "many"}}',
        '{"q0": {"query": 5}}',
        '{"q0": {"query": "x", "type": 7}}',
        "[]",
        "42",
    ]
    for i, text in enumerate(broken_json):
        body = ("queries=" + q(text)).encode()
        cases.append(post(f"reconcile-broken-json-{i}", body, FORM, target="/reconcile"))
        cases.append(get(f"reconcile-get-broken-json-{i}",
                         "/reconcile?queries=" + q(text[:2000])))  # fmt: skip
    cases += [
        post(
            "reconcile-extend-broken",
            b"extend=" + q('{"ids": [').encode(),
            FORM,
            target="/reconcile",
        ),
        post(
            "reconcile-extend-wrong-shape",
            b"extend=" + q('{"ids": 5, "properties": 1}').encode(),
            FORM,
            target="/reconcile",
        ),
        post("reconcile-json-body", b'{"queries": {', "application/json", target="/reconcile"),
        post("reconcile-invalid-utf8", b"queries=%FF%FE", FORM, target="/reconcile"),
        get(
            "reconcile-preview-bad-id",
            "/reconcile/preview?id=" + q("a> ?p ?o } #"),
            expect=not_found,
        ),
        get("reconcile-preview-no-id", "/reconcile/preview"),
        get("reconcile-suggest-bad-cursor", "/reconcile/suggest/entity?prefix=pak&cursor=abc"),
        get(
            "reconcile-propose-bad-type", "/reconcile/extend/propose?type=" + q("<x>") + "&limit=x"
        ),
    ]
    return cases
