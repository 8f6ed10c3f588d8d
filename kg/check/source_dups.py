"""Possible duplicate or syndicated documents: two source records that may be one text.

A wire story reprinted by ten outlets is one report, not ten (CONTRIBUTING.md: a copy gets
`same_text_as: [SNNN]`, the ontology's prkg:sameSourceAs); the same page entered twice
is one source. Two records are reported when

- their URLs are equal up to normalisation (`normalise_url`),
- their titles are equal up to case, accents and punctuation (the reconciliation index's
  `normalise`) and so are their dates (both given), or
- the MinHash signatures of their texts (`text_minhash:`, kg/data/textsig.py) share at least
  NEAR_TEXT of their values: an estimated Jaccard similarity of the texts' word 5-grams.

Records already linked as copies, directly or through others (A and B both `same_text_as` C),
are not reported, nor pairs a curator marked in a `distinct:` entry with `sources:`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import combinations
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from datasketch import MinHash, MinHashLSH

from kg.check.findings import Finding
from kg.data.records import DataSet, SourceRecord
from kg.data.textmatch import normalise
from kg.data.textsig import PERMUTATIONS, SCHEME, SEED, parse, similarity

NEAR_TEXT = 0.8
# Query parameters that say where a reader came from, never which document it is.
TRACKING_PARAMS = {
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "ref",
    "ref_src",
    "cmpid",
    "ocid",
    "spm",
    "amp",
    "outputtype",
}
_AMP_PATH = re.compile(r"(?:/amp|\.amp|/amp\.html?)$")
_AMP_CACHE = re.compile(r"^[a-z0-9-]+\.cdn\.ampproject\.org$")


def normalise_url(url: str) -> str:
    """A URL's comparable form: the parts that tell which document it is.

    Scheme (http/https) and a leading `www.`, `m.` or `amp.` of the host go; the host is
    lower-cased and a default port dropped; tracking parameters (`utm_*` and
    TRACKING_PARAMS, among them AMP switches such as `amp=1`, `outputType=amp`) and the
    fragment go, the other parameters are sorted; AMP variants of the path (a final `/amp`,
    `.amp`, `/amp.html`, an `/amp/` first segment) and Google's AMP cache
    (`host.cdn.ampproject.org/c/s/HOST/PATH`) lead to the page itself; a trailing slash and
    a final `index.html` go. The result is shown without a scheme: `dawn.com/news/123`.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    path = parts.path
    if _AMP_CACHE.match(host):
        segments = [s for s in path.split("/") if s]
        if segments[:1] == ["c"]:
            segments = segments[1:]
        if segments[:1] == ["s"]:
            segments = segments[1:]
        if segments:
            host, path = segments[0].lower(), "/" + "/".join(segments[1:])
    for prefix in ("www.", "m.", "amp."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = re.sub(r"/{2,}", "/", path).rstrip("/")
    if path.startswith("/amp/"):
        path = path[4:]
    path = _AMP_PATH.sub("", path)
    path = re.sub(r"/index\.html?$", "", path).rstrip("/")
    query = sorted(
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMS
    )
    return urlunsplit(("", host, path, urlencode(query), "")).removeprefix("//")


class _Copies:
    """The groups of records linked by `same_text_as` (a union-find over source ids)."""

    def __init__(self, sources: dict[str, SourceRecord]) -> None:
        self.parent = {sid: sid for sid in sources}
        for sid, src in sources.items():
            for other in src.same_text_as:
                if other in self.parent:
                    self.parent[self.find(sid)] = self.find(other)

    def find(self, sid: str) -> str:
        while self.parent[sid] != sid:
            self.parent[sid] = self.parent[self.parent[sid]]
            sid = self.parent[sid]
        return sid

    def linked(self, a: str, b: str) -> bool:
        return self.find(a) == self.find(b)


def _reasons(a: SourceRecord, b: SourceRecord, urls: dict[str, str]) -> list[str]:
    reasons = []
    if urls[a.id] == urls[b.id]:
        same = "the same URL" if a.url == b.url else "the same URL up to normalisation"
        reasons.append(f"{same} ({urls[a.id]})")
    if a.date and a.date == b.date and normalise(a.title) == normalise(b.title):
        reasons.append(f"the same title and date ({a.title!r}, {a.date})")
    if a.text_minhash and b.text_minhash:
        score = similarity(a.text_minhash, b.text_minhash)
        if score >= NEAR_TEXT:
            reasons.append(f"near-identical text (MinHash similarity {score:.2f})")
    return reasons


def _candidates(sources: list[SourceRecord], urls: dict[str, str]) -> set[tuple[str, str]]:
    """Pairs of source ids worth comparing: one URL, one title and date, or LSH neighbours.

    Buckets and datasketch's MinHashLSH keep this near linear in the number of sources.
    """
    order = {s.id: i for i, s in enumerate(sources)}
    buckets: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for src in sources:
        buckets[("url", urls[src.id])].append(src.id)
        if src.date:
            buckets[("title", normalise(src.title), src.date)].append(src.id)
    pairs = {pair for ids in buckets.values() for pair in combinations(ids, 2)}
    signed = [s for s in sources if s.text_minhash]
    if len(signed) > 1:
        lsh = MinHashLSH(threshold=NEAR_TEXT, num_perm=PERMUTATIONS)
        sketches = {}
        for src in signed:
            values = parse(src.text_minhash or "")
            sketches[src.id] = MinHash(seed=SEED, hashvalues=values, scheme=SCHEME)
            lsh.insert(src.id, sketches[src.id])
        for sid, sketch in sketches.items():
            pairs.update((sid, other) for other in lsh.query(sketch) if other != sid)
    return {(a, b) if order[a] < order[b] else (b, a) for a, b in pairs}


def duplicate_sources(data: DataSet, distinct: set[frozenset[str]]) -> list[Finding]:
    """A finding for each pair of source records that may be one document (module doc)."""
    sources = sorted(data.sources.values(), key=lambda s: (s.file, s.line))
    copies = _Copies(data.sources)
    urls = {s.id: normalise_url(s.url) for s in sources}
    findings = []
    for first_id, second_id in sorted(_candidates(sources, urls)):
        first, second = data.sources[first_id], data.sources[second_id]
        if copies.linked(first.id, second.id) or frozenset((first.id, second.id)) in distinct:
            continue
        reasons = _reasons(first, second, urls)
        if not reasons:
            continue
        findings.append(
            Finding(
                file=second.file,
                line=second.line,
                check="duplicate-source",
                message=(
                    f"source {second.id} may be the same document as {first.id} "
                    f"({first.file}:{first.line}): {'; '.join(reasons)}; if it is a copy, "
                    f"give it same_text_as: [{first.id}]; if the same page, keep one record; "
                    "if different, say so in data/distinct.yaml"
                ),
                ids=(first.id, second.id),
                other=f"{first.file}:{first.line}",
                reasons=tuple(reasons),
            )
        )
    return sorted(findings)
