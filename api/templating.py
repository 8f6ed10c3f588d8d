"""The Jinja2 environment of the service's HTML pages (autoescape on, one place).

Labels, notes and quotes come from curated data but are still untrusted text for HTML:
autoescaping is always on, and data handed to scripts goes through `tojson`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"

templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
)
