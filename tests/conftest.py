"""Shared fixtures: one real build of data/ per test session, opened read-only by tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.settings import Settings
from kg.build import build
from kg.data.namespaces import Namespaces
from kg.store import EmbeddedStore
from kg.store.layout import StoreLayout

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PRKG_TEST_DATA_DIR", ROOT / "data"))  # override: developers only
ONTOLOGY_DIR = ROOT / "ontology"


@pytest.fixture(scope="session")
def built_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store directory built by the real pipeline from the real data/.

    PRKG_TEST_STORE (developers only) reuses a store built earlier, to save the build.
    """
    override = os.environ.get("PRKG_TEST_STORE")
    if override:
        return Path(override)
    store_dir = tmp_path_factory.mktemp("store")
    build(DATA_DIR, store_dir, log=lambda _msg: None)
    return store_dir


@pytest.fixture(scope="session")
def fixture_store(built_store_dir: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(StoreLayout(built_store_dir).oxigraph_dir(), read_only=True)
    yield store
    store.close()


@pytest.fixture(scope="session")
def namespaces() -> Namespaces:
    return Namespaces()


@pytest.fixture
def app_settings(built_store_dir: Path) -> Settings:
    return Settings(store_dir=built_store_dir, data_dir=DATA_DIR)


@pytest.fixture(scope="module")
def client(built_store_dir: Path) -> Iterator[TestClient]:
    """A TestClient on an app over the built store, with the timeout-enforcing worker pool."""
    from service_support import pooled_app

    with pooled_app(built_store_dir) as (app, _store), TestClient(app) as c:
        yield c
