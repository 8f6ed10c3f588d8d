"""A data changelog, as Markdown for people and as RDF (Turtle) for queries.

The RDF uses the Talis changeset vocabulary for claims (each claim is an rdf:Statement, so
`cs:addition` / `cs:removal` name them directly) and a small vocabulary of prkg's own for
the rest (`https://w3id.org/prkg/changes#`, documented in the README): entities and sources
added or removed, claims changed, facts whose support changed, new and resolved disputes.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.release.changes import Changes, Snapshot

CS = "http://purl.org/vocab/changeset/schema#"
CHG = "https://w3id.org/prkg/changes#"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

_TITLES = {
    "sources_added": "Sources added",
    "sources_removed": "Sources removed",
    "entities_added": "Entities added",
    "entities_removed": "Entities removed",
    "claims_added": "Claims added",
    "claims_removed": "Claims removed",
    "claims_changed": "Claims changed (same content, other qualifiers)",
}


def _name(iri: str, labels: dict[str, str]) -> str:
    label = labels.get(iri)
    short = iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return f"{label} (`{short}`)" if label else f"`{short}`"


def markdown(changes: Changes, old_name: str, new_name: str, new: Snapshot) -> str:
    """The changelog for people: counts, then every item, in a stable order."""
    labels = new.labels
    lines = [f"# Changes from {old_name} to {new_name}", ""]
    lines += [f"- {k.replace('_', ' ')}: {n}" for k, n in changes.counts().items()]
    for key, title in _TITLES.items():
        items = getattr(changes, key)
        if items:
            lines += ["", f"## {title}", ""]
            lines += [f"- {x}" if key.startswith("sources") else f"- {_name(x, labels)}"
                      for x in items]  # fmt: skip
    if changes.support_changed:
        lines += ["", "## Facts whose support changed", ""]
        for s, p, o, before, after in changes.support_changed:
            obj = _name(o.strip("<>"), labels) if o.startswith("<") else o
            lines.append(
                f"- {_name(s, labels)} {_name(p, labels)} {obj}: sources "
                f"{', '.join(before) or '–'} → {', '.join(after) or '–'}"
            )
    for key, title in (
        ("new_disputes", "New disputes"),
        ("disputes_resolved", "Disputes resolved"),
    ):
        items = getattr(changes, key)
        if items:
            lines += ["", f"## {title}", ""]
            lines += [f"- {_name(s, labels)} {_name(p, labels)}: {' | '.join(v)}"
                      for s, p, v in items]  # fmt: skip
    return "\n".join(lines) + "\n"


def _object(text: str) -> ox.NamedNode | ox.Literal:
    """A term back from its N-Triples text (as `str()` of a pyoxigraph term gives it)."""
    if text.startswith("<"):
        return ox.NamedNode(text[1:-1])
    parsed = next(iter(ox.parse(f"<x:s> <x:p> {text} .", format=ox.RdfFormat.N_TRIPLES)))
    return parsed.object  # type: ignore[return-value]


def turtle(changes: Changes, iri: str, old_iri: str | None, new_iri: str, date: str) -> str:
    """The changelog for queries: one cs:ChangeSet with every changed item."""
    node = ox.NamedNode(iri)
    n = ox.NamedNode
    t: list[tuple] = [
        (node, n(RDF + "type"), n(CS + "ChangeSet")),
        (
            node,
            n(CS + "createdDate"),
            ox.Literal(date, datatype=n("http://www.w3.org/2001/XMLSchema#date")),
        ),
        (node, n(CS + "changeReason"), ox.Literal("data release", language="en")),
        (node, n(PROV + "generated"), n(new_iri)),
    ]
    if old_iri:
        t.append((node, n(PROV + "used"), n(old_iri)))
    simple = {
        "claims_added": CS + "addition",
        "claims_removed": CS + "removal",
        "claims_changed": CHG + "claimChanged",
        "entities_added": CHG + "entityAdded",
        "entities_removed": CHG + "entityRemoved",
    }
    for key, prop in simple.items():
        t += [(node, n(prop), n(x)) for x in getattr(changes, key)]
    for key, prop in (("sources_added", "sourceAdded"), ("sources_removed", "sourceRemoved")):
        t += [(node, n(CHG + prop), ox.Literal(x)) for x in getattr(changes, key)]
    for i, (s, p, o, before, after) in enumerate(changes.support_changed, 1):
        item = n(f"{iri}#support-{i}")
        t += [
            (node, n(CHG + "supportChanged"), item),
            (item, n(RDF + "subject"), n(s)),
            (item, n(RDF + "predicate"), n(p)),
            (item, n(RDF + "object"), _object(o)),
        ]
        t += [(item, n(CHG + "sourceBefore"), ox.Literal(x)) for x in before]
        t += [(item, n(CHG + "sourceAfter"), ox.Literal(x)) for x in after]
    for key, prop in (("new_disputes", "newDispute"), ("disputes_resolved", "disputeResolved")):
        for i, (s, p, values) in enumerate(getattr(changes, key), 1):
            item = n(f"{iri}#{prop}-{i}")
            t += [
                (node, n(CHG + prop), item),
                (item, n(RDF + "subject"), n(s)),
                (item, n(RDF + "predicate"), n(p)),
            ]
            t += [(item, n(CHG + "value"), ox.Literal(v)) for v in values]
    triples = sorted({ox.Triple(*x) for x in t}, key=str)
    body = ox.serialize(
        triples, format=ox.RdfFormat.TURTLE, prefixes={"cs": CS, "chg": CHG, "prov": PROV}
    )
    return body.decode("utf-8") if body else ""
