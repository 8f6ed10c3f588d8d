"""The review files of `prkg link suggest` / `prkg link accept`.

`write_review` puts the candidates in a YAML file with `accept: false` on each; only
`accept_review`, run after a person has flipped some to `accept: true` and said where the
extract came from, adds claims to `data/claims/links-accepted.yaml`, with the extract as
their source.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.data.namespaces import Namespaces
from kg.link.extract import QID_RE, WD_ENTITY, LinkingError, extract_format, read_extract
from kg.link.linking import LinkCandidate, suggest_links
from kg.store import Store


@dataclass
class AcceptResult:
    added: int
    already_present: int
    source_id: str
    path: Path


REVIEW_HEADER = """\
# Candidate Wikidata links for prkg entities, for review. Nothing here is in the graph yet.
# For each candidate you have checked (open https://www.wikidata.org/wiki/<qid>), set
# `accept: true`; you may change `predicate` (owl:sameAs or skos:exactMatch) and
# `confidence` (high|medium|low). Fill in `extract.url` (where the extract was downloaded
# from) and `extract.retrieved` (the date), then run `prkg link accept <this file>`.
"""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_review(candidates: list[LinkCandidate], out: Path, *, extract_path: Path) -> Path:
    """Write the review YAML: the extract's identity and one entry per candidate."""
    doc = {
        "extract": {
            "file": str(extract_path),
            "sha256": _sha256(extract_path),
            "format": extract_format(extract_path),
            "url": None,
            "retrieved": None,
        },
        "generated": datetime.date.today().isoformat(),
        "candidates": [
            {
                "entity": c.entity,
                "entity_label": c.entity_label,
                "entity_class": c.entity_class,
                "qid": c.qid,
                "iri": WD_ENTITY + c.qid,
                "wikidata_label": c.wikidata_label,
                "description": c.description,
                "score": c.score,
                "label_score": c.label_score,
                "matched_label": c.matched_label,
                "class": c.class_check,
                "country": c.country_check,
                "predicate": c.predicate,
                "confidence": c.confidence,
                "accept": False,
            }
            for c in candidates
        ],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)
    out.write_text(REVIEW_HEADER + body, encoding="utf-8")
    return out


def suggest_to_review(
    store: Store,
    extract_path: Path,
    out: Path,
    namespaces: Namespaces | None = None,
    *,
    class_map: dict[str, str] | None = None,
    min_label_score: float = 0.85,
) -> list[LinkCandidate]:
    """`prkg link suggest`: read the extract, propose candidates, write the review file."""
    items = read_extract(extract_path)
    candidates = suggest_links(
        store, items, namespaces, class_map=class_map, min_label_score=min_label_score
    )
    write_review(candidates, out, extract_path=extract_path)
    return candidates


GEONAMES = "https://sws.geonames.org/"

ACCEPTED_HEADER = """\
# External identifiers accepted by review (`prkg link suggest` then `prkg link accept`).
# Each claim's source is the Wikidata extract the candidates came from.
"""


