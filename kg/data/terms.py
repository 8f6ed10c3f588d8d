"""The codes curators write in data/ and the ontology terms they stand for.

Kept apart from the assembler so that the loader, the reports and the migrations can read
the same tables without the assembler.
"""

from __future__ import annotations

import re

from kg.data.namespaces import PRKG

SOURCE_KIND_TERMS = {
    "official": PRKG.Official,
    "news-agency": PRKG.NewsAgency,
    "newspaper": PRKG.Newspaper,
    "opinion": PRKG.Opinion,
    "encyclopedia": PRKG.Encyclopedia,
    "encyclopedia-mirror": PRKG.EncyclopediaMirror,
    "aggregator": PRKG.Aggregator,
    "blog": PRKG.Blog,
    "trade-press": PRKG.TradePress,
    "curation": PRKG.Curation,
    "dataset": PRKG.Dataset,
}
# Two schemes with distinct members (ontology 0.3.0): a source's reliability and a claim's
# confidence are different judgements, though curators write the same three words for both.
RELIABILITY_TERMS = {
    "high": PRKG.HighReliability,
    "medium": PRKG.MediumReliability,
    "low": PRKG.LowReliability,
}
# The status scheme (ontology 0.3.0): the code curators write → the scheme's member.
STATUS_TERMS = {
    "proposed": PRKG.Proposed,
    "announced": PRKG.Announced,
    "agreed": PRKG.Agreed,
    "signed": PRKG.Signed,
    "under-construction": PRKG.UnderConstruction,
    "operational": PRKG.Operational,
    "suspended": PRKG.Suspended,
    "closed": PRKG.Closed,
    "cancelled": PRKG.Cancelled,
    "not-known-to-have-happened": PRKG.NotKnownToHaveHappened,
}
# The event role scheme (ontology 0.3.0): what curators write in acting_as → the member.
ROLE_TERMS = {
    "signatory": PRKG.SignatoryRole,
    "witness": PRKG.WitnessRole,
    "head-of-delegation": PRKG.HeadOfDelegationRole,
    "speaker": PRKG.SpeakerRole,
    "attendee": PRKG.AttendeeRole,
}
# role_label words that name one of those roles: the 0.2.0 pattern v3.py migrates.
OLD_ROLE_WORDS = re.compile(
    r"^(signatory|witness|head of the \w+ delegation|speaker|present at the ceremony)\b", re.I
)
LEVEL_TERMS = {
    "high": PRKG.HighConfidence,
    "medium": PRKG.MediumConfidence,
    "low": PRKG.LowConfidence,
}
# The trade flow scheme (ontology 0.4.0): what curators write in a tradeFlow claim.
TRADE_FLOW_TERMS = {
    "exports": PRKG.Exports,
    "imports": PRKG.Imports,
    "total": PRKG.TotalTrade,
}
