"""A writing server and a rebuild: updates are carried over and later ones reach the new build."""

from __future__ import annotations

from pathlib import Path

from test_build import write_data

from kg.build import build
from kg.data.namespaces import Namespaces
from kg.store import EmbeddedStore
from kg.store.layout import StoreLayout
from kg.store.workers import PooledEmbeddedStore

UPDATES = Namespaces().updates_graph


def ask_update(store: object, value: str) -> bool:
    return store.ask(f'ASK {{ GRAPH <{UPDATES}> {{ <urn:x> <urn:y> "{value}" }} }}')  # type: ignore[attr-defined]


def test_pool_follows_a_rebuild_without_losing_updates(tmp_path: Path) -> None:
    data = write_data(tmp_path)
    store_dir = tmp_path / "st"
    build(data, store_dir, log=lambda _m: None)
    layout = StoreLayout(store_dir)
    pool = PooledEmbeddedStore(
        layout.oxigraph_dir(), workers=1, writable=True, lock_path=layout.lock_path
    )
    try:
        pool.update(f'INSERT DATA {{ GRAPH <{UPDATES}> {{ <urn:x> <urn:y> "one" }} }}')
        first = layout.current_build()
        build(data, store_dir, log=lambda _m: None)  # while the pool holds the store open
        assert layout.current_build() != first
        pool.update(f'INSERT DATA {{ GRAPH <{UPDATES}> {{ <urn:x> <urn:y> "two" }} }}')
        assert ask_update(pool, "one") and ask_update(pool, "two")
    finally:
        pool.close()
    served = EmbeddedStore(layout.oxigraph_dir(), read_only=True)
    assert ask_update(served, "one"), "the update made before the rebuild was not carried over"
    assert ask_update(served, "two"), "the update made after the rebuild went to the old build"
