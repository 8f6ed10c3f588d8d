"""FastAPI dependencies: the one way routers reach the store and the settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request

from api.caching import store_version
from api.settings import Settings
from kg.data.namespaces import Namespaces
from kg.store import Store
from viz.vocabulary import Vocabulary

T = TypeVar("T")


def per_build(request: Request, key: Any, compute: Callable[[], T]) -> T:
    """`compute()` once per store version (build or update), then the kept value.

    For what does not change between builds however often it is asked: the service
    description, VoID, the overview views (issue 17)."""
    state = request.app.state
    return state.per_build.get(store_version(state.store), key, compute)


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_namespaces(request: Request) -> Namespaces:
    return request.app.state.namespaces


def get_vocabulary(request: Request) -> Vocabulary:
    """Class tree and labels of the ontology, read once per store rather than per page.

    Updates never touch the ontology graph, so the copy stays right while the store lives.
    """
    store = request.app.state.store
    cached = getattr(request.app.state, "vocabulary", None)
    if cached is None or cached[0] is not store:
        cached = (store, Vocabulary.load(store))
        request.app.state.vocabulary = cached
    return cached[1]
