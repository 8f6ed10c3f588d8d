"""Issue 8.1 and 8.5: a generated corpus of bad requests against a real `prkg serve`.

Every case must get a 4xx with a message — never a 5xx, never a dropped connection — and
the server must still answer an ordinary query afterwards. The corpus (tests/fuzz/corpus.py)
crosses families of mistakes with the gallery queries: syntax errors, nesting 1k–100k deep,
5 MB bodies, invalid UTF-8 and percent-encoding, wrong media types and Accept headers,
thousands of parameters, odd slugs, path traversal under /dumps/, broken reconciliation JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz.corpus import Case, generate, q
from fuzz.live_server import LiveServer, build_request
from reliability_support import serving

pytestmark = pytest.mark.e2e

MAX_BODY = 1_000_000
CORPUS = generate(max_body=MAX_BODY)
OUTCOMES: dict[str, int] = {}


@pytest.fixture(scope="module")
def server(built_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {"PRKG_QUERY_TIMEOUT": "5", "PRKG_MAX_BODY_BYTES": str(MAX_BODY)}
    with serving(built_store_dir, tmp_path_factory, "serve", env) as live:
        yield live
    statuses = sorted(set(OUTCOMES.values()))
    print(f"\n[reliability] {len(OUTCOMES)} bad requests, statuses seen: {statuses}, "
          f"server restarts: {live.restarts}")  # fmt: skip


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 200
    families = {c.name.split("-")[0] for c in CORPUS}
    assert {"syntax", "nested", "size", "enc", "type", "params", "dumps", "reconcile"} <= families


# Real bugs found by the corpus, not fixed by their owners yet (strict: a fix turns them into
# failures until the mark is removed). Reported in docs/changelog/reliability.md.
KNOWN_BUGS: dict[str, str] = {}


def _param(case: Case) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=reason)
             for key, reason in KNOWN_BUGS.items() if key in case.name]  # fmt: skip
    return pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CORPUS])
def test_bad_request_gets_4xx_with_message(case: Case, server: LiveServer) -> None:
    server.ensure_running()
    try:
        response = server.send(case.data, timeout=60)
    except (OSError, Exception) as exc:
        crashed = not server.alive()
        pytest.fail(f"no HTTP answer ({type(exc).__name__}: {exc}); server crashed: {crashed}\n"
                    f"{server.log()[-1500:] if crashed else ''}")  # fmt: skip
    OUTCOMES[case.name] = response.status
    assert response.status < 500, f"{response.status}: {response.text[:500]}"
    assert response.status in case.expect, f"{response.status}: {response.text[:500]}"
    if case.needs_message and response.status != 405:
        assert response.body.strip(), "a 4xx must say what was wrong"
    assert server.healthy(), f"server no longer answers after {case.name}:\n{server.log()[-1500:]}"


def test_body_over_limit_is_413_and_at_limit_is_not(server: LiveServer) -> None:
    query = b"ASK { ?s ?p ?o } #"
    at_limit = query + b"x" * (MAX_BODY - len(query))
    over = at_limit + b"x"
    headers = {"Content-Type": "application/sparql-query"}
    assert server.send(build_request("POST", "/sparql", headers, at_limit)).status == 200
    refused = server.send(build_request("POST", "/sparql", headers, over))
    assert refused.status == 413 and b"limit" in refused.body


INJECTIONS = [
    # each would change the query if the slug were pasted into SPARQL unchecked
    "pakistan%3E%20%3Fp%20%3Fo%20%7D%20%23",
    "pakistan%3E%20%3Fp%20%3Fo%20.%20%3Fs%20%3Fp%20%3Fo%20%7D%20%23",
    "x%3E%20%3Fp%20%3Fo%20%7D%20UNION%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20%23",
    "pakistan%3E%20%3Chttp%3A%2F%2Fx%3E%20%3Fo%20%7D%20%23",
]


@pytest.mark.parametrize("path", ["/id/", "/source/", "/graph/"])
@pytest.mark.parametrize("slug", INJECTIONS)
def test_path_parameters_cannot_inject_sparql(server: LiveServer, path: str, slug: str) -> None:
    response = server.get(path + slug, {"Accept": "text/turtle"} if path != "/graph/" else None)
    assert response.status in {400, 404, 422}, response.text[:300]
    assert b"syntax" not in response.body.lower()
    assert b"pakistan" not in response.body.split(b"'")[-1].lower() or response.status != 200


def test_valid_slug_still_answers(server: LiveServer) -> None:
    """The validation above refuses on shape, not by refusing everything."""
    page = server.get("/id/pakistan", {"Accept": "text/turtle"})
    assert page.status == 200 and b"pakistan" in page.body


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2f%2e%2e%2fbuild.json",
        "..%2Fbuild.json",
    ],
)
def test_dumps_traversal_refused(server: LiveServer, name: str) -> None:
    response = server.get("/dumps/" + name)
    assert response.status in {400, 404}
    assert b"root:" not in response.body and b"total_quads" not in response.body


def test_dumps_still_served(server: LiveServer) -> None:
    response = server.get("/dumps/dataset.nq")
    assert response.status == 200 and response.body.count(b"\n") > 1000


def test_normal_query_after_corpus(server: LiveServer) -> None:
    response = server.get("/sparql?query=" + q("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
                          {"Accept": "text/csv"})  # fmt: skip
    assert response.status == 200 and int(response.text.split()[1]) > 1000
    assert server.restarts == 0, "the server crashed during the corpus (see failures above)"
