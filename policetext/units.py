"""Named police units: found on the tokens, resolved, placed in the hierarchy.

A unit is a unit type (公安局, 派出所, 支队 … ``data/unit_types.txt``) read
leftwards over the tokens before it: places from the gazetteer (滨州市, 沾化,
山东省), the bare 市/省/县/区 of an article about one place, proper or functional
names (台子, 特巡警, 海岸警察) and the units it belongs to (市公安局 in
市公安局沾化分局), until a generic marker, function word or non-police body
(``data/unit_stopwords.txt``). A type with no name (派出所, 各派出所) is no unit.
Short forms are resolved against the article's own city (市公安局, 市局 →
滨州市公安局 in a Binzhou article).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any

from policetext.datafiles import common_words, shipped_lines
from policetext.document import Document, Token, Tokens, token_offsets, token_words
from policetext.memo import Memo
from policetext.text import HAN

_HAN_ONLY = re.compile(f"^[{HAN}]+$")
# what may stand glued before a type inside one token: a name, or a hotline (110指挥中心)
_TYPE_PREFIX = re.compile(rf"^(?:[{HAN}]+|1\d\d)$")
_BARE_PLACES = {
    "省": "province",
    "市": "city",
    "县": "county",
    "区": "county",
    "州": "city",  # 州公安局: an autonomous prefecture's bureau, as its own articles say
    "自治区": "province",
}
_ABBREVIATIONS = {"市局": ("市", "公安局"), "省厅": ("省", "公安厅"), "县局": ("县", "公安局")}
# one-character tokens that end a place or road name (青山路, 台子村)
_PLACE_SUFFIXES = set("路街道巷村镇乡港湾岛山桥口屯寨庄岭河")
# parts of speech that can name a unit: nouns, names, places, organisations,
# verbal nouns, abbreviations, idioms as names (not verbs, adverbs, numerals)
_NAME_TAGS = set("nbsjlgi")  # and vn, checked apart
_PLATFORM_AFTER = re.compile(r"(?:App|APP|app|平台|公众号|微信|微博|抖音|热线|客户端)")
_PLURAL = {"各", "各个", "各级", "多个", "每个", "诸多", "全市", "全省", "全县", "基层"}
_STOP_CHARS = set("在由和与及对向为被将把从到是等的了并经于")
# police branches: a squad named only by its branch (交警中队) is generic
_BRANCHES = {"交警", "刑警", "特警", "巡警", "治安", "刑侦", "经侦", "网安", "禁毒", "派出所"}
# a unit name's parent: the name up to its first bureau, if anything follows
_PARENT_HEAD = re.compile(r"^(.+?(?:公安局|公安厅|分局))(?=.)")
# what a token before a unit type is to the leftward reading (see _left_edge)
_STOP, _GLUED, _PLACE, _TYPE, _NAME, _OTHER = range(1, 7)
#: distinct words (and resolved units) remembered per extractor before starting afresh
_KEPT = 200_000


@dataclass(frozen=True)
class UnitRecord:
    """One named unit; ``text == document.text[start:end]``."""

    doc: str
    start: int
    end: int
    text: str
    name: str
    type: str
    level: str
    parent: str | None

    def as_row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Place:
    name: str
    level: str
    parent: str | None


class UnitExtractor:
    """Unit types, gazetteer and stopwords; build once, reuse.

    ``word_tag`` gives a word's dictionary part of speech: verbs, adverbs and
    numerals before a type (升级改造指挥中心, 四五个派出所) are not its name.
    """

    def __init__(self, word_tag: Callable[[str], str | None] | None = None) -> None:
        self.word_tag = word_tag or (lambda word: None)
        # every place of a name, filled with ``places``: 青山区 is in Baotou and Wuhan
        self._homonyms: dict[str, list[_Place]] = {}
        # what each distinct word is, decided once per extractor (the words repeat)
        self._types: Memo[str, tuple[str, str] | None] = Memo(_KEPT)
        self._names: Memo[str, bool] = Memo(_KEPT)
        self._edge_kinds: Memo[str, int] = Memo(_KEPT)
        # (name, type, level, parent) of each distinct (written, type, article city)
        self._resolved: Memo[tuple[str, str, _Place | None], Any] = Memo(_KEPT)

    @cached_property
    def types(self) -> dict[str, tuple[str, str]]:
        table = {}
        for line in shipped_lines("unit_types.txt"):
            name, level, needs = line.split("\t")
            table[name] = (level, needs)
        return table

    @cached_property
    def type_endings(self) -> tuple[frozenset[str], tuple[int, ...], frozenset[str]]:
        """Last characters, lengths (longest first) and names of the unit types."""
        names = frozenset(t for t in self.types if t != "局")
        lengths = tuple(sorted({len(t) for t in names}, reverse=True))
        return frozenset(t[-1] for t in names), lengths, names

    @cached_property
    def places(self) -> dict[str, _Place]:
        """Places by full and short name (the first of homonyms; see ``_place``)."""
        by_code: dict[str, tuple[str, str, str]] = {}
        rows = [line.split("\t") for line in shipped_lines("gazetteer.txt")]
        for code, name, level, parent, _short in rows:
            by_code[code] = (name, level, parent)
        common = common_words()
        table: dict[str, _Place] = {}
        for _code, name, level, parent, short in rows:
            parent_name = by_code.get(parent, ("", "", ""))[0] or None
            place = _Place(name, level, parent_name)
            table.setdefault(name, place)
            self._homonyms.setdefault(name, []).append(place)
            # a short form that is also a common word (公安 of 公安县, 青山) is no place,
            # unless it names a province or prefecture and jieba knows it as a place
            # name (杭州, 伊犁; provinces come first, so 海南 and 吉林 are the provinces)
            if len(short) >= 2 and (
                short not in common
                or (level in ("province", "city") and self.word_tag(short) == "ns")
            ):
                table.setdefault(short, place)
        return table

    @cached_property
    def longest_place(self) -> int:
        """The length of the longest place name."""
        return max(map(len, self.places), default=0)

    @cached_property
    def stopwords(self) -> frozenset[str]:
        return frozenset(shipped_lines("unit_stopwords.txt"))

    @cached_property
    def type_ends(self) -> re.Pattern[str]:
        """Where a unit type (or 市局, 省厅, 县局) ends in a text: its last character,
        then a look back at the types of each length that end in it."""
        written = {*self.type_endings[2], *_ABBREVIATIONS}
        by_length: dict[int, list[str]] = {}
        for name in written:
            by_length.setdefault(len(name), []).append(name)
        behind = "|".join(
            f"(?<={'|'.join(sorted(names))})"
            for _, names in sorted(by_length.items(), reverse=True)
        )
        return re.compile(f"[{''.join(sorted({name[-1] for name in written}))}](?:{behind})")

    @cached_property
    def city_of(self) -> dict[str, str]:
        """The prefecture-level city a place name counts for: itself, or a county's city."""
        table = {}
        for word, place in self.places.items():
            if place.level == "city":
                table[word] = place.name
            elif place.level == "county" and place.parent:
                table[word] = place.parent
        return table

    # ---- reading units ---------------------------------------------------------
    def unit_type(self, token: str) -> tuple[str, str] | None:
        """``(type, functional prefix)`` when a token ends in a unit type."""
        return self._types.recall(token, self._unit_type)

    def _unit_type(self, token: str) -> tuple[str, str] | None:
        if token in _ABBREVIATIONS:
            return _ABBREVIATIONS[token][1], ""
        last_chars, lengths, names = self.type_endings
        if not token or token[-1] not in last_chars:
            return None  # most tokens: one set look-up
        for length in lengths:  # the longest type the token ends in
            if length <= len(token) and token[-length:] in names:
                prefix = token[:-length]
                if prefix and (prefix in self.stopwords or not _TYPE_PREFIX.match(prefix)):
                    return None
                return token[-length:], prefix
        return None

    def find(
        self,
        text: str,
        tokens: Sequence[Token],
        doc: str = "<text>",
        word_counts: Counter[str] | None = None,
        offset: int = 0,
    ) -> list[UnitRecord]:
        """Named units in ``text`` (segmented as ``tokens``, whose words are counted
        in ``word_counts`` when the caller has counted them), in text order;
        ``offset`` is where ``text`` (and so its tokens) stand in the whole document."""
        spans: list[tuple[int, int, int, str]] = []  # first token, chars to skip, last, type
        if isinstance(tokens, Tokens):
            # whitespace tokens may be in: no name, place or type, each stops a
            # unit's reading as the gap it stands for would
            words, starts, ends = tokens.with_blanks()
        else:
            words = token_words(tokens)
            starts, ends = token_offsets(tokens)
        n = len(words)
        unit_type, is_name = self.unit_type, self._is_name
        done = 0  # tokens before this belong to a unit already read
        for i in self._type_tokens(text, words, ends, offset):
            if i < done:
                continue
            # extend rightwards over a chain: 市公安局 海岸警察 支队 岔尖 派出所
            end = i
            j = i + 1
            while j < n and starts[j] == ends[j - 1]:
                k = j
                while k < n and k - j < 3 and not unit_type(words[k]):
                    if not is_name(words[k]) or starts[k] != ends[k - 1]:
                        break
                    k += 1
                if k < n and k - j < 3 and unit_type(words[k]) and starts[k] == ends[k - 1]:
                    end = k
                    j = k + 1
                else:
                    break
            edge = self._left_edge(words, starts, ends, i)
            if edge is not None:
                spans.append((edge[0], edge[1], end, unit_type(words[end])[0]))  # type: ignore[index]
            done = end + 1
        city = self._article_city(Counter(words) if word_counts is None else word_counts)
        records = []
        for first, skip, last, found_type in spans:
            record = self._record(
                text, starts, ends, first, skip, last, found_type, city, doc, offset
            )
            if record:
                records.append(record)
        return records

    def _type_tokens(
        self, text: str, words: list[str], ends: list[int], offset: int = 0
    ) -> list[int]:
        """The tokens that end in a unit type, in order: the places where a type ends
        are found in the text (in C), and the token ending there is checked."""
        found = []
        n, unit_type = len(ends), self.unit_type
        for match in self.type_ends.finditer(text):
            at = match.end() + offset
            i = bisect_left(ends, at)
            if i < n and ends[i] == at and unit_type(words[i]):
                found.append(i)
        return found

    def _is_name(self, word: str) -> bool:
        """A place, or a word that can be (part of) a proper or functional name."""
        return self._names.recall(word, self._name_test)

    def _name_test(self, word: str) -> bool:
        if word in self.stopwords or not _HAN_ONLY.match(word):
            return False
        if word in self.places or word in _BARE_PLACES:
            return True
        tag = self.word_tag(word)
        if len(word) == 1:
            return word in _PLACE_SUFFIXES or tag in ("nr", "ns", "nz")  # 青山 路 派出所
        if tag is None and word[0] in _STOP_CHARS:
            return False  # an unknown token glued to a function word: 被市
        return len(word) <= 6 and (tag is None or tag == "vn" or tag[0] in _NAME_TAGS)

    def _left_edge(
        self, words: list[str], starts: list[int], ends: list[int], i: int
    ) -> tuple[int, int] | None:
        """First token of the unit whose type token is ``i`` and the characters of it to
        skip (the 被 of 被市); ``None`` for a bare type."""
        unit_type, prefix = self.unit_type(words[i])  # type: ignore[misc]
        needs = self.types.get(unit_type, ("", "name"))[1]
        start, skip = i, 0
        names = 1 if (prefix or words[i] in _ABBREVIATIONS) else 0
        places = 0
        j = i - 1
        edge_kinds = self._edge_kinds
        while j >= 0 and ends[j] == starts[j + 1] and i - j <= 6:
            word = words[j]
            kind = edge_kinds.recall(word, self._edge_kind)
            if kind == _STOP:
                break
            if kind == _GLUED:
                places += 1  # 被市 公安局: the unit starts after the function word
                start, skip = j, 1
                break
            if kind == _PLACE:
                places += 1
            elif kind == _TYPE:
                pass  # an enclosing unit earlier in the chain
            elif kind == _NAME and places == 0 and names < 4:
                names += 1
            else:
                break
            start = j
            j -= 1
        if needs == "none":
            return start, skip
        if places == 0 and names == 0:
            return None  # a bare type: 派出所, 分局
        if needs == "police" and start == i and not prefix:
            return None
        name_words = "".join(words[start:i]) + prefix
        if unit_type in ("中队", "派出所") and places == 0 and name_words in _BRANCHES:
            return None  # 交警中队, 交警派出所 standing alone are kinds, not units
        if j >= 0 and words[j] in _PLURAL and ends[j] == starts[start]:
            return None  # 各交警大队, 多个派出所: plural
        return start, skip

    def _edge_kind(self, word: str) -> int:
        """What ``word`` is to the leftward reading of a unit (kept in ``_edge_kinds``)."""
        if word in self.stopwords or not _HAN_ONLY.match(word):
            return _STOP
        if word[0] in _STOP_CHARS and word[1:] in _BARE_PLACES:
            return _GLUED
        if word in self.places or word in _BARE_PLACES:
            return _PLACE
        if self.unit_type(word):
            return _TYPE
        return _NAME if self._is_name(word) else _OTHER

    def _article_city(self, word_counts: Counter[str]) -> _Place | None:
        """The city an article is about: the most mentioned prefecture-level place,
        counting a county as a mention of its city (沾化 points at 滨州)."""
        city_of = self.city_of
        # each place's mentions added to its city in order of first mention (the
        # counter's order; ties go to the place mentioned first)
        counts: Counter[str] = Counter()
        for word in filter(city_of.__contains__, word_counts):
            counts[city_of[word]] += word_counts[word]
        if not counts:
            return None
        best = counts.most_common(1)[0][0]
        return self.places[best]

    def _record(
        self,
        text: str,
        starts: list[int],
        ends: list[int],
        first: int,
        skip: int,
        last: int,
        unit_type: str,
        city: _Place | None,
        doc: str,
        offset: int = 0,
    ) -> UnitRecord | None:
        start, end = starts[first], ends[last]
        start += skip
        if _PLATFORM_AFTER.match(text, end - offset):
            return None  # a platform or account named after a unit: 国家反诈中心App
        written = text[start - offset : end - offset]
        # the same unit written the same way in an article about the same city: once
        key = (written, unit_type, city)
        resolved = self._resolved.recall(key, lambda key: self._resolve(*key))
        if resolved is None:
            return None
        return UnitRecord(doc, start, end, written, *resolved)

    def _resolve(
        self, written: str, unit_type: str, city: _Place | None
    ) -> tuple[str, str, str, str | None] | None:
        """``(name, type, level, parent)`` of a unit as written, in an article about
        ``city``; ``None`` for one that cannot be placed (州公安局 elsewhere)."""
        name = written
        for short, (bare, full_type) in _ABBREVIATIONS.items():
            if name.startswith(short):
                name = bare + full_type + name[len(short) :]
        for province_length in (2, 3, 5):
            head = name[:province_length]
            place = self.places.get(head) or self.places.get(head.rstrip("省"))
            if (
                place
                and place.level == "province"
                and self._starts_with_place(name[province_length:])
            ):
                name = name[province_length:]  # 山东省滨州市公安局 → 滨州市公安局
                break
        if city and name.startswith("市") and not name.startswith("市区"):
            name = city.name + name[1:]
        elif name.startswith("州"):
            if not (city and city.name.endswith("州")):
                return None  # 州公安局 outside an autonomous prefecture's article: unknown
            name = city.name + name[1:]  # 州公安局 in an article about 伊犁哈萨克自治州
        elif city and name.startswith("省") and city.parent:
            name = city.parent + name[1:]
        level = self.types.get(unit_type, ("unit", ""))[0]
        parent = None
        head_unit = _PARENT_HEAD.match(name)
        if head_unit and head_unit.group(1) != name:
            parent = head_unit.group(1)
        elif (
            unit_type in ("支队", "指挥部", "指挥中心", "反诈中心")
            and city
            and not (name[:2] in self.places or name.startswith(city.name))
        ):
            # a city's squad or office named by function only: 特巡警支队
            parent = city.name + "公安局"
            name = parent + name
        elif unit_type in ("分局", "公安分局", "派出所", "大队"):
            place = self._leading_place(name, city)
            if place and place.level == "county" and place.parent:
                parent = place.parent + "公安局"
            elif city:
                parent = city.name + "公安局"
        if unit_type == "公安局" and not written.startswith("市"):
            place = self._leading_place(name, city)
            if place and place.level == "county":
                level = "county"
                parent = (place.parent + "公安局") if place.parent else None
        return name, unit_type, level, parent

    def _starts_with_place(self, rest: str) -> bool:
        """Whether ``rest`` starts with a place name of two characters or more."""
        longest = min(self.longest_place, len(rest))
        return any(rest[:length] in self.places for length in range(2, longest + 1))

    def _leading_place(self, name: str, city: _Place | None = None) -> _Place | None:
        """The place a name starts with; among homonyms, the one in the article's city."""
        for length in range(min(6, len(name)), 1, -1):
            place = self.places.get(name[:length])
            if place:
                if city:
                    for other in self._homonyms.get(place.name, []):
                        if other.parent == city.name:
                            return other
                return place
        return None

    def units(self, document: Document) -> list[UnitRecord]:
        """The named units of a segmented document, with offsets into its whole text."""
        return self.find(
            document.text, document.tokens, document.doc, document.word_counts, document.offset
        )


def unit_tree(records: list[dict[str, Any]]) -> list[tuple[str, int, str | None]]:
    """``(name, mentions, parent)`` for every resolved unit and every parent named."""
    counts: Counter[str] = Counter(r["name"] for r in records)
    parents: dict[str, str | None] = {}
    for record in records:
        parents.setdefault(record["name"], record["parent"])
        if record["parent"]:
            parents.setdefault(record["parent"], None)
            counts.setdefault(record["parent"], 0)
    return [(name, counts[name], parents.get(name)) for name in sorted(counts)]