def accept_review(
    review: Path,
    data_dir: Path,
    *,
    today: datetime.date | None = None,
    target: str = "claims/links-accepted.yaml",
) -> AcceptResult:
    """`prkg link accept`: add the accepted candidates to data/ as claims, with the extract
    as their source. Raises LinkingError, saying what to fill in, if the review is incomplete.
    """
    doc, lines = _read_review(review)
    extract = doc.get("extract") or {}
    url = str(extract.get("url") or "")
    if not re.match(r"^https?://\S+$", url):
        raise LinkingError(
            f"{review}:{lines.get('extract', 1)}: fill in extract.url with the http(s) address "
            "the extract was downloaded from; it becomes the source of the accepted links"
        )
    retrieved = extract.get("retrieved")
    retrieved = str(retrieved) if retrieved else None
    if retrieved and not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", retrieved):
        raise LinkingError(
            f"{review}:{lines.get('extract', 1)}: extract.retrieved must be YYYY-MM-DD, "
            f"not {retrieved!r}"
        )
    sha = str(extract.get("sha256") or "")
    if not re.match(r"^[0-9a-f]{64}$", sha):
        raise LinkingError(
            f"{review}:{lines.get('extract', 1)}: extract.sha256 is missing or malformed"
        )
    known = _known_slugs(data_dir)
    accepted = []
    for number, cand in enumerate(doc["candidates"], 1):
        if not isinstance(cand, dict) or cand.get("accept") is not True:
            continue
        where = f"{review}:{lines.get(number, 1)}: candidate {number}"
        qid, slug = str(cand.get("qid", "")), str(cand.get("entity", ""))
        predicate = cand.get("predicate", "owl:sameAs")
        confidence = cand.get("confidence", "medium")
        geonames = cand.get("geonames")
        if not QID_RE.match(qid):
            raise LinkingError(f"{where}: {qid!r} is not a Wikidata QID (Q and digits, as Q843)")
        if slug not in known:
            raise LinkingError(f"{where}: unknown entity {slug!r} (no such slug in {data_dir})")
        if geonames is not None and not re.match(r"^[1-9]\d*$", str(geonames)):
            raise LinkingError(f"{where}: GeoNames id {geonames!r} is not a number")
        if predicate not in ("owl:sameAs", "skos:exactMatch", "skos:closeMatch"):
            raise LinkingError(f"{where}: unknown predicate {predicate!r}")
        if confidence not in ("high", "medium", "low"):
            raise LinkingError(f"{where}: confidence must be high|medium|low")
        accepted.append((number, cand, qid, slug, predicate, confidence))

    source_id = f"WD-extract-{sha[:12]}"
    path = data_dir / target
    existing: dict[str, Any] = {}
    if path.exists():
        existing = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sources = list(existing.get("sources") or [])
    claims = list(existing.get("claims") or [])
    if accepted and not any(s.get("id") == source_id for s in sources):
        sources.append(
            {
                "id": source_id,
                "url": url,
                "title": f"Wikidata extract {Path(str(extract.get('file', ''))).name}",
                "publisher": "Wikidata (extract downloaded by a prkg editor)",
                "date": retrieved,
                "date_stated": f"retrieved {retrieved}"
                if retrieved
                else f"not stated; extract file sha256 {sha}",
                "kind": "dataset",
                "reliability": "medium",
                "note": f"The extract file had sha256 {sha}. Links from it were reviewed "
                "by a person before they were added.",
            }
        )
    present = {(c.get("subject"), c.get("predicate"), c.get("object")) for c in claims}
    added = skipped = 0
    recorded = (today or datetime.date.today()).isoformat()
    for _number, cand, qid, slug, predicate, confidence in accepted:
        key = (slug, predicate, WD_ENTITY + qid)
        if key in present:
            skipped += 1
            continue
        present.add(key)
        claims.append(
            {
                "subject": slug,
                "predicate": predicate,
                "object": WD_ENTITY + qid,
                "source": source_id,
                "locator": f"item {qid}",
                "confidence": confidence,
                "recorded": recorded,
                "note": (
                    f"Reviewed candidate (score {cand.get('score')}): label "
                    f"{cand.get('matched_label')}; class {cand.get('class')}; "
                    f"country {cand.get('country')}."
                ),
            }
        )
        added += 1
        geonames = cand.get("geonames")
        if geonames is not None:  # a GeoNames id the reviewer read in the same extract
            key = (slug, predicate, f"{GEONAMES}{geonames}/")
            if key not in present:
                present.add(key)
                claims.append({**claims[-1], "object": key[2], "locator": f"item {qid}, P1566"})
                added += 1
    if added:
        path.parent.mkdir(parents=True, exist_ok=True)
        body = yaml.safe_dump(
            {"sources": sources, "claims": claims}, allow_unicode=True, sort_keys=False, width=100
        )
        path.write_text(ACCEPTED_HEADER + body, encoding="utf-8")
    return AcceptResult(added=added, already_present=skipped, source_id=source_id, path=path)


def _read_review(review: Path) -> tuple[dict[str, Any], dict[Any, int]]:
    """The review document and the 1-based line of `extract` and of each candidate (by
    number), so every message can name the line to fix. A broken line is a one-line error."""
    try:
        text = review.read_text(encoding="utf-8")
    except OSError as exc:
        raise LinkingError(f"{review}: cannot read the review file: {exc.strerror}") from exc
    try:
        node = yaml.compose(text)
        doc = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = (exc.problem or exc.context or "not YAML").strip()
        raise LinkingError(f"{review}:{line}: not valid YAML: {problem}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("candidates"), list):
        raise LinkingError(f"{review}:1: not a review file (no 'candidates' list)")
    lines: dict[Any, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "extract":
                lines["extract"] = key.start_mark.line + 1
            if key.value == "candidates" and isinstance(value, yaml.SequenceNode):
                for number, item in enumerate(value.value, 1):
                    lines[number] = item.start_mark.line + 1
    return doc, lines


def _known_slugs(data_dir: Path) -> set[str]:
    """The entity slugs of data/, read by the project's loader (so labels-only files count)."""
    from kg.data.loader import read_data

    data, _errors = read_data(data_dir)
    return set(data.entities)
