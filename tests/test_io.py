"""Inputs and encodings: detection by scoring, bad files reported, walks sorted."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
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


# ---- table files are read per record (issue 23) ------------------------------------
def _records(path: Path, **fields: object) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, text) of every record read, and the error lines."""
    from policetext.io import TableFields, iter_records

    good, bad = [], []
    for item in iter_records(Source(str(path), path), TableFields(**fields)):  # type: ignore[arg-type]
        if isinstance(item, InputError):
            bad.append(str(item))
        else:
            good.append((item.name, item.text or ""))
    return good, bad


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"id": "b", "text": "\xff\xfe\xfd"}', "line 2: cannot be decoded as utf-8"),
        (b'{"id": "b", "text": "a\x00b"}', "line 2: NUL byte"),
        (b"[" * 100_000 + b"]" * 100_000, "line 2: JSON nested too deeply"),
        (b'{"id": "b", "text": ', "line 2: not valid JSON"),
    ],
)
def test_one_bad_jsonl_line_costs_only_itself(tmp_path: Path, line: bytes, reason: str) -> None:
    path = tmp_path / "t.jsonl"
    good = '{"id": "a", "text": "滨州市公安局"}\n'.encode()
    path.write_bytes(good + line + '\n{"id": "c", "text": "派出所"}\n'.encode())
    records, errors = _records(path, id="id")
    assert records == [("a", "滨州市公安局"), ("c", "派出所")]
    assert len(errors) == 1 and errors[0].startswith(f"{path}: {reason}")


