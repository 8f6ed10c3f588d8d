"""`prkg draft` refuses bad input with one line naming the file and the problem, and writes
nothing: an empty file, a binary file, an unknown encoding, a URL without a host, a language
draft does not read (detected or given)."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.cli import main

ROOT = Path(__file__).resolve().parents[1]
URL = "https://www.dawn.com/news/1923660/deal-with-russia-to-revive-pakistan-steel-mills"
ENGLISH = "Pakistan and Russia on Friday signed an agreement in Moscow.\n"
FRENCH = (
    "Le Pakistan et la Russie ont signé vendredi un accord pour relancer les aciéries de "
    "Karachi, a annoncé le ministère à Islamabad.\n"
)


def run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, *extra: str
) -> tuple[int, str, Path]:
    doc = tmp_path / "article.txt"
    doc.write_bytes(content)
    out = tmp_path / "review.yaml"
    args = ["draft", str(doc), "--data", str(ROOT / "data"), "-o", str(out)]
    if "--url" not in extra:
        args += ["--url", URL]
    code = main([*args, *extra])
    return code, capsys.readouterr().err, out


@pytest.mark.parametrize(
    ("content", "extra", "problem"),
    [
        (b"", (), "the file is empty"),
        (b"  \n\n \t\n", (), "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", (), "a binary file"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", (), "a binary file"),
        ("Пакистан и Россия подписали соглашение.".encode("cp1251"), (), "unknown encoding"),
        ("Le Pakistan a signé à Moscou.".encode("latin-1"), (), "unknown encoding"),
        (ENGLISH.encode(), ("--url", "https:///news/1923660"), "has no host"),
        (ENGLISH.encode(), ("--url", "dawn.com/news/1923660"), "has no host"),
        (FRENCH.encode(), (), "language 'fr' (detected) is not supported"),
        (ENGLISH.encode(), ("--lang", "de"), "language 'de' (given) is not supported"),
    ],
)
def test_bad_input_is_one_line_naming_the_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    extra: tuple[str, ...],
    problem: str,
) -> None:
    code, err, out = run(tmp_path, capsys, content, *extra)
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(tmp_path / "article.txt") in lines[0]
    assert problem in lines[0]
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt"]


def test_good_input_writes_the_review(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same call with good input succeeds, so the refusals above are about the input."""
    code, err, out = run(tmp_path, capsys, ENGLISH.encode())
    assert code == 0, err
    assert "review: true" in out.read_text(encoding="utf-8")


def test_utf16_with_bom_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err, out = run(tmp_path, capsys, ENGLISH.encode("utf-16"))
    assert code == 0, err
    assert "as_spelled: Moscow" in out.read_text(encoding="utf-8")


def test_review_file_inside_data_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "article.txt"
    doc.write_text(ENGLISH, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    code = main(["draft", str(doc), "--url", URL, "--data", str(data), "-o", str(data / "x.yaml")])
    assert code != 0
    assert "outside" in capsys.readouterr().err
    assert list(data.iterdir()) == []
