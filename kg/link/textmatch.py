"""Moved to kg/data/textmatch.py, so that the curation checks (kg/check) use the same matcher.

The reconciliation index and `prkg check` must agree on when two names are one, and kg/check
may not import kg/link (tests/test_layout.py); name matching now sits in the data stage that
both import. This module keeps `from kg.link.textmatch import ...` working for the
reconciliation and search modules (and for branches written before the move).
"""

from kg.data.textmatch import normalise, prefix_match, romanise, similarity, skeleton, word_score

__all__ = ["normalise", "prefix_match", "romanise", "similarity", "skeleton", "word_score"]
