"""FastAPI dependencies: the one way routers reach the store and the settings."""

from __future__ import annotations

from fastapi import Request

from api.settings import Settings
from kg.namespaces import Namespaces
from kg.store import Store


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_namespaces(request: Request) -> Namespaces:
    return request.app.state.namespaces
