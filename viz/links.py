"""Where a rendered page points (`Links`), shared by the view models and the renderer.

Its own module so that the timeline model (which writes links into its JSON) and the renderer
(which imports the timeline model) do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Links:
    """Where a rendered page points: the service's paths, or absolute IRIs in an export."""

    served: bool = True  # False: a standalone file (no re-centring, assets in-line)
    entity_base: str = "/id/"  # entity pages: /id/{slug} or the {ns}id/ IRIs
    source_base: str = "/source/"

    def entity(self, slug: str) -> str:
        return self.entity_base + quote(slug)

    def source(self, source_id: str) -> str:
        return self.source_base + quote(source_id)

    def graph(self, slug: str, query: str = "") -> str | None:
        return f"/graph/{quote(slug)}{query}" if self.served else None
