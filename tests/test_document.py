"""Document and Tokens: the records that flow out of the pipeline."""

from __future__ import annotations

import pickle

import pytest

from policetext import Document, Pipeline, Token
from policetext.document import Tokens


def test_tokens_behave_as_a_tuple_of_token(pipeline: Pipeline) -> None:
    doc = pipeline.parse_text("滨州市公安局 抓获逃犯10人。", segment=True)
    tokens = doc.tokens
    assert isinstance(tokens, Tokens)
    listed = list(tokens)
    assert all(isinstance(t, Token) for t in listed)
    assert tokens[0] == listed[0] and tokens[-1] == listed[-1]
    assert tokens[1:3] == tuple(listed[1:3])
    assert len(tokens) == len(listed)
    assert " " not in tokens.words  # whitespace is not a token
    assert all(doc.text[t.start : t.end] == t.text for t in tokens)


def test_tokens_from_a_cut_placed_in_a_whole_text() -> None:
    """A part of a huge input is cut with offsets of the whole text."""
    text = "民警 抓获"
    tokens = Tokens.from_cut(text, ["民警", " ", "抓获"], [100, 102, 103, 105])
    words, starts, ends = tokens.with_blanks()
    assert (words, starts[:3], ends) == (["民警", " ", "抓获"], [100, 102, 103], [102, 103, 105])
    assert list(tokens) == [Token("民警", 100, 102), Token("抓获", 103, 105)]


def test_word_counts_leave_out_whitespace(pipeline: Pipeline) -> None:
    doc = pipeline.parse_text("民警 民警\n抓获", segment=True)
    assert doc.word_counts == {"民警": 2, "抓获": 1}


def test_tokens_pickle_as_lists() -> None:
    tokens = Tokens.from_cut("派出所", ["派出所"], [0, 3], ["n"])
    assert pickle.loads(pickle.dumps(tokens)) == [Token("派出所", 0, 3, "n")]


@pytest.mark.parametrize(
    "text, sentences",
    [("抓获10人。他说：好！\n下一段", ["抓获10人。", "他说：好！", "下一段"]), ("", [])],
)
def test_sentences_are_spans_of_the_text(text: str, sentences: list[str]) -> None:
    doc = Document("d", text)
    assert [s.text for s in doc.sentences] == sentences
    assert all(text[s.start : s.end] == s.text for s in doc.sentences)


def test_metadata_row_has_no_text() -> None:
    doc = Document("d", "正文", title="标题", reporters=("王五",))
    row = doc.metadata_row()
    assert "text" not in row
    assert (row["title"], row["reporters"], row["chars"]) == ("标题", ["王五"], 2)
