"""Service settings: one dataclass, filled from arguments or PRKG_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kg.data.namespaces import DEFAULT_NAMESPACE

DEFAULT_SERVICE_ALLOWLIST = (
    "https://query.wikidata.org/sparql",
    "https://query.wikidata.org/bigdata/namespace/wdq/sparql",
    "https://dbpedia.org/sparql",
)


def _env_list(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return tuple(item.strip() for item in raw.split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to know; tests build one per app."""

    store_dir: Path = Path("store")
    store_url: str | None = None  # a SPARQL 1.1 server instead of the embedded store
    store_update_url: str | None = None
    store_graph_store_url: str | None = None  # Graph Store Protocol endpoint, when separate
    store_user: str | None = None
    store_password: str | None = None
    namespace: str = DEFAULT_NAMESPACE
    data_dir: Path = Path("data")
    dist_dir: Path = Path("dist")  # where `prkg release` writes releases/ (served at /releases/)
    query_timeout: float = 30.0
    max_rows: int = 10_000
    max_body_bytes: int = 1_000_000
    query_workers: int = 4
    update_token: str | None = None
    service_allowlist: tuple[str, ...] = DEFAULT_SERVICE_ALLOWLIST
    max_graph_nodes: int = 300
    public_base_url: str | None = None  # how the service is reached, when behind a proxy
    # Fair shares of the endpoint (api/limits.py), caching (api/caching.py), CORS and the
    # memory limit of a query worker (issue 17).
    client_max_concurrent: int = 2
    client_query_seconds: float = 60.0
    client_window_seconds: float = 60.0
    trusted_proxies: tuple[str, ...] = ()
    result_cache_seconds: float = 60.0
    cors_origins: tuple[str, ...] = ("*",)
    cors_update_origins: tuple[str, ...] = ()
    query_memory_mb: int = 1024
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {
            "store_dir": Path(env.get("PRKG_STORE", "store")),
            "store_url": env.get("PRKG_STORE_URL") or None,
            "store_update_url": env.get("PRKG_STORE_UPDATE_URL") or None,
            "store_graph_store_url": env.get("PRKG_STORE_GSP_URL") or None,
            "store_user": env.get("PRKG_STORE_USER") or None,
            "store_password": env.get("PRKG_STORE_PASSWORD") or None,
            "namespace": env.get("PRKG_NAMESPACE", DEFAULT_NAMESPACE),
            "data_dir": Path(env.get("PRKG_DATA", "data")),
            "dist_dir": Path(env.get("PRKG_DIST", "dist")),
            "query_timeout": float(env.get("PRKG_QUERY_TIMEOUT", "30")),
            "max_rows": int(env.get("PRKG_MAX_ROWS", "10000")),
            "max_body_bytes": int(env.get("PRKG_MAX_BODY_BYTES", "1000000")),
            "query_workers": int(env.get("PRKG_QUERY_WORKERS", "4")),
            "update_token": env.get("PRKG_UPDATE_TOKEN") or None,
            "service_allowlist": _env_list("PRKG_SERVICE_ALLOWLIST", DEFAULT_SERVICE_ALLOWLIST),
            "max_graph_nodes": int(env.get("PRKG_MAX_GRAPH_NODES", "300")),
            "public_base_url": env.get("PRKG_PUBLIC_BASE_URL") or None,
            "client_max_concurrent": int(env.get("PRKG_CLIENT_MAX_CONCURRENT", "2")),
            "client_query_seconds": float(env.get("PRKG_CLIENT_QUERY_SECONDS", "60")),
            "client_window_seconds": float(env.get("PRKG_CLIENT_WINDOW_SECONDS", "60")),
            "trusted_proxies": _env_list("PRKG_TRUSTED_PROXIES", ()),
            "result_cache_seconds": float(env.get("PRKG_RESULT_CACHE_SECONDS", "60")),
            "cors_origins": _env_list("PRKG_CORS_ORIGINS", ("*",)),
            "cors_update_origins": _env_list("PRKG_CORS_UPDATE_ORIGINS", ()),
            "query_memory_mb": int(env.get("PRKG_QUERY_MEMORY_MB", "1024")),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]
