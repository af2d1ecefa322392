"""Segmentation: the private tokenizer, the domain dictionary, sentences, the cache."""

from __future__ import annotations

import marshal
import re
import tempfile
from collections import Counter
from pathlib import Path

import jieba
import pytest

from policetext import Segmenter, split_sentences
from policetext.datafiles import data_path, iter_data_lines
from policetext.document import Token, Tokens
from policetext.errors import ConfigError
from policetext.word_tags import WordTagIndex


@pytest.fixture(scope="module")
def segmenter(tmp_path_factory: pytest.TempPathFactory) -> Segmenter:
    return Segmenter(cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.mark.parametrize(
    ("sentence", "term"),
    [
        ("广州市公安局天河区分局石牌派出所民警开展巡逻", "派出所"),
        ("杭州市公安局西湖区分局警务协作区成立", "警务协作区"),
        ("成都市公安局特巡警支队开展演练", "特巡警支队"),
        ("全市公安机关深入打击电信网络诈骗犯罪", "电信网络诈骗"),
        ("哈尔滨市反诈中心发布预警", "反诈中心"),
        ("坚持和发展新时代枫桥经验", "枫桥经验"),
        ("推进常态化扫黑除恶斗争", "扫黑除恶"),
        ("各村落实一村一辅警机制", "一村一辅警"),
        ("深化放管服改革", "放管服"),
        ("夯实治安要素管控", "治安要素"),
        ("到车管所办理业务", "车管所"),
    ],
)
def test_domain_terms_stay_whole(segmenter: Segmenter, sentence: str, term: str) -> None:
    # whole: one token holds the term (a longer domain term such as 新时代枫桥经验 is fine)
    assert any(term in token for token in segmenter.cut(sentence))


def test_shipped_dictionary_has_several_hundred_entries() -> None:
    entries = list(iter_data_lines(data_path("police_dict.txt")))
    assert len(entries) >= 300
    assert len({line.split()[0] for line in entries}) == len(entries)


def test_private_tokenizer_leaves_jieba_global_alone(segmenter: Segmenter) -> None:
    segmenter.cut("警务协作区")
    assert segmenter.tokenizer is not jieba.dt
    assert "警务协作区" not in jieba.dt.FREQ


def test_cache_goes_to_the_given_directory(tmp_path: Path) -> None:
    seg = Segmenter(cache_dir=tmp_path / "xdg" / "policetext", engine="jieba")
    seg.cut("测试")
    assert list((tmp_path / "xdg" / "policetext" / "derived").glob("jieba-prefix-*"))


def test_cache_defaults_to_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    seg = Segmenter(engine="jieba")  # rjieba keeps no cache
    seg.cut("测试")
    assert list((tmp_path / "policetext" / "derived").glob("jieba-prefix-*"))


@pytest.fixture(scope="module")
def jieba_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache directory where jieba's prefix dictionary has been kept."""
    directory = tmp_path_factory.mktemp("jieba-cache")
    Segmenter(cache_dir=directory, engine="jieba").cut("测试")
    return directory


def _kept_prefix(cache: Path) -> Path:
    (kept,) = (cache / "derived").glob("jieba-prefix-*")
    return kept


def _copy_cache(source: Path, target: Path) -> Path:
    (target / "derived").mkdir(parents=True)
    kept = _kept_prefix(source)
    (target / "derived" / kept.name).write_bytes(kept.read_bytes())
    return target / "derived" / kept.name


def test_prefix_dictionary_is_jiebas_own(jieba_cache: Path, tmp_path: Path) -> None:
    ours = Segmenter(cache_dir=jieba_cache, engine="jieba")._prefix_dict(jieba.Tokenizer())
    theirs = jieba.Tokenizer()
    theirs.tmp_dir = str(tmp_path)  # its own cache, beside ours
    theirs.initialize()
    assert ours[1] == theirs.total
    assert ours[0] == theirs.FREQ


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],
        lambda data: data[:-1] + b"x",
        lambda data: b"not ours\n" + data.split(b"\n", 1)[1],
    ],
    ids=["empty", "truncated", "a byte changed", "another header"],
)
def test_a_damaged_prefix_cache_is_built_again(jieba_cache: Path, tmp_path: Path, damage) -> None:
    sentence = "绵阳市公安局涪城区分局抓获犯罪嫌疑人5名"
    expected = Segmenter(cache_dir=jieba_cache, engine="jieba").cut(sentence)
    kept = _copy_cache(jieba_cache, tmp_path)
    kept.write_bytes(damage(kept.read_bytes()))
    assert Segmenter(cache_dir=tmp_path, engine="jieba").cut(sentence) == expected
    # kept again, whole
    again, first = (
        marshal.loads(p.read_bytes().split(b"\n", 1)[1]) for p in (kept, _kept_prefix(jieba_cache))
    )
    assert again == first


