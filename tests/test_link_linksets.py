"""Linksets as data (issue 15): one N-Triples file per target, the same links as the claims."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import yaml
from linking_support import DATA, data_store

from kg.data.namespaces import Namespaces
from kg.link.linksets import TARGETS, write_linkset_dumps

NS = Namespaces()


def claimed_links() -> dict[str, set[tuple[str, str, str]]]:
    """(subject IRI, predicate IRI, object) per target key, read straight from data/claims."""
    expand = {
        "owl:sameAs": "http://www.w3.org/2002/07/owl#sameAs",
        "skos:exactMatch": "http://www.w3.org/2004/02/skos/core#exactMatch",
        "skos:closeMatch": "http://www.w3.org/2004/02/skos/core#closeMatch",
    }
    out: dict[str, set[tuple[str, str, str]]] = {t.key: set() for t in TARGETS}
    for path in (DATA / "claims").glob("links-*.yaml"):
        for claim in yaml.safe_load(path.read_text(encoding="utf-8")).get("claims") or []:
            for target in TARGETS:
                if claim["object"].startswith(target.uri_space):
                    out[target.key].add(
                        (NS.entity(claim["subject"]), expand[claim["predicate"]], claim["object"])
                    )
    return out


def test_one_ntriples_file_per_target_with_the_claimed_links(tmp_path: Path) -> None:
    store = data_store()
    counts = write_linkset_dumps(store.oxigraph, tmp_path, NS)
    assert sorted(counts) == ["links-dbpedia.nt", "links-geonames.nt", "links-wikidata.nt"]
    expected = claimed_links()
    for target in TARGETS:
        path = tmp_path / f"links-{target.key}.nt"
        triples = {
            (t.subject.value, t.predicate.value, t.object.value)
            for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
        }
        assert triples == expected[target.key], target.key
        assert counts[path.name] == len(triples)
    # the real data has links into each of the three targets
    assert all(expected[t.key] for t in TARGETS)
    wikidata = (tmp_path / "links-wikidata.nt").read_text(encoding="utf-8")
    assert "<https://w3id.org/prkg/id/karachi> <http://www.w3.org/2002/07/owl#sameAs>" in wikidata
    assert "https://sws.geonames.org/1168579/" in (tmp_path / "links-geonames.nt").read_text()