def test_one_nul_csv_line_costs_only_itself(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes('id,text\n1,甲公安局\n2,乙\x00派出所\n3,"丙\n分局"\n4,丁\n'.encode())
    records, errors = _records(path, id="id")
    assert records == [("1", "甲公安局"), ("3", "丙\n分局"), ("4", "丁")]
    assert errors == [f"{path}: line 3: NUL byte (binary data), line skipped"]


def test_csv_field_over_the_default_limit_is_read(tmp_path: Path) -> None:
    import csv

    huge = "公" * 140_000  # over the csv module's 131,072
    path = tmp_path / "t.csv"
    path.write_text(f"id,text\nbig,{huge}\nsmall,小\n", encoding="utf-8")
    limit = csv.field_size_limit()
    records, errors = _records(path, id="id")
    assert records == [("big", huge), ("small", "小")] and errors == []
    assert csv.field_size_limit() == limit  # the process's limit is put back


@pytest.mark.parametrize("root", [".", "./", "sub", "sub/", "./sub//", "ABS", "ABS/"])
def test_walked_files_are_named_as_pathlib_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, root: str
) -> None:
    """A walk names each file as ``str(Path(...))`` would (``a.txt`` under ``.``, not
    ``./a.txt``), though it makes no Path from a string per file."""
    (tmp_path / "sub" / "深处").mkdir(parents=True)
    for name in ("sub/a.txt", "sub/深处/b.txt", "sub/深处/c.md", "top.txt"):
        (tmp_path / name).write_text("民警", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    given = root.replace("ABS", str(tmp_path / "sub"))
    sources = [s for s in iter_sources([given]) if isinstance(s, Source)]
    expected = sorted(str(p) for p in Path(given).rglob("*.txt"))
    assert [s.name for s in sources] == expected
    for source in sources:
        again = Path(source.name)
        assert source.path == again and source.path.parts == again.parts
        assert str(source.path) == source.name and source.path.name == again.name


def test_directory_tree_1000_levels_deep_is_walked(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "deep"
    folder.mkdir()
    path = str(folder)
    for _ in range(1000):
        path = os.path.join(path, "d")
        os.mkdir(path)
    Path(path, "a.txt").write_text("公安局", encoding="utf-8")
    try:
        (found,) = iter_sources([folder])
        assert isinstance(found, Source) and found.path == Path(path, "a.txt")
    finally:  # removed here: shutil.rmtree (pytest's clean-up) recurses too
        os.unlink(os.path.join(path, "a.txt"))
        while path != str(tmp_path):
            os.rmdir(path)
            path = os.path.dirname(path)


# a fuzz test over table-shaped inputs: good records among bad lines, NULs, huge and
# deeply nested fields and odd ids; every good record must come out, in order
_GOOD_TEXT = st.lists(
    st.sampled_from(["滨州市公安局", "派出所", "abc", ",", '"', "\n", " ", "１２", "。", "\\"]),
    min_size=1,
    max_size=8,
).map("".join)
_ODD_ID = st.one_of(
    st.sampled_from([".", "..", "a/b", "/", "1", "x" * 300, "名\u3000字", "", None]),
    st.integers(-5, 5),
)
_BAD_LINE = st.sampled_from(
    [b"\xff\xfe\xfd", b"a\x00b", b"[" * 100_000 + b"]" * 100_000, b"{oops", b"\xe5\xbc"]
)
_RECORD = st.one_of(
    st.tuples(st.just("good"), _ODD_ID, _GOOD_TEXT),
    st.tuples(st.just("huge"), _ODD_ID, st.just("警" * 140_000)),
    st.tuples(st.just("bad"), st.none(), _BAD_LINE),
)


@settings(max_examples=60, deadline=None)
@given(records=st.lists(_RECORD, min_size=1, max_size=8), table=st.sampled_from(["jsonl", "csv"]))
# found by the fuzz: two broken lines of two bytes once outweighed a line of Han
# text, and the file was read as GB18030
@example(
    records=[("bad", None, b"\xe5\xbc"), ("bad", None, b"\xe5\xbc"), ("good", ".", "滨州市公安局")],
    table="jsonl",
)
def test_fuzz_table_inputs_lose_no_good_record(
    tmp_path_factory: pytest.TempPathFactory, records: list[tuple[str, object, object]], table: str
) -> None:
    import csv
    import io
    import json

    lines: list[bytes] = []
    for kind, identifier, body in records:
        if kind == "bad":
            lines.append(body)  # type: ignore[arg-type]
        elif table == "jsonl":
            lines.append(json.dumps({"id": identifier, "text": body}, ensure_ascii=False).encode())
        else:
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerow(
                ["" if identifier is None else identifier, body]
            )
            lines.append(buffer.getvalue()[:-1].encode())
    header = [b"id,text"] if table == "csv" else []
    path = tmp_path_factory.mktemp("fuzz") / f"t.{table}"
    path.write_bytes(b"\n".join([*header, *lines]) + b"\n")
    found, errors = _records(path, id="id")
    expected = [str(body).replace("\r\n", "\n") for kind, _, body in records if kind != "bad"]
    assert [text for _, text in found] == expected
    bad = sum(kind == "bad" for kind, _, _ in records)
    assert len(errors) == bad
    assert all(str(path) in e and "line" in e for e in errors)


@settings(max_examples=15, deadline=None)
@given(records=st.lists(_RECORD, min_size=1, max_size=5))
def test_fuzz_table_inputs_through_the_cli(
    tmp_path_factory: pytest.TempPathFactory, records: list[tuple[str, object, object]]
) -> None:
    import json

    from click.testing import CliRunner

    from policetext.cli import cli

    lines = [
        body if kind == "bad" else json.dumps({"id": ident, "text": body}).encode()
        for kind, ident, body in records
    ]
    path = tmp_path_factory.mktemp("fuzz") / "t.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = CliRunner().invoke(
        cli, ["normalize", "--format", "jsonl", "--id-field", "id", str(path)]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    bad = sum(kind == "bad" for kind, _, _ in records)
    assert result.exit_code == (2 if bad else 0)
    assert len(result.stdout.splitlines()) == len(records) - bad
    assert len(result.stderr.splitlines()) == bad


def test_verbose_names_the_files_the_walk_passed_over(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from policetext.cli import cli

    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("滨州市公安局抓获12人。", "utf-8")
    (tmp_path / "sub" / "b.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "c.docx").write_bytes(b"PK")
    quiet = CliRunner().invoke(cli, ["figures", str(tmp_path), "--format", "tsv"])
    assert quiet.stderr == ""
    loud = CliRunner().invoke(cli, ["figures", str(tmp_path), "--format", "tsv", "-v"])
    assert loud.exit_code == 0
    assert loud.stderr.splitlines() == [
        f"policetext: {tmp_path / name}: does not match --glob '*.txt', passed over"
        for name in ("c.docx", "sub/b.pdf")
    ]
    assert loud.stdout == quiet.stdout


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abc 中国滨州公安乾隆\ue001\U00020000\uf900㐀，。", max_size=60))
def test_encoding_score_counts_on_the_rest_as_on_the_whole(text: str) -> None:
    # _score cuts the common characters out first and counts Han and odd ones on
    # the rest: the counts of the whole text, each alone
    from policetext.io import _PRIVATE_OR_ASTRAL_RUN, _common_han_run, _score
    from policetext.patterns import count_runs
    from policetext.text import HAN_RUN_RE

    han = count_runs(HAN_RUN_RE, text)
    base = count_runs(_common_han_run(), text) / han if han else (1.0 if text.isascii() else 0.5)
    base -= count_runs(_PRIVATE_OR_ASTRAL_RUN, text) / max(1, len(text))
    assert _score(text, "gb18030") == base


def _table_items(path: Path, fields: object) -> list[tuple[object, ...]]:
    from policetext.io import iter_records

    return [
        (type(item).__name__, str(item))
        if isinstance(item, InputError)
        else (item.name, item.text, item.meta, item.line, item.date)
        for item in iter_records(Source(str(path), path), fields)  # type: ignore[arg-type]
    ]


_TABLE_CELLS = st.text(
    st.sampled_from(list('民警派出所滨州市公安局抓获逃犯10人。,"\n\r abc{}:[]\\')), max_size=12
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_TABLE_CELLS, _TABLE_CELLS, st.booleans()), max_size=8),
    st.sampled_from(["\n", "\r\n"]),
    st.integers(min_value=1, max_value=64),
)
def test_a_big_utf8_table_read_line_by_line_gives_the_records_read_whole(
    rows: list[tuple[str, str, bool]], newline: str, block: int
) -> None:
    """A JSON Lines or CSV file over TABLE_STREAM_BYTES in UTF-8 is read line by line,
    never held whole; every record and every bad line is what reading it whole gives
    (small blocks, so lines cross them)."""
    import csv as csv_module
    import tempfile
    from unittest import mock

    from policetext.io import TableFields

    json_lines, table = [], io.StringIO(newline="")
    writer = csv_module.writer(table, lineterminator=newline)
    writer.writerow(["text", "source"])
    for text, source, broken in rows:
        record = json.dumps({"text": "滨州市公安局" + text, "source": source}, ensure_ascii=False)
        json_lines.append(record[:-2] if broken else record)  # a broken line: not JSON
        writer.writerow(["滨州市公安局" + text, source])
    with tempfile.TemporaryDirectory() as folder:
        for name, content in (("t.jsonl", newline.join(json_lines)), ("t.csv", table.getvalue())):
            path = Path(folder) / name
            path.write_bytes(content.encode("utf-8"))
            fields = TableFields(meta=("source",))
            whole = _table_items(path, fields)
            with (
                mock.patch("policetext.io.TABLE_STREAM_BYTES", 0),
                mock.patch("policetext.io._TABLE_BLOCK", block),
            ):
                assert _table_items(path, fields) == whole


@pytest.mark.parametrize(
    "content",
    [
        "\ufeff" + '{"text": "滨州市公安局"}\n',  # a byte-order mark
        '{"text": "abc"}\n{"text": "def"}\n',  # no Chinese: scored, not taken at once
        '{"text": "滨州市公安局"}\n'.encode().decode("latin-1"),  # UTF-8 read as Latin-1
    ],
)
def test_table_files_not_plainly_utf8_are_read_whole_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    from policetext.io import TableFields, _plain_utf8

    path = tmp_path / "t.jsonl"
    path.write_bytes(content.encode("utf-8"))
    assert not _plain_utf8(Source(str(path), path))
    whole = _table_items(path, TableFields())
    monkeypatch.setattr("policetext.io.TABLE_STREAM_BYTES", 0)
    assert _table_items(path, TableFields()) == whole


def test_a_gbk_table_is_not_read_line_by_line(tmp_path: Path) -> None:
    from policetext.io import _plain_utf8

    path = tmp_path / "t.jsonl"
    path.write_bytes('{"text": "滨州市公安局抓获逃犯10人"}\n'.encode("gb18030"))
    assert not _plain_utf8(Source(str(path), path))
    path.write_bytes('{"text": "滨州市公安局抓获逃犯10人"}\n'.encode())
    assert _plain_utf8(Source(str(path), path))
