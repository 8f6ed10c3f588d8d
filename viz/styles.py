"""How each kind of thing looks in the network: colour and shape by class, and edge styles.

One table, read by the view model (to fill the legend with the kinds present) and by the
renderer. A class not listed takes the style of its nearest listed ancestor.
"""

from __future__ import annotations

from dataclasses import dataclass

from viz.vocabulary import Vocabulary


@dataclass(frozen=True, slots=True)
class ClassStyle:
    key: str  # prkg class local name the style is for
    color: str
    shape: str  # a vis-network shape whose size can vary (label drawn outside)


# Most specific first: the first entry whose class an entity belongs to wins.
CLASS_STYLES: tuple[ClassStyle, ...] = (
    ClassStyle("State", "#c0392b", "hexagon"),
    ClassStyle("BilateralBody", "#d35400", "dot"),
    ClassStyle("GovernmentBody", "#e67e22", "dot"),
    ClassStyle("StateOwnedEnterprise", "#1f618d", "dot"),
    ClassStyle("Company", "#3498db", "dot"),
    ClassStyle("Person", "#8e44ad", "dot"),
    ClassStyle("Delegation", "#16a085", "dot"),
    ClassStyle("InternationalOrganization", "#7f8c8d", "dot"),
    ClassStyle("Actor", "#95a5a6", "dot"),
    ClassStyle("Agreement", "#27ae60", "square"),
    ClassStyle("PolicyInstrument", "#2ecc71", "square"),
    ClassStyle("Facility", "#34495e", "triangle"),
    ClassStyle("Place", "#d4ac0d", "diamond"),
    ClassStyle("Event", "#e84393", "star"),
    ClassStyle("Project", "#6c5ce7", "hexagon"),
    ClassStyle("Post", "#a0522d", "triangleDown"),
    ClassStyle("Observation", "#5d6d7e", "diamond"),
)
FALLBACK_STYLE = ClassStyle("Thing", "#b2babb", "dot")


@dataclass(frozen=True, slots=True)
class EdgeStyle:
    key: str
    color: str
    dashes: tuple[int, ...] | bool
    label: str
    explanation: str


EDGE_PLAIN = EdgeStyle("plain", "#7f8c8d", False, "sourced", "Stated by at least one source.")
EDGE_CONFLICT = EdgeStyle(
    "conflict",
    "#c0392b",
    (10, 6),
    "conflicting sources",
    "Sources disagree: another source gives an incompatible value for a property that "
    "takes one value (see /disputes).",
)
EDGE_WEAK = EdgeStyle(
    "weak",
    "#e67e22",
    (2, 6),
    "weak sources only",
    "Every claim behind it is rated low confidence, or comes from a low-reliability source.",
)
EDGE_STYLES = (EDGE_PLAIN, EDGE_CONFLICT, EDGE_WEAK)


def style_for(cls: str | None, vocab: Vocabulary) -> ClassStyle:
    if cls is None:
        return FALLBACK_STYLE
    for style in CLASS_STYLES:
        if vocab.is_a(cls, style.key):
            return style
    return FALLBACK_STYLE


def filterable_classes() -> list[str]:
    """Class names offered in the class filter (those with a style of their own)."""
    return [s.key for s in CLASS_STYLES]
