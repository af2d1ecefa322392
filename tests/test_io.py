"""Inputs and encodings: detection by scoring, bad files reported, walks sorted."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policetext import InputError, Pipeline, Source, decode_bytes, iter_sources

from .conftest import seed

# A traditional text of our own (Taiwan/Hong Kong style police news), Big5-encodable.
TRADITIONAL = (
    "臺北市政府警察局大安分局今日表示，去年共破獲詐騙案件三百餘件，"
    "較前年減少百分之十二。警方呼籲民眾接獲可疑電話時，撥打一六五反詐騙專線查證。\n"
    "香港警務處網絡安全及科技罪案調查科亦提醒市民提高警覺。"
)
SIMPLIFIED = "广州市公安局天河区分局破获电信网络诈骗案件12起，抓获犯罪嫌疑人30名。"


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        (SIMPLIFIED, "utf-8", "utf-8"),
        (SIMPLIFIED, "gb18030", "gb18030"),
        (SIMPLIFIED, "gbk", "gb18030"),
        (TRADITIONAL, "big5", "big5"),
        (TRADITIONAL, "utf-8", "utf-8"),
        (TRADITIONAL, "gb18030", "gb18030"),
        (SIMPLIFIED, "utf-16", "utf-16"),
        (SIMPLIFIED, "utf-8-sig", "utf-8-sig"),
    ],
)
def test_encoding_is_detected(text: str, encoding: str, expected: str) -> None:
    decoded, found = decode_bytes(text.encode(encoding))
    assert decoded == text
    assert found == expected


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_seed003_copies_normalise_like_the_original(
    pipeline: Pipeline, tmp_path: Path, encoding: str
) -> None:
    original = seed("003")
    copy = tmp_path / f"003.{encoding}.txt"
    copy.write_bytes(original.read_text("utf-8").encode(encoding))
    assert pipeline.parse_path(copy).text == pipeline.parse_path(original).text


def test_big5_copy_normalises_like_utf8(pipeline: Pipeline, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(TRADITIONAL.encode("utf-8"))
    (tmp_path / "b.txt").write_bytes(TRADITIONAL.encode("big5"))
    a = pipeline.parse_path(tmp_path / "a.txt")
    b = pipeline.parse_path(tmp_path / "b.txt")
    assert b.encoding == "big5"
    assert a.text == b.text
    assert "台北市政府警察局大安分局" in b.text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        (b"\x81\x30\xff\xfe\x80 \xa1\x20\xff\xff\x80\x80", "cannot be decoded"),
    ],
)
def test_bad_bytes_raise_input_error(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        decode_bytes(data, "x.txt")


def test_forced_encoding_that_fails_says_so() -> None:
    with pytest.raises(InputError, match="cannot be decoded as ascii"):
        decode_bytes(SIMPLIFIED.encode("utf-8"), "x.txt", "ascii")


def test_truncated_last_character_is_kept_as_noise(pipeline: Pipeline) -> None:
    data = SIMPLIFIED.encode("utf-8")[:-2]
    text, encoding = decode_bytes(data)
    assert encoding == "utf-8"
    assert text.endswith("\ufffd")
    assert pipeline.parse_text(text).text.endswith("〓")


def test_directory_walk_is_recursive_sorted_and_globbed(tmp_path: Path) -> None:
    for name in ["b/2.txt", "a/1.txt", "a/z.md", "c.txt"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", "utf-8")
    names = [Path(s.name).relative_to(tmp_path).as_posix() for s in iter_sources([tmp_path])]
    assert names == ["a/1.txt", "b/2.txt", "c.txt"]
    md = [Path(s.name).name for s in iter_sources([tmp_path], glob="*.md")]
    assert md == ["z.md"]


def test_missing_path_is_an_error_item_not_an_exception(tmp_path: Path) -> None:
    items = list(iter_sources([tmp_path / "missing.txt"]))
    assert len(items) == 1 and isinstance(items[0], InputError)


def test_documents_go_on_after_bad_files(pipeline: Pipeline, tmp_path: Path) -> None:
    (tmp_path / "1.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "2.txt").write_text(SIMPLIFIED, "utf-8")
    errors: list[InputError] = []
    docs = list(pipeline.documents([tmp_path, tmp_path / "nope.txt"], on_error=errors.append))
    assert [Path(d.doc).name for d in docs] == ["2.txt"]
    assert len(errors) == 2
    assert "binary" in str(errors[0]) and "1.txt" in str(errors[0])


# ---- table-shaped inputs: JSON Lines and CSV ------------------------------------------
def test_jsonl_records_carry_id_and_meta(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from policetext.cli import cli

    path = tmp_path / "scrape.jsonl"
    records = [
        {
            "id": "gz-001",
            "date": "2023-05-01",
            "region": "广东",
            "text": "广州警方抓获嫌疑人12人。",
        },
        {
            "id": "xa-002",
            "date": "2023-06-02",
            "region": "陕西",
            "text": "西安市公安局破获案件3起。",
        },
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.insert(1, "{not json")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    result = CliRunner().invoke(
        cli,
        ["figures", "--id-field", "id", "--meta", "date", "--meta", "region",
         "--format", "jsonl", str(path)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith(f"policetext: {path}: line 2: not valid JSON")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["doc"], r["text"], r["date"], r["region"]) for r in rows] == [
        ("gz-001", "12人", "2023-05-01", "广东"),
        ("xa-002", "3起", "2023-06-02", "陕西"),
    ]


def test_csv_records_with_text_field(tmp_path: Path) -> None:
    import csv

    from policetext.io import TableFields, iter_records

    path = tmp_path / "news.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["body", "source"])
        writer.writerow(["昆明市公安局发布通报，\n第二段。", "云南日报"])
        writer.writerow(["拉萨市公安局城关分局", "西藏日报"])
    sources = list(
        iter_records(Source(str(path), path), TableFields(text="body", meta=("source",)))
    )
    assert [s.text for s in sources] == ["昆明市公安局发布通报，\n第二段。", "拉萨市公安局城关分局"]
    assert sources[1].meta == (("source", "西藏日报"),)
    assert sources[0].name == f"{path}:2"
    missing = list(iter_records(Source(str(path), path), TableFields(text="text")))
    assert len(missing) == 1 and "no column 'text'" in str(missing[0])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=list("的是警察公安鑑蠹齉㐀豈abc ，\ue000\U00020000"), max_size=60))
def test_decoding_score_counts_common_han_characters(text: str) -> None:
    """The score is the share of Han characters that are common, less the share of
    private-use and astral characters, plus 0.5 for non-ASCII UTF-8."""
    from policetext.datafiles import common_chars
    from policetext.io import _score

    han = [c for c in text if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"]
    odd = sum(1 for c in text if "\ue000" <= c <= "\uf8ff" or ord(c) > 0xFFFF)
    if han:
        base = sum(c in common_chars() for c in han) / len(han)
    else:
        base = 1.0 if text.isascii() else 0.5
    base -= odd / max(1, len(text))
    assert _score(text, "gb18030") == base
    assert _score(text, "utf-8") == base + (0.5 if not text.isascii() else 0.0)