def test_a_kept_prefix_dictionary_is_read_not_built(
    jieba_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _copy_cache(jieba_cache, tmp_path)

    def rebuilt(*args: object) -> None:
        raise AssertionError("the dictionary was built again")

    monkeypatch.setattr(jieba.Tokenizer, "gen_pfdict", rebuilt)
    assert Segmenter(cache_dir=tmp_path, engine="jieba").cut("测试") == ["测试"]


def test_jiebas_cache_of_earlier_versions_is_removed(tmp_path: Path) -> None:
    (tmp_path / "jieba.cache").write_bytes(b"an earlier version's cache")
    Segmenter(cache_dir=tmp_path, engine="jieba").cut("测试")
    assert not (tmp_path / "jieba.cache").exists()
    assert _kept_prefix(tmp_path).exists()


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("滨州市 公安局\n沾化分局", ["滨州市", " ", "公安局", "\n", "沾化", "分局"]),
        ("\n\u3000民警\n\n", ["\n", "\u3000", "民警", "\n", "\n"]),
        ("a\r\nb c", ["a", "\r\n", "b c"]),  # whitespace inside longer tokens
        ("", []),
    ],
)
def test_tokens_from_a_cut_drop_whitespace_tokens(text: str, cut: list[str]) -> None:
    bounds = [0]
    for word in cut:
        bounds.append(bounds[-1] + len(word))
    kept = [
        (w, s, e)
        for w, s, e in zip(cut, bounds[:-1], bounds[1:], strict=True)
        if not re.search(r"\s", w)
    ]
    words = [w for w, _, _ in kept]
    lazy = Tokens.from_cut(text, list(cut), bounds)
    assert lazy.word_counts() == Counter(words)
    assert list(lazy.word_counts()) == list(Counter(words))  # first-occurrence order
    assert lazy.with_blanks() == (cut, bounds, bounds[1:])  # the cut, as it is
    assert list(lazy) == [Token(w, s, e) for w, s, e in kept]
    assert lazy.words == words
    assert lazy.with_blanks() == (words, [s for _, s, _ in kept], [e for _, _, e in kept])


def test_token_offsets_index_the_text(segmenter: Segmenter) -> None:
    text = "滨州市公安局沾化分局 抓获逃犯10人。\n第二段"
    tokens = segmenter.tokens(text)
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert all(not t.text.isspace() for t in tokens)
    assert "".join(t.text for t in tokens) == text.replace(" ", "").replace("\n", "")


def test_pos_tags_come_from_the_same_dictionary(segmenter: Segmenter) -> None:
    tagged = {t.text: t.pos for t in segmenter.tokens("沾化分局派出所民警", pos=True)}
    assert tagged.get("派出所") == "nt"


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("抓获10人。”他说：好！\n下一段", ["抓获10人。”", "他说：好！", "下一段"]),
        ("同比下降6.9%；破案率提升……记者问？", ["同比下降6.9%；", "破案率提升……", "记者问？"]),
        ("无标点的标题\n正文。", ["无标点的标题", "正文。"]),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    spans = split_sentences(text)
    assert [s.text for s in spans] == sentences
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_long_text_is_segmented_in_bounded_pieces(segmenter: Segmenter) -> None:
    sentence = "西安市公安局雁塔分局民警抓获犯罪嫌疑人3名。"
    text = sentence * 1000  # one line, far longer than one piece
    tokens = segmenter.tokens(text)
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert [t.text for t in tokens] == [t.text for t in segmenter.tokens(sentence)] * 1000


