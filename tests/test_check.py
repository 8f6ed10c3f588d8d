"""`prkg check`: possible duplicate entities and documents, long quotes, `distinct:` entries.

Each test writes its own small data folder and runs the real command (api.cli.main), so the
loader, rapidfuzz, ICU transliteration and datasketch all take part.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from kg.check.quotes import word_count
from kg.check.source_dups import normalise_url
from kg.data.textsig import signature

STORY = (
    "Islamabad and Moscow signed a protocol on Friday to restore and modernise the steel "
    "mills in Karachi, officials said after the ceremony. The agreement follows months of "
    "talks between the two governments and names a Russian engineering company as the "
    "contractor for the first phase of the work."
)


def source(
    sid: str,
    url: str,
    title: str = "",
    date: str = "2025-07-11",
    kind: str = "newspaper",
    **extra: str,
) -> str:
    lines = [
        f"- id: {sid}",
        f"  url: {url}",
        f"  title: {json.dumps(title or 'Title of ' + sid)}",
        "  publisher: Test Paper",
        f"  date: {date}",
        f"  kind: {kind}",
        "  reliability: high",
    ]
    lines += [f"  {key}: {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def entity(slug: str, cls: str, label: str, **extra: str) -> str:
    lines = [f"- slug: {slug}", f"  class: {cls}", f"  label: {label}", "  sources: [S1]"]
    lines += [f"  {key}: {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def write(root: Path, files: dict[str, str]) -> Path:
    data = root / "data"
    for name, text in files.items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text(text, encoding="utf-8")
    return data


def run(data: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    code = main(["check", "--data", str(data), *extra])
    out, err = capsys.readouterr()
    return code, out, err


BASE_SOURCES = "sources:\n" + source("S1", "https://example.org/news/1")


def test_clean_data_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write(
        tmp_path,
        {
            "sources.yaml": BASE_SOURCES + source("S2", "https://example.org/news/2"),
            "entities/a.yaml": "entities:\n"
            + entity("alexei-overchuk", "Person", "{en: Alexei Overchuk}")
            + entity("nawaz-sharif", "Person", "{en: Nawaz Sharif}")
            + entity("shehbaz-sharif", "Person", "{en: Shehbaz Sharif}")
            # Same label, other class: not a duplicate.
            + entity("karachi", "City", "{en: Karachi}")
            + entity("karachi-port", "Place", "{en: Karachi}"),
        },
    )
    code, out, err = run(data, capsys)
    assert code == 0, out
    assert out == ""
    assert "no findings" in err


def test_cyrillic_and_latin_spellings_of_one_person_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write(
        tmp_path,
        {
            "sources.yaml": BASE_SOURCES,
            "entities/en.yaml": "entities:\n"
            + entity("sergei-lavrov", "Person", "{en: Sergei Lavrov}"),
            "entities/ru.yaml": "entities:\n"
            + entity("lavrov-s", "Person", "{en: S. Lavrov, ru: Сергей Лавров}"),
        },
    )
    code, out, _err = run(data, capsys)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("data/entities/ru.yaml:2: entity 'lavrov-s' may be a duplicate")
    assert "of 'sergei-lavrov' (data/entities/en.yaml:2), both Person" in lines[0]
    assert "'Sergei Lavrov' (en) and 'Сергей Лавров' (ru) match across scripts" in lines[0]


def test_urdu_alt_label_and_fuzzy_spelling_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write(
        tmp_path,
        {
            "sources.yaml": BASE_SOURCES,
            "entities/a.yaml": "entities:\n"
            + entity("alexey-dedov", "Person", "{en: Alexey Dedov}")
            + entity("alexei-dedov", "Person", "{en: Alexei Dedov}")
            + entity("karachi", "City", "{en: Karachi}")
            + entity("karachi-ur", "City", "{en: Karachi city}", alt_labels="{ur: [کراچی]}"),
        },
    )
    code, out, _ = run(data, capsys, "--format", "json")
    assert code == 1
    report = json.loads(out)
    pairs = {tuple(f["ids"]): f["reasons"][0] for f in report["findings"]}
    assert pairs[("alexey-dedov", "alexei-dedov")].startswith("similar spelling")
    # ICU writes کراچی as "krachi" (Urdu omits the vowel): a near spelling of "karachi".
    assert pairs[("karachi", "karachi-ur")] == "similar spelling 'Karachi' (en) and 'کراچی' (ur)"
    assert report["counts"] == {"duplicate-entity": 2, "duplicate-source": 0, "long-quote": 0}


def test_names_that_differ_by_a_word_or_a_number_are_not_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write(
        tmp_path,
        {
            "sources.yaml": BASE_SOURCES,
            "entities/a.yaml": "entities:\n"
            + entity("share-pk", "Shareholding", '{en: "Pakistan\'s share in the pipeline"}')
            + entity("share-ru", "Shareholding", '{en: "Russia\'s share in the pipeline"}')
            + entity("igc-2024", "CommissionSession", "{en: IGC session of 2024}")
            + entity("igc-2025", "CommissionSession", "{en: IGC session of 2025}"),
        },
    )
    code, out, _ = run(data, capsys)
    assert (code, out) == (0, "")


def test_distinct_entry_silences_the_pair_and_unknown_slug_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "sources.yaml": BASE_SOURCES,
        "entities/a.yaml": "entities:\n"
        + entity("muhammad-ali-a", "Person", "{en: Muhammad Ali}")
        + entity("muhammad-ali-b", "Person", "{en: Muhammad Ali}"),
    }
    code, out, _ = run(write(tmp_path, files), capsys)
    assert code == 1 and "same spelling" in out
    files["distinct.yaml"] = (
        "distinct:\n"
        "  - entities: [muhammad-ali-a, muhammad-ali-b]\n"
        "    reason: a minister and a steel-mill engineer (S1)\n"
    )
    code, out, _ = run(write(tmp_path, files), capsys)
    assert (code, out) == (0, "")
    files["distinct.yaml"] += "  - entities: [muhammad-ali-a, muhammad-ali-c]\n    reason: x\n"
    code, out, err = run(write(tmp_path, files), capsys)
    assert code == 2
    assert out.strip() == (
        "error: data/distinct.yaml:4: distinct entry names unknown entity slug 'muhammad-ali-c'"
    )
    assert "nothing was checked" in err


def test_malformed_distinct_entry_is_bad_input_with_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write(
        tmp_path,
        {
            "sources.yaml": BASE_SOURCES,
            "distinct.yaml": "distinct:\n  - entities: [only-one]\n    reason: r\n",
        },
    )
    code, out, _ = run(data, capsys)
    assert code == 2
    assert "data/distinct.yaml:2: 'entities' of a distinct entry must list two" in out


def test_same_url_up_to_normalisation_and_same_title_and_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write(
        tmp_path,
        {
            "sources.yaml": "sources:\n"
            + source("S1", "https://www.dawn.com/news/1923/russia-steel")
            + source("S2", "http://dawn.com/news/1923/russia-steel/amp/?utm_source=tw#top")
            + source("S3", "https://tribune.com.pk/story/5", "Russia to revive PSM")
            + source("S4", "https://nation.com.pk/5", "RUSSIA TO REVIVE PSM!")
            + source("S5", "https://nation.com.pk/6", "Russia to revive PSM", date="2024-01-01"),
        },
    )
    code, out, _ = run(data, capsys, "--format", "json")
    assert code == 1
    found = {tuple(f["ids"]): f for f in json.loads(out)["findings"]}
    assert set(found) == {("S1", "S2"), ("S3", "S4")}
    assert found[("S1", "S2")]["line"] == 9
    assert "same URL up to normalisation (dawn.com/news/1923/russia-steel)" in str(
        found[("S1", "S2")]["reasons"]
    )
    assert found[("S3", "S4")]["reasons"] == [
        "the same title and date ('Russia to revive PSM', 2025-07-11)"
    ]


def test_near_identical_texts_by_minhash_unless_linked_as_copies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = STORY + " Reporting by our correspondent."
    other = "Pakistan and Russia discussed wheat prices and freight trains on Monday in Moscow."
    sigs = {"S1": signature(STORY), "S2": signature(copy), "S3": signature(other)}
    sources = "sources:\n" + "".join(
        source(sid, f"https://site{sid}.example/a", text_minhash=f'"{sig}"')
        for sid, sig in sigs.items()
    )
    files = {"sources.yaml": sources}
    code, out, _ = run(write(tmp_path, files), capsys)
    assert code == 1
    assert out.count("\n") == 1
    assert "source S2 may be the same document as S1" in out
    assert "near-identical text (MinHash similarity" in out
    # Recorded as a syndicated copy (CONTRIBUTING.md): no longer reported.
    files["sources.yaml"] = sources.replace(
        "  text_minhash: " + f'"{sigs["S2"]}"',
        "  same_text_as: [S1]\n  text_minhash: " + f'"{sigs["S2"]}"',
    )
    code, out, _ = run(write(tmp_path, files), capsys)
    assert (code, out) == (0, "")


def test_copies_of_one_original_are_not_reported_against_each_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write(
        tmp_path,
        {
            "sources.yaml": "sources:\n"
            + source("S1", "https://a.example/x", "Wire story")
            + source("S2", "https://b.example/x", "Wire story", same_text_as="[S1]")
            + source("S3", "https://c.example/x", "Wire story", same_text_as="[S1]"),
        },
    )
    code, out, _ = run(data, capsys)
    assert (code, out) == (0, "")


def test_malformed_text_minhash_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write(
        tmp_path,
        {"sources.yaml": "sources:\n" + source("S1", "https://a.example/", text_minhash="abc")},
    )
    code, out, _ = run(data, capsys)
    assert code == 2
    assert out.startswith("error: data/sources.yaml:9: text_minhash must start with 'mh1-a32")


def test_long_quotes_in_english_urdu_and_russian(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ru_31 = " ".join(["слово"] * 31)
    ur_30 = " ".join(["پاکستان"] * 29) + " — روس"
    en_30 = "state-owned " * 28 + "mills — … 1,000"
    claims = "source: S1\nclaims:\n" + "".join(
        f'  - subject: a\n    predicate: locatedIn\n    object: b\n    quote: "{q}"\n'
        for q in (ru_31, ur_30, en_30)
    )
    data = write(tmp_path, {"sources.yaml": BASE_SOURCES, "claims/c.yaml": claims})
    code, out, _ = run(data, capsys)
    assert code == 1
    assert out.splitlines() == [
        "data/claims/c.yaml:6: quote of 31 words (at most 30) in the claim a locatedIn "
        "(source S1): cut it to the words that carry the claim"
    ]
    assert word_count(ur_30) == 30
    assert word_count(en_30) == 30  # "—" and "…" are no words; "1,000" is one


def test_url_normalisation_of_amp_cache_and_tracking() -> None:
    target = "dawn.com/news/1923?id=7"
    assert (
        normalise_url("https://www-dawn-com.cdn.ampproject.org/c/s/www.dawn.com/news/1923/amp?id=7")
        == target
    )
    assert normalise_url("https://m.dawn.com/news/1923/?fbclid=x&id=7&utm_medium=y") == target
    assert normalise_url("https://amp.dawn.com/amp/news/1923?id=7&outputType=amp") == target
    assert normalise_url("https://dawn.com/news/1924?id=7") != target
    assert normalise_url("https://dawn.com:8080/news/1923?id=7") != target


def test_build_prints_findings_as_warnings_and_succeeds(tmp_path: Path) -> None:
    from kg.build import build

    data = write(
        tmp_path,
        {
            "sources.yaml": "sources:\n"
            + source("S1", "https://example.org/a")
            + source("S2", "https://www.example.org/a/")
            + source("PRKG", "https://w3id.org/prkg/", kind="curation"),
            "entities/a.yaml": "entities:\n" + entity("karachi", "City", "{en: Karachi}"),
        },
    )
    logged: list[str] = []
    summary = build(data, tmp_path / "store", reason_owl=False, log=logged.append)
    assert summary.sources == 3
    warnings = [m for m in logged if m.startswith("warning: data/")]
    assert warnings == [
        "warning: data/sources.yaml:9: source S2 may be the same document as S1 "
        "(data/sources.yaml:2): the same URL up to normalisation (example.org/a); if it is a "
        "copy, give it same_text_as: [S1]; if the same page, keep one record; if different, "
        "say so in data/distinct.yaml"
    ]


def test_binary_file_and_missing_folder_are_bad_input_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write(tmp_path, {"sources.yaml": BASE_SOURCES})
    (data / "scan.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    code, out, _ = run(data, capsys, "--format", "json")
    assert code == 2
    report = json.loads(out)
    assert report["findings"] == []
    assert report["errors"][0]["file"] == "data/scan.yaml"
    assert "not UTF-8" in report["errors"][0]["message"]
    code, out, _ = run(tmp_path / "nowhere", capsys)
    assert code == 2
    assert "data directory not found" in out
