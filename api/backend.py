"""Choosing the backend from settings: the only place that knows which Store is in use."""

from __future__ import annotations

from api.settings import Settings
from kg.store import Store, StoreUnavailable
from kg.store.layout import StoreLayout
from kg.store.workers import PooledEmbeddedStore


def open_configured_store(settings: Settings) -> Store:
    if settings.store_url:
        from kg.store.remote import RemoteStore

        return RemoteStore(
            settings.store_url,
            update_url=settings.store_update_url,
            graph_store_url=settings.store_graph_store_url,
            user=settings.store_user,
            password=settings.store_password,
            namespace=settings.namespace,
            timeout=settings.query_timeout,
        )
    layout = StoreLayout(settings.store_dir)
    if layout.current_build() is None:
        raise StoreUnavailable(
            f"No built store in {settings.store_dir}: "
            f"run `prkg build --store {settings.store_dir}`."
        )
    # The path goes through the `current` symlink on purpose: workers started after a
    # rebuild open the new build.
    return PooledEmbeddedStore(
        layout.oxigraph_dir(),
        workers=settings.query_workers,
        timeout=settings.query_timeout,
        max_rows=settings.max_rows,
        writable=bool(settings.update_token),
        lock_path=layout.lock_path,
        memory_mb=settings.query_memory_mb or None,
    )
