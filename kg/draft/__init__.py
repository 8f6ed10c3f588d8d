"""`prkg draft`: the mechanical part of curating a document, left for a person to review.

A curator who adds an article reads it, finds each entity's slug, turns "on Friday" into a
date and writes locators and quotes. This stage does the finding and leaves the judging: it
reads the text (kg/draft/document.py), states the document's date and publisher
(kg/draft/sourcedate.py), finds mentions of known entities with the reconciliation index's
matching (kg/draft/mentions.py), dates (kg/draft/dates.py), amounts (kg/draft/amounts.py) and
candidate claims (kg/draft/claims.py), and writes a review file (kg/draft/review.py) whose
entries reach data/ only through `prkg draft accept` (kg/draft/accept.py).
"""
