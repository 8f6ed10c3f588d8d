"""`RemoteStore`: the `Store` interface over a SPARQL 1.1 server (Virtuoso, Fuseki, Oxigraph…).

An institute that hosts the graph for many users runs a triple store server; prkg then talks
to it over the SPARQL 1.1 Protocol (queries, updates) and the Graph Store Protocol (loading
whole graphs), so the API and the views work unchanged. The server serialises the answers
itself; this module only forwards the requested media type, maps the server's failures onto
the store errors the API knows (syntax error → 400, timeout → 504/408, server down → 503),
and papers over nothing but the few places where a server's output breaks the standard.

Virtuoso, the server we test against, needs three things handled here:
- its default graph (no FROM) is the union of *all* graphs, as prkg wants, but that includes
  its own system graphs (`virtrdf#`, the service description, LDP) unless the server makes
  them private (one SQL step, see README, "Running on a triple store server");
  `named_graphs()` leaves them out in any case;
- its DESCRIBE answers nothing without FROM unless asked for the CBD mode (a pragma here);
- its `timeout` parameter gives an "anytime" answer: partial results, flagged only by the
  `X-SQL-State: S1TAT` header. Such an answer is turned into `QueryTimeout`, never served;
- its JSON results use the SPARQL 1.0 `typed-literal` and write booleans as 1/0; both are
  rewritten to the SPARQL 1.1 form (`literal`, canonical `true`/`false`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import httpx
import pyoxigraph as ox

from kg.data.namespaces import DEFAULT_NAMESPACE, Namespaces
from kg.store.interface import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    Row,
    StoreError,
    StoreUnavailable,
    Term,
)
from kg.store.remote_http import (
    CLIENT_TIMEOUT_GRACE,
    N_TRIPLES,
    SPARQL_JSON,
    ServerAuth,
    canonical,
    check_response,
    convert_graph,
    json_payload,
    standard_json,
)
from kg.store.sparqltext import query_form

# Graphs a fresh Virtuoso holds for itself. Queries must not see them in the union: the
# server is set up to make them private (README, "Running on a triple store server";
# tests/virtuoso.py does it).
# Virtuoso's `input:default-graph-exclude` pragma would hide them per query, but in 7.2 it
# also empties `GRAPH <iri> {…}` patterns, so it is not used.
VIRTUOSO_SYSTEM_GRAPHS: tuple[str, ...] = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
    "http://localuriqaserver/sparql",
)
# Graph result formats Virtuoso 7 writes itself; others are converted from N-Triples here.
VIRTUOSO_GRAPH_FORMATS = frozenset({"text/turtle", N_TRIPLES, "application/rdf+xml"})

# Triples per request when loading without a Graph Store endpoint (INSERT DATA).
INSERT_CHUNK = 2_000
# Triples per request when a graph is sent through the Graph Store Protocol.
GSP_CHUNK = 200_000


class RemoteStore:
    """A SPARQL 1.1 server as prkg's store.

    `url` answers queries; `update_url` (default: `url`) takes SPARQL Update; and
    `graph_store_url`, when given, is the Graph Store Protocol endpoint used to load whole
    graphs (otherwise loads go through INSERT DATA). `user`/`password` authenticate every
    request (Digest or Basic, as the server asks). `namespace` tells which graphs are prkg's
    when a dataset is replaced (`{namespace}graph/…`).
    """

    def __init__(
        self,
        url: str,
        *,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        namespace: str = DEFAULT_NAMESPACE,
        timeout: float = 30.0,
        connect_timeout: float = 5.0,
    ) -> None:
        self.url = url
        self.update_url = update_url or url
        self.graph_store_url = graph_store_url
        self.namespaces = Namespaces(namespace)
        self.default_timeout = timeout
        auth = ServerAuth(user, password or "") if user else None
        self._changes = 0
        self._client = httpx.Client(
            auth=auth,
            timeout=httpx.Timeout(timeout + CLIENT_TIMEOUT_GRACE, connect=connect_timeout),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
        )
        self._server: str | None = None  # the `Server` header, learnt on the first answer

    # --- talking to the server ------------------------------------------------------------

    @property
    def is_virtuoso(self) -> bool:
        if self._server is None:
            self._probe()
        return bool(self._server and self._server.lower().startswith("virtuoso"))

    def _probe(self) -> None:
        """Learn which server this is (one ASK); left unknown while the server is down."""
        response = self._send("POST", self.url, data={"query": "ASK {}"}, accept=SPARQL_JSON)
        check_response(response, "ASK {}")

    def _send(
        self,
        method: str,
        url: str,
        *,
        accept: str | None = None,
        timeout: float | None = None,
        **kwargs: object,
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})  # type: ignore[arg-type]
        if accept:
            headers["Accept"] = accept
        request_timeout: httpx.Timeout | None = None
        if timeout is not None:
            request_timeout = httpx.Timeout(
                timeout + CLIENT_TIMEOUT_GRACE, connect=self._client.timeout.connect
            )
        try:
            response = self._client.request(
                method,
                url,
                headers=headers,
                timeout=request_timeout or self._client.timeout,
                **kwargs,  # type: ignore[arg-type]
            )
        except httpx.TimeoutException as exc:
            if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
                raise StoreUnavailable(
                    f"The SPARQL server at {url} did not accept a connection in time: {exc}"
                ) from exc
            limit = timeout if timeout is not None else self.default_timeout
            raise QueryTimeout(
                f"The SPARQL server at {url} gave no answer within {limit:g} s; "
                "the request was abandoned."
            ) from exc
        except (httpx.TransportError, OSError) as exc:
            raise StoreUnavailable(
                f"The SPARQL server at {url} cannot be reached ({type(exc).__name__}: {exc}). "
                "Is it running?"
            ) from exc
        server = response.headers.get("server")
        if server:
            self._server = server
        return response

    # --- queries ---------------------------------------------------------------------------

    def _prepare(
        self,
        query: str,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
    ) -> str:
        """Make the server's default graph the union of the dataset's graphs only."""
        if not self.is_virtuoso:
            return query
        # DESCRIBE as the concise bounded description, as the embedded store answers it
        # (Virtuoso's own default mode describes nothing without a FROM clause). Kept on the
        # query's first line, so that the line numbers in syntax errors stay the user's.
        return 'define sql:describe-mode "CBD" ' + query

    def _query_request(
        self,
        query: str,
        accept: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        form: dict[str, str | list[str]] = {
            "query": self._prepare(query, default_graphs, named_graphs)
        }
        if default_graphs:
            form["default-graph-uri"] = list(default_graphs)
        if named_graphs:
            form["named-graph-uri"] = list(named_graphs)
        limit = timeout if timeout is not None else self.default_timeout
        if limit and self.is_virtuoso:
            form["timeout"] = str(max(1, int(limit * 1000)))
        response = self._send("POST", self.url, data=form, accept=accept, timeout=limit)
        if response.status_code == 406:
            return response  # the caller may ask again in another format
        return check_response(response, "the query")

    def select(self, query: str) -> list[Row]:
        response = self._query_request(query, SPARQL_JSON)
        payload = json_payload(response)
        if "results" not in payload:
            raise StoreError("select() needs a SELECT query")
        return [
            {name: canonical(Term.from_json(value)) for name, value in binding.items()}
            for binding in payload["results"]["bindings"]
        ]

    def ask(self, query: str) -> bool:
        payload = json_payload(self._query_request(query, SPARQL_JSON))
        if "boolean" not in payload:
            raise StoreError("ask() needs an ASK query")
        return bool(payload["boolean"])

    def query(
        self,
        query: str,
        media_type: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout: float | None = None,
    ) -> QueryResult:
        kind = query_form(query)
        dataset = {"default_graphs": default_graphs, "named_graphs": named_graphs}
        accept = media_type
        convert = False
        if kind == "graph" and self.is_virtuoso and media_type not in VIRTUOSO_GRAPH_FORMATS:
            accept, convert = N_TRIPLES, True
        response = self._query_request(query, accept, timeout=timeout, **dataset)
        if response.status_code == 406 and kind == "graph" and media_type in GRAPH_FORMATS:
            accept, convert = N_TRIPLES, True
            response = self._query_request(query, accept, timeout=timeout, **dataset)
        if response.status_code == 406:
            raise StoreError(f"The SPARQL server cannot write {media_type} for this query.")
        body = response.content
        if convert:
            body = convert_graph(body, N_TRIPLES, media_type)
        elif media_type == SPARQL_JSON:
            body = standard_json(body)
        if kind == "unknown":
            returned = response.headers.get("content-type", "").split(";")[0].strip()
            kind = "graph" if returned in GRAPH_FORMATS else "select"
        if kind != "graph" and media_type not in RESULT_FORMATS:
            raise StoreError(f"{media_type} is not a format for SELECT/ASK results.")
        if kind == "select" and (b'"boolean"' in body[:200] or b"<boolean>" in body[:400]):
            kind = "ask"  # a query the prologue check could not place answered as ASK
        return QueryResult(kind, media_type, body)

    # --- changes ----------------------------------------------------------------------------

    def version(self) -> str:
        """For caches: the server's data can change behind our back, so a version lasts a
        minute at most, and changes at once after an update or load made through us."""
        return f"remote-{int(time.time() // 60)}-{self._changes}"

    def update(self, update: str, *, graph: str | None = None) -> None:
        """Run SPARQL Update. `graph` is where INSERT DATA without GRAPH lands (Virtuoso)."""
        text = update
        if graph and self.is_virtuoso:
            text = f"define input:default-graph-uri <{graph}> {update}"
        response = self._send("POST", self.update_url, data={"update": text})
        self._changes += 1
        check_response(response, "the update")

    def load(self, data: bytes, media_type: str, graph: str | None = None) -> None:
        """Add RDF. N-Quads/TriG keep their graphs; other formats go to `graph`."""
        fmt = GRAPH_FORMATS.get(media_type)
        if fmt is None:
            raise StoreError(f"Cannot load {media_type}; use one of {sorted(GRAPH_FORMATS)}.")
        self._changes += 1
        try:
            quads = list(ox.parse(data, format=fmt))
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        by_graph: dict[str | None, list[ox.Triple]] = {}
        for quad in quads:
            name = quad.graph_name
            target = name.value if isinstance(name, ox.NamedNode) else graph
            by_graph.setdefault(target, []).append(quad.triple)
        for target, triples in by_graph.items():
            self._add_triples(target, triples, replace=False)

    def _add_triples(self, graph: str | None, triples: list[ox.Triple], *, replace: bool) -> None:
        """Send one graph's triples: GSP PUT/POST in large chunks, else INSERT DATA chunks."""
        if self.graph_store_url:
            for start in range(0, max(len(triples), 1), GSP_CHUNK):
                chunk = triples[start : start + GSP_CHUNK]
                body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b""
                method = "PUT" if replace and start == 0 else "POST"
                params = {"graph": graph} if graph else {"default": ""}
                response = self._send(
                    method,
                    self.graph_store_url,
                    params=params,
                    content=body,
                    headers={"Content-Type": N_TRIPLES},
                    timeout=max(self.default_timeout, 600.0),
                )
                check_response(response, f"{method} of graph <{graph}>")
            return
        if replace and graph:
            self.update(f"DROP SILENT GRAPH <{graph}>")
        for start in range(0, len(triples), INSERT_CHUNK):
            chunk = triples[start : start + INSERT_CHUNK]
            body = (ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
            where = f"GRAPH <{graph}> {{\n{body}}}" if graph else body
            self.update(f"INSERT DATA {{ {where} }}")

    def drop_graph(self, graph: str) -> None:
        if self.graph_store_url:
            response = self._send("DELETE", self.graph_store_url, params={"graph": graph})
            if response.status_code != 404:
                check_response(response, f"DELETE of graph <{graph}>")
            return
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def replace_dataset(self, nquads_path: Path) -> None:
        """Make the server's prkg graphs exactly those of an N-Quads file (a build's dataset.nq).

        Each graph of the file replaces its namesake on the server (one GSP PUT per graph, so
        every graph switches whole); prkg graphs the file no longer has are dropped after that.
        The updates graph (`{ns}graph/updates`) is the server's own record of SPARQL Update:
        it is neither overwritten from the file nor dropped. Graphs outside `{ns}graph/` (other
        datasets the institute hosts) are left alone. Between the first and the last graph a
        reader can see old and new graphs side by side; there is no cross-graph transaction in
        the protocol.
        """
        prefix = f"{self.namespaces.base}graph/"
        keep = self.namespaces.updates_graph
        before = {g for g in self.named_graphs() if g.startswith(prefix)}
        loaded: set[str | None] = set()
        current: str | None = None
        buffer: list[ox.Triple] = []

        def flush() -> None:
            if current == keep or not buffer:
                return
            self._add_triples(current, buffer, replace=current not in loaded)
            loaded.add(current)

        try:
            quads = ox.parse(path=str(nquads_path), format=ox.RdfFormat.N_QUADS)
            for quad in quads:
                name = quad.graph_name
                graph = name.value if isinstance(name, ox.NamedNode) else None
                if graph != current or len(buffer) >= GSP_CHUNK:
                    flush()
                    buffer = []
                    current = graph
                buffer.append(quad.triple)
            flush()
        except SyntaxError as exc:
            raise QuerySyntaxError(f"{nquads_path}: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"Cannot read {nquads_path}: {exc}") from exc
        for stale in sorted(before - loaded - {keep}):
            self.drop_graph(stale)

    # --- reading the dataset's shape ---------------------------------------------------------

    def named_graphs(self) -> list[str]:
        # Grouped, not DISTINCT: Virtuoso 7.2 scans every quad repeatedly for `SELECT
        # DISTINCT ?g` (past 30 s on 18k quads), while the grouped count answers in ~10 ms.
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        graphs = {row["g"].value for row in rows if "g" in row and row["g"].is_uri}
        return sorted(graphs - set(VIRTUOSO_SYSTEM_GRAPHS))

    def count(self, graph: str | None = None) -> int:
        if graph is None:
            query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        else:
            query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        rows = self.select(query)
        return int(rows[0]["n"].value) if rows else 0

    def close(self) -> None:
        self._client.close()
