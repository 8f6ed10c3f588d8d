"""`labels:` entries add a document's spellings to an entity defined in another file."""

from pathlib import Path

from kg.data.loader import read_data

SOURCES = """sources:
- {id: S01, url: "https://example.org/a", title: A, publisher: P, date: 2025-01-01,
   date_stated: "2025-01-01", kind: newspaper, reliability: high}
- {id: S02, url: "https://example.org/b", title: B, publisher: P, date: 2025-01-02,
   date_stated: "2025-01-02", kind: newspaper, reliability: high}
entities:
- {slug: guddu, class: PowerPlant, label: {en: Guddu}, sources: [S01]}
"""


def write(tmp: Path, labels: str) -> Path:
    data = tmp / "data"
    data.mkdir()
    (data / "a.yaml").write_text(SOURCES, encoding="utf-8")
    # The labels file sorts before the entity's file: order must not matter.
    (data / "0-labels.yaml").write_text(labels, encoding="utf-8")
    return data


def test_labels_merge_into_the_entity(tmp_path: Path) -> None:
    entry = '- {slug: guddu, label: {ur: "گڈو", en: Gudu}, sources: [S02]}'
    data = write(tmp_path, f"labels:\n{entry}\n")
    dataset, errors = read_data(data)
    assert errors == []
    guddu = dataset.entities["guddu"]
    assert guddu.labels == {"en": "Guddu", "ur": "گڈو"}
    assert guddu.alt_labels == {"en": ["Gudu"]}
    assert guddu.sources == ["S01", "S02"]


def test_labels_for_an_unknown_entity_are_an_error_with_file_and_line(tmp_path: Path) -> None:
    data = write(tmp_path, "labels:\n- {slug: gudu, label: {ru: Гудду}}\n")
    _, errors = read_data(data)
    assert [(e.file, e.line) for e in errors] == [("data/0-labels.yaml", 2)]
    assert "unknown entity 'gudu'" in errors[0].message
