"""Issue 8.4: property-based fuzzing of the HTTP API (schemathesis) and of the data loader.

* schemathesis generates requests for every operation of our OpenAPI schema (/openapi.json)
  and sends them to the app in-process (ASGI) over the real pooled store: no response may be
  a 5xx, and every response must match the schema (declared status code, content type, and
  body schema where one is declared). Example counts are kept small so the run stays short.
* Hypothesis feeds the loader arbitrary text and arbitrary YAML documents in the shape of our
  data files: each either reads and assembles, or fails with DataError(s) that name the file
  and a line ≥ 1 — never an unhandled exception.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_support import ROOT
from schemathesis import checks
from service_support import pooled_app

from kg.data.assemble import assemble
from kg.data.loader import read_data
from kg.data.namespaces import Namespaces
from kg.data.ontology import OntologyInfo
from kg.data.records import DataError, DataValidationError

ONTOLOGY_DIR = ROOT / "ontology"


# --- the HTTP API -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api_schema(built_store_dir: Path) -> Iterator[object]:
    with pooled_app(built_store_dir, query_timeout=5.0) as (app, _store):
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


EXAMPLES = 15
SCHEMA_CHECKS = [checks.status_code_conformance, checks.content_type_conformance,
                 checks.response_schema_conformance]  # fmt: skip


def fuzz_operations(api_schema: object, check_list: list) -> tuple[list[str], dict[str, str]]:
    """Run EXAMPLES generated requests against every operation; failures by operation."""
    failures: dict[str, str] = {}
    labels: list[str] = []
    for result in api_schema.get_all_operations():  # type: ignore[attr-defined]
        operation = result.ok()
        labels.append(operation.label)

        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=operation.as_strategy())
        def run(case) -> None:
            case.call_and_validate(checks=check_list)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:
            failures[operation.label] = str(exc)[:1500]
    return labels, failures


def test_no_api_operation_answers_5xx(api_schema) -> None:
    labels, failures = fuzz_operations(api_schema, [checks.not_a_server_error])
    print(f"\n[reliability] schemathesis: {len(labels)} operations x {EXAMPLES} examples, "
          f"5xx found: {len(failures)}")  # fmt: skip
    assert len(labels) >= 10
    assert failures == {}, "\n\n".join(f"{k}: {v}" for k, v in failures.items())


def test_api_responses_match_the_openapi_schema(api_schema) -> None:
    _labels, failures = fuzz_operations(api_schema, SCHEMA_CHECKS)
    assert failures == {}, "\n\n".join(f"{k}: {v}" for k, v in failures.items())


# --- the data loader ------------------------------------------------------------------------

ONTOLOGY = OntologyInfo.load(ONTOLOGY_DIR)
NAMESPACES = Namespaces()
FILES = ["sources.yaml", "entities/e.yaml", "claims/c.yaml"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 3000), st.floats(allow_nan=True),
    st.text(max_size=12), st.sampled_from(["pakistan", "russia", "deal", "T1", "party", "date",
                                           "2025-07-12", "2025-13-40", "State", "Protocol",
                                           "high", "newspaper", "https://example.org/x", ""]),
)  # fmt: skip
keys = st.sampled_from(["id", "url", "title", "publisher", "date", "date_stated", "kind",
                        "reliability", "slug", "class", "label", "alt_labels", "sources",
                        "description", "subject", "predicate", "object", "source", "locator",
                        "note", "quote", "confidence", "as_of", "role", "en", "ru", "amount",
                        "unit", "currency", "min", "max", "unknown"])  # fmt: skip
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=6)),
    max_leaves=25,
)
records = st.dictionaries(keys, values, max_size=8)
documents = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "sources": st.lists(records, max_size=3),
            "entities": st.lists(records, max_size=3),
            "claims": st.lists(records, max_size=4),
            "source": scalars,
            "recorded": scalars,
        },
    ),
    values,
)
yaml_text = st.text(
    alphabet=st.sampled_from([*list(string.printable), "é", "—", "\x00", "\ufeff"]), max_size=200
)


def good_files() -> dict[str, str]:
    return {
        "sources.yaml": "sources:\n- {id: T1, url: 'https://example.org/t1', title: T, "
        "publisher: P, date: 2025-07-12, kind: newspaper, reliability: high}\n"
        "- {id: PRKG, url: 'https://w3id.org/prkg/', title: curation, publisher: prkg, "
        "date: null, date_stated: not stated, kind: curation, reliability: medium}\n",
        "entities/e.yaml": "entities:\n- {slug: pakistan, class: State, label: {en: Pakistan}, "
        "sources: [T1]}\n- {slug: russia, class: State, label: {en: Russia}, sources: [T1]}\n"
        "- {slug: deal, class: Protocol, label: {en: Deal}, sources: [T1]}\n",
        "claims/c.yaml": "source: T1\nclaims:\n- {subject: deal, predicate: party, object: "
        "pakistan, locator: p1, note: n}\n",
    }


def check_loader(root: Path, files: dict[str, str]) -> None:
    data = root / "data"
    for name, text in files.items():
        path = data / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    dataset, errors = read_data(data)
    if not errors:
        assembly = assemble(dataset, ONTOLOGY, NAMESPACES)
        errors = assembly.errors
    for error in errors:
        assert isinstance(error, DataError)
        assert error.line >= 1, str(error)
        assert error.file.endswith(".yaml") and error.file.startswith("data"), str(error)
        assert error.message.strip()
    str(DataValidationError(errors)) if errors else None


def test_good_files_are_good(tmp_path: Path) -> None:
    """The fuzzing starts from files that build, so every failure is the mutation's."""
    check_loader(tmp_path, good_files())
    dataset, errors = read_data(tmp_path / "data")
    assert errors == [] and assemble(dataset, ONTOLOGY, NAMESPACES).errors == []


FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(which=st.sampled_from(FILES), text=yaml_text)
def test_loader_any_text_builds_or_fails_located(tmp_path_factory, which: str, text: str) -> None:
    files = good_files()
    files[which] = text
    check_loader(tmp_path_factory.mktemp("fz"), files)


@FUZZ
@given(which=st.sampled_from(FILES), doc=documents)
def test_loader_any_yaml_document_builds_or_fails_located(tmp_path_factory, which: str,
                                                          doc: object) -> None:  # fmt: skip
    files = good_files()
    files[which] = yaml.safe_dump(doc, allow_unicode=True)
    check_loader(tmp_path_factory.mktemp("fz"), files)


@FUZZ
@given(which=st.sampled_from(FILES), cut=st.integers(0, 400), junk=yaml_text)
def test_loader_damaged_good_file_fails_located(tmp_path_factory, which: str, cut: int,
                                                junk: str) -> None:  # fmt: skip
    files = good_files()
    files[which] = files[which][:cut] + junk + files[which][cut:]
    check_loader(tmp_path_factory.mktemp("fz"), files)