# ---- parts of speech from jieba's dictionary, without loading it whole -----------
_DICTIONARY = "警察 100 n\n出警 20 v\n滨州 30 ns\n𠀀字 1 nz\nAT&T 3 nz\n出警 25 vn\n派出所 50 nt\n"


def _plain_tags(text: str) -> dict[str, str]:
    fields = text.split()
    return {fields[i]: fields[i + 2] for i in range(0, len(fields), 3)}  # last wins


@pytest.mark.parametrize(
    "word", ["警察", "出警", "滨州", "𠀀字", "AT&T", "派出所", "派出", "所", "", "警察局", "\ud800"]
)
def test_word_tag_index_agrees_with_the_dictionary(tmp_path: Path, word: str) -> None:
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text(_DICTIONARY, "utf-8")
    for cache in (tmp_path / "cache", None):  # kept, then built in memory
        assert WordTagIndex(dictionary, cache).get(word) == _plain_tags(_DICTIONARY).get(word)


def test_word_tag_index_on_jiebas_dictionary(segmenter: Segmenter) -> None:
    from policetext.segment import jieba_data

    text = jieba_data("dict.txt").read_text("utf-8")
    table = _plain_tags(text)
    index = WordTagIndex(jieba_data("dict.txt"), segmenter.cache_dir)
    sample = [*list(table)[::997], "不是词语的一串字", "公安局长xyz"]
    assert [index.get(w) for w in sample] == [table.get(w) for w in sample]


def test_a_damaged_word_tag_index_is_rebuilt(tmp_path: Path) -> None:
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text(_DICTIONARY, "utf-8")
    WordTagIndex(dictionary, tmp_path).get("警察")
    (kept,) = (tmp_path / "derived").iterdir()
    kept.write_bytes(kept.read_bytes().replace(b"\tn\n", b"\tv\n"))  # 警察 n → v
    assert WordTagIndex(dictionary, tmp_path).get("警察") == "n"


def test_a_malformed_jieba_dictionary_is_a_clear_error(tmp_path: Path) -> None:
    dictionary = tmp_path / "dict.txt"
    dictionary.write_text("警察 100\n", "utf-8")
    with pytest.raises(ConfigError, match="not a 'word freq tag' dictionary"):
        WordTagIndex(dictionary, tmp_path).get("警察")


def test_our_dictionaries_override_jiebas_tags(tmp_path: Path) -> None:
    user = tmp_path / "user.txt"
    user.write_text("警察 5 nz\n走访\n", "utf-8")
    seg = Segmenter(user_dicts=[user], cache_dir=tmp_path / "cache", engine="jieba")
    assert seg.word_tag("警察") == "nz"  # jieba's own says n
    assert seg.word_tag("走访") == "v"  # no tag given: jieba's stays
    assert seg.word_tag("出警") == "n"  # the police dictionary's (jieba's says v)
    assert seg.word_tag("派出所") == "nt"


def test_an_unwritable_cache_directory_leaves_nothing_behind(
    jieba_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("", "utf-8")  # the cache directory cannot be made here
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    sentence = "绵阳市公安局涪城区分局抓获犯罪嫌疑人5名"
    expected = Segmenter(cache_dir=jieba_cache, engine="jieba").cut(sentence)
    seg = Segmenter(cache_dir=blocked, engine="jieba")
    assert seg.cut(sentence) == expected  # jieba's dictionary, built for the run
    assert seg.word_tag("派出所") == "nt"  # the tag index, built in memory
    assert not list(temporary.iterdir())  # no cache written to a temporary directory
    assert blocked.read_text("utf-8") == ""
