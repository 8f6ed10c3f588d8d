"""Loading the competency questions, so every backend's test asks exactly the same ones."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

QUESTIONS_FILE = Path(__file__).resolve().parent / "competency" / "questions.yaml"


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    sparql: str
    expect: frozenset[tuple[str, ...]]


def load_questions() -> list[Question]:
    doc = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
    prefixes = doc["prefixes"]
    return [
        Question(
            q["id"],
            q["question"],
            prefixes + q["sparql"],
            frozenset(tuple(normal(str(v)) for v in row) for row in q["expect"]),
        )
        for q in doc["questions"]
    ]


def normal(value: str) -> str:
    """Compare numbers by value (1.10 = 1.1) and everything else as text."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    return format(number.normalize(), "f")


def answer_rows(rows: list[dict], variables: list[str]) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(normal(str(row.get(v, ""))) for v in variables) for row in rows)
