"""Shared helpers of the service tests: the store they run on and apps around it.

The store is the real build of data/ (conftest's `built_store_dir`); PRKG_TEST_STORE may name
an already built store directory instead (useful while data/ is being edited).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from fastapi import FastAPI

from api.app import create_app
from api.settings import Settings
from kg.store.layout import StoreLayout
from kg.store.workers import PooledEmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("PRKG_TEST_DATA_DIR", ROOT / "data"))


def copy_store(store_dir: Path, target: Path) -> Path:
    """A private copy of a store directory (for tests that write)."""
    shutil.copytree(store_dir, target, symlinks=True)
    return target


@contextmanager
def pooled_app(
    store_dir: Path, **overrides: object
) -> Iterator[tuple[FastAPI, PooledEmbeddedStore]]:
    """An app over `store_dir` with the service's pooled store, closed afterwards."""
    values: dict[str, object] = {"store_dir": store_dir, "data_dir": DATA_DIR, **overrides}
    settings = Settings(**values)  # type: ignore[arg-type]
    store = PooledEmbeddedStore(
        StoreLayout(store_dir).oxigraph_dir(),
        workers=settings.query_workers,
        timeout=settings.query_timeout,
        max_rows=settings.max_rows,
        writable=bool(settings.update_token),
    )
    try:
        yield create_app(settings, store=store), store
    finally:
        store.close()


class Recorder:
    """A loopback HTTP server that records every request and answers with `body`."""

    def __init__(self, body: bytes = b"", media_type: str = "text/plain") -> None:
        self.hits: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                recorder.hits.append(self.path)
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)
                self.send_response(200)
                self.send_header("Content-Type", media_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Recorder:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
