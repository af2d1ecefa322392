"""Named police units: found on the tokens, resolved, placed in the hierarchy.

A unit is a unit type (公安局, 派出所, 支队, 警务处, 警政署 … ``data/unit_types.txt``;
also where the segmenter cut it: 反/电信网络诈骗/中心) read leftwards over the
tokens before it: places from the gazetteers (滨州市, 沾化, 山东省; towns and streets
from ``townships.txt``; Hong Kong and Taiwan from ``regions_extra.txt``), the bare
市/省/县/区 of an article about one place, proper or functional names (台子, 特巡警,
海岸警察, 侦查 of ``unit_names.txt``), numbers of sub-units (三大队), a quoted
campaign and the units it belongs to (市公安局 in 市公安局沾化分局), until a verb,
title, person, pronoun, generic marker or function word (``unit_stopwords.txt``).
A type with no name (派出所, 各派出所) is no unit, nor is one of a body outside the
police (``unit_nonpolice.txt``: 应急指挥中心, 消防救援支队).
Short forms are resolved against the article's own city (市公安局, 市局 →
滨州市公安局 in a Binzhou article), and a short form of a unit the article also
names in full takes the full name (柳林派出所 → 吕梁市公安局柳林派出所). Each unit
gets its ``region``: the province, autonomous region or municipality, or 香港,
澳门, 台湾, from its own place, its type (警政署, 治安警察局) or the article's city.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from functools import cached_property
from typing import Any

from policetext.datafiles import common_words, data_path, shipped_lines
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
_ABBREVIATIONS = {
    "市局": ("市", "公安局"), "省厅": ("省", "公安厅"), "县局": ("县", "公安局"),
    "州局": ("州", "公安局"),
}  # fmt: skip
# one-character tokens that end a place or road name (青山路, 台子村)
_PLACE_SUFFIXES = set("路街道巷村镇乡港湾岛山桥口屯寨庄岭河站")
# parts of speech that can name a unit: nouns, names, places, organisations,
# verbal nouns, abbreviations, idioms as names (not verbs, adverbs, numerals)
_NAME_TAGS = set("nbsjlgi")  # and vn, checked apart
_PLATFORM_AFTER = re.compile(r"(?:App|APP|app|平台|公众号|微信|微博|抖音|热线|客户端)")
# plural and list words: 各派出所, 基层派出所; 北京、上海等铁路公安局 (a shared head)
_PLURAL = {
    "各", "各个", "各级", "多个", "每个", "诸多", "全市", "全省", "全县", "基层", "等", "等地",
}  # fmt: skip
_STOP_CHARS = set("在由和与及或对向为被将把从到是等的了并经于这那我你他她其此该")
# a numbered sub-unit: 三大队, 第四分局, 第五中队 (两 counts, it names nothing)
_ORDINAL = re.compile(r"^第?[一二三四五六七八九十0-9]{1,3}$")
# counted places and kinds, never a name: 两市, 三县, 各区; 两个, 三个 (plural)
_COUNTED = re.compile(r"^[两二三四五六七八九十几多数各]+(?:[省市县区州地]|个)$")
# nationalities and autonomy in a prefecture's or county's name: 傣族, 自治州
_AUTONOMY = re.compile(rf"^(?:[{HAN}]{{1,4}}族|自治州|自治县|自治旗)$")
# where townships.txt's lines (name, province) start after its header
_TOWN_BODY = re.compile(r"^[^#\n]", re.MULTILINE)
# titles and ranks of people (分局长, 派出所所长, 教导员): never part of a name
_TITLE = re.compile(
    rf"^[{HAN}]{{0,3}}(?:局长|所长|队长|厅长|部长|处长|站长|科长|政委|教导员|指导员|"
    r"书记|主任|警长|警司|警员|员警|民警|辅警)$"
)
# Taiwan's stations written with 所 alone before their officers: 勤工所警员
_SHORT_STATION = re.compile(rf"([{HAN}]{{2}})所(?=员警|警员)")
# a person written as a surname and 某 (李某, 王某某), never part of a name
_PERSON = re.compile(rf"^[{HAN}]某+$")
# what points back at a unit named before (该支队, 本局): the bare type after it is
# a reference, and the unit read leftwards starts after it
_REFERENCES = {"该", "本", "此", "这", "其", "这个", "那个"}
# quotation marks around a campaign's name inside a unit name (“净网”专项行动办公室)
_QUOTES = {"”": "“", "」": "「", "’": "‘"}
# provinces as they name a region (香港特别行政区 → 香港)
_REGION_SHORT = {"香港特别行政区": "香港", "澳门特别行政区": "澳门", "台湾省": "台湾"}
_ABROAD = frozenset({"香港", "澳门", "台湾"})
# unit types only Hong Kong, Macao or Taiwan have: their region without a place
_TYPE_REGIONS = {
    "警务处": "香港", "总区": "香港", "警区": "香港", "警署": "香港",
    "警察总局": "澳门", "治安警察局": "澳门", "治安警局": "澳门", "司法警察局": "澳门",
    "司警局": "澳门",
    "警务厅": "澳门", "警司处": "澳门",
    "警政署": "台湾", "刑事警察局": "台湾", "刑事局": "台湾", "政府警察局": "台湾",
    "警局": "台湾", "分驻所": "台湾", "侦查队": "台湾",
}  # fmt: skip
# the full names of Hong Kong, Macao and Taiwan's top bodies written short, and
# what each belongs to: 刑事局 → 刑事警察局 of the 警政署
_ABROAD_NAMES = {
    "警务处": ("香港警务处", None), "刑事局": ("刑事警察局", "警政署"),
    "刑事警察局": ("刑事警察局", "警政署"), "司警局": ("司法警察局", None),
    "治安警局": ("治安警察局", None),
}  # fmt: skip
# district names that many cities share: they never place a unit by themselves
_SHARED_DISTRICTS = frozenset(
    "城区 郊区 矿区 市中区 城中区 开发区 高新区 经开区 新区 东区 西区 南区 北区 中区".split()
)
# police branches: a squad named only by its branch (交警中队) is generic
_BRANCHES = {"交警", "刑警", "特警", "巡警", "治安", "刑侦", "经侦", "网安", "禁毒", "派出所"}
# a city has a traffic squad in every district: 交警大队 alone names a kind
_TRAFFIC = {"交警", "交通警察", "交巡警"}
# a unit name's parent: the name up to its first bureau, if anything follows
_PARENT_HEAD = re.compile(
    r"^(.+?(?:公安局|公安厅|分局|公安处|警察局|警局|警务处|警政署|警察总局)"
    r"|公安部|警政署|警务处|警察总局|治安警察局|司法警察局)(?=.)"
)
# a full name that ends in a short one right after a type of its own (…公安局|柳林派出所)
_UNIT_BEFORE = re.compile(r"(?:公安局|公安厅|分局|公安处|支队|总队|大队|警察局|警局|公安部)$")
# what a token before a unit type is to the leftward reading (see _left_edge)
_STOP, _GLUED, _PLACE, _TYPE, _NAME, _OTHER, _ORD, _QUOTE, _NON_POLICE = range(1, 10)
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
    region: str = ""

    def as_row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Place:
    name: str
    level: str
    parent: str | None
    region: str = ""


class _Towns:
    """``name → province`` of townships.txt, looked up by binary search in its
    sorted text: 56,000 names kept as one string, not a dict of them (units run on
    every document of ``stats``, whose memory and start-up this keeps low)."""

    def __init__(self, text: str) -> None:
        body = _TOWN_BODY.search(text)
        self.text = "\n" + text[body.start() if body else len(text) :]

    def get(self, name: str, default: str | None = None) -> str | None:
        """The province of a town's name; ``default`` for no town's."""
        text = self.text
        low, high = 1, len(text)  # both always at the start of a line
        while low < high:
            start = text.rfind("\n", low - 1, (low + high) // 2) + 1
            end = text.find("\n", start)
            tab = text.find("\t", start, end)
            found = text[start:tab]
            if found == name:
                return text[tab + 1 : end]
            if found < name:
                low = end + 1
            else:
                high = start
        return default

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None


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
        self._longest_types: Memo[str, int] = Memo(_KEPT)
        self._town_names: Memo[str, bool] = Memo(_KEPT)
        # (name, type, level, parent, region) of each distinct (written, type, article city)
        self._resolved: Memo[tuple[str, str, _Place | None], Any] = Memo(_KEPT)
        # the article city of the last word counts asked about: units and stats'
        # place both ask for it of the same document, and it is worked out once
        self._last_city: tuple[Counter[str], _Place | None] | None = None

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
        by_code = self._gazetteer_codes
        rows = [line.split("\t") for line in shipped_lines("gazetteer.txt")]
        common = common_words()
        table: dict[str, _Place] = {}
        for code, name, level, parent, short in rows:
            parent_name = by_code.get(parent, ("", "", ""))[0] or None
            place = _Place(name, level, parent_name, self._region_of_code(code))
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
            if name.endswith("自治州") and len(short) >= 2:
                table.setdefault(short + "州", place)  # 黔南州, 延边州: as the press writes them
        return table

    @cached_property
    def _gazetteer_codes(self) -> dict[str, tuple[str, str, str]]:
        """``code → (name, level, parent code)`` of the gazetteer."""
        by_code = {}
        for line in shipped_lines("gazetteer.txt"):
            code, name, level, parent, _short = line.split("\t")
            by_code[code] = (name, level, parent)
        return by_code

    def _region_of_code(self, code: str) -> str:
        """The region of a division code: its province (香港, 澳门, 台湾 by short name)."""
        province = self._gazetteer_codes.get(code[:2] + "0000", ("",))[0]
        return _REGION_SHORT.get(province, province)

    @cached_property
    def towns(self) -> _Towns:
        """Towns, townships and streets by full and short name: their province, or ""
        for a name towns of several provinces share (城关, 太平)."""
        return _Towns(data_path("townships.txt").read_text(encoding="utf-8"))

    @cached_property
    def extra_places(self) -> dict[str, tuple[str, str]]:
        """Hong Kong, Macao and Taiwan places the gazetteer lacks: ``(region, full name)``."""
        table = {}
        for line in shipped_lines("regions_extra.txt"):
            name, region, full = line.split("\t")
            table[name] = (region, full)
        return table

    @cached_property
    def unit_names(self) -> frozenset[str]:
        """Functional and proper names of units that jieba tags otherwise (侦查, 警)."""
        return frozenset(shipped_lines("unit_names.txt"))

    @cached_property
    def longest_place(self) -> int:
        """The length of the longest place name."""
        return max(map(len, self.places), default=0)

    @cached_property
    def stopwords(self) -> frozenset[str]:
        return frozenset(shipped_lines("unit_stopwords.txt"))

    @cached_property
    def non_police(self) -> frozenset[str]:
        """Words of bodies outside the police that share its unit types (应急, 消防)."""
        return frozenset(shipped_lines("unit_nonpolice.txt"))

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
            if word in _SHARED_DISTRICTS or place.name in _SHARED_DISTRICTS:
                continue  # 城区, 郊区: many cities have one
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
                if prefix and (
                    prefix in self.stopwords
                    or prefix in self.non_police
                    or not _TYPE_PREFIX.match(prefix)
                ):
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
        in ``word_counts`` when the caller has counted them), in text order; the
        records are made with ``offset`` added (where ``text`` stands in a whole
        document), the tokens' offsets being those of ``text`` itself."""
        spans: list[tuple[int, int, int, str]] = []  # first token, chars to skip, last, type
        if isinstance(tokens, Tokens):
            # whitespace tokens may be in: no name, place or type, each stops a
            # unit's reading as the gap it stands for would
            words, starts, ends = tokens.with_blanks()
        else:
            words = token_words(tokens)
            starts, ends = token_offsets(tokens)
        type_tokens, merges = self._type_tokens(text, words, starts, ends)
        if merges:
            # a type written over several tokens (反/电信网络诈骗/中心, 分驻/所): one token
            words, starts, ends = _merged(text, words, starts, ends, merges)
            type_tokens, _ = self._type_tokens(text, words, starts, ends)
        n = len(words)
        unit_type, is_name, stopwords = self.unit_type, self._is_name, self.stopwords
        done = 0  # tokens before this belong to a unit already read
        for i in type_tokens:
            if i < done:
                continue
            # extend rightwards over a chain: 市公安局 海岸警察 支队 岔尖 派出所
            end = i
            j = i + 1
            while j < n and starts[j] == ends[j - 1]:
                k = j
                while k < n and k - j < 4 and not unit_type(words[k]):
                    if starts[k] != ends[k - 1]:
                        break
                    if words[k] in stopwords:
                        break  # 派出所 民警: most chains end at once
                    if not (is_name(words[k]) or self._chain_word(words, starts, ends, k)):
                        town = self._town_run(words, starts, ends, k)
                        if not town:
                            break
                        k += town - 1  # 四棵 树: a town's name cut in two
                    k += 1
                if k < n and k - j < 4 and unit_type(words[k]) and starts[k] == ends[k - 1]:
                    end = k
                    j = k + 1
                else:
                    break
            edge = self._left_edge(words, starts, ends, i)
            if (
                edge is None
                and not all(map(unit_type, words[i : end + 1]))  # a name in the chain
                and (
                    i == 0
                    or ends[i - 1] != starts[i]
                    or words[i - 1] in _REFERENCES
                    or not _HAN_ONLY.match(words[i - 1])
                )
            ):
                # a chain that opens with a bare type names its unit all the same
                # (分局解放路派出所…), unless the type only points back (该支队)
                points_back = i and words[i - 1] in _REFERENCES and ends[i - 1] == starts[i]
                edge = (i + 1 if points_back else i), 0
            if edge is not None:
                while spans and spans[-1][0] >= edge[0]:
                    spans.pop()  # read again inside this one: 省公安厅 of 省公安厅“净网”…办公室
                spans.append((edge[0], edge[1], end, unit_type(words[end])[0]))  # type: ignore[index]
            done = end + 1
        if "所员警" in text or "所警员" in text:
            spans = sorted(spans + self._short_stations(text, words, starts, ends))
        if not spans:
            return []
        city = self._article_city(Counter(words) if word_counts is None else word_counts)
        records = self._records(text, starts, ends, spans, city, doc, offset)
        if city and city.region not in _ABROAD and any(r.region in _ABROAD for r in records):
            # an article about Hong Kong, Macao or Taiwan whose words also name a
            # mainland city (东区, 中山): its units take no mainland city
            placed = self._records(text, starts, ends, spans, None, doc, offset)
            regions = {r.region for r in placed} - {""}
            if len(regions) == 1 and regions <= _ABROAD:
                (region,) = regions
                records = [r if r.region else replace(r, region=region) for r in placed]
        return _one_name_per_unit(records)

    def _records(
        self,
        text: str,
        starts: list[int],
        ends: list[int],
        spans: list[tuple[int, int, int, str]],
        city: _Place | None,
        doc: str,
        offset: int = 0,
    ) -> list[UnitRecord]:
        records = []
        for first, skip, last, found_type in spans:
            record = self._record(
                text, starts, ends, first, skip, last, found_type, city, doc, offset
            )
            if record:
                records.append(record)
        return records

    def _type_tokens(
        self, text: str, words: list[str], starts: list[int], ends: list[int]
    ) -> tuple[list[int], list[tuple[int, int]]]:
        """The tokens that end in a unit type, in order, and the runs of tokens
        ``(first, last)`` a type is written over: the places where a type ends are
        found in the text (in C), and the token ending there is checked."""
        found: list[int] = []
        merges: list[tuple[int, int]] = []
        n, unit_type = len(ends), self.unit_type
        longest, window = self._longest_types.recall, self.longest_type
        for match in self.type_ends.finditer(text):
            at = match.end()
            i = bisect_left(ends, at)
            if i >= n or ends[i] != at:
                continue
            # the longest type ending here, if it starts in a token before this one
            # (decided once per distinct stretch of text before a type's end)
            begin = at - longest(text[max(0, at - window) : at], self._longest_type_in)
            if begin < starts[i]:
                first = bisect_right(starts, begin) - 1
                if starts[first] == begin or self._is_name(text[starts[first] : begin]):
                    if not merges or merges[-1][1] < first:
                        merges.append((first, i))
                    continue
            if unit_type(words[i]):
                found.append(i)
        return found, merges

    def _short_stations(
        self, text: str, words: list[str], starts: list[int], ends: list[int]
    ) -> list[tuple[int, int, int, str]]:
        """Taiwan's stations written with 所 alone before their officers (勤工所警员,
        立德所员警: 员警 and 警员 are Taiwan's words): spans of two-character names."""
        found = []
        for match in _SHORT_STATION.finditer(text):
            first = bisect_left(starts, match.start())
            last = bisect_left(ends, match.end())
            if (
                first < len(starts)
                and starts[first] == match.start()
                and last < len(ends)
                and ends[last] == match.end()
                and self._is_name(match.group(1))
                and self.word_tag(match.group(0)) is None  # 研究所, 事务所: words of their own
                and not self.unit_type(match.group(0))  # 分驻所: read as a type already
            ):
                found.append((first, 0, last, "派出所"))
        return found

    @cached_property
    def longest_type(self) -> int:
        """The length of the longest unit type."""
        return self.type_endings[1][0]

    def _longest_type_in(self, stretch: str) -> int:
        """The length of the longest unit type (or 市局, 州局 …) ``stretch`` ends in."""
        names = self.type_endings[2]
        for length in self.type_endings[1]:
            if length <= len(stretch) and (
                stretch[-length:] in names or stretch[-length:] in _ABBREVIATIONS
            ):
                return length
        return 0

    def _town_run(self, words: list[str], starts: list[int], ends: list[int], k: int) -> int:
        """How many tokens from ``k`` on (2 or 3) spell a town's name, else 0."""
        joined = words[k]
        if joined in self.stopwords or not _HAN_ONLY.match(joined):
            return 0
        for run in (2, 3):
            last = k + run - 1
            if last >= len(words) or starts[last] != ends[last - 1]:
                return 0
            joined += words[last]
            if self._is_town(joined):
                return run
        return 0

    def _is_town(self, name: str) -> bool:
        """Whether ``name`` is a town's (decided once per extractor)."""
        return self._town_names.recall(name, self.towns.__contains__)

    def _chain_word(self, words: list[str], starts: list[int], ends: list[int], k: int) -> bool:
        """Whether a word that is no name may still stand between two units of a chain
        (前进 in 市公安局前进派出所): one Han word, no stopword, right before a type."""
        word = words[k]
        return (
            word not in self.stopwords
            and k + 1 < len(words)
            and starts[k + 1] == ends[k]
            and bool(_HAN_ONLY.match(word))
            and word[0] not in _STOP_CHARS
            and "某" not in word
            and self.unit_type(words[k + 1]) is not None
        )

    def _is_name(self, word: str) -> bool:
        """A place, or a word that can be (part of) a proper or functional name."""
        return self._names.recall(word, self._name_test)

    def _name_test(self, word: str) -> bool:
        if word in self.stopwords or not _HAN_ONLY.match(word):
            return False
        if word in self.places or word in _BARE_PLACES or word in self.unit_names:
            return True
        if _ORDINAL.match(word):
            return True  # 交通警察支队 三 大队
        tag = self.word_tag(word)
        if _PERSON.match(word):
            return False  # 李某: a person (jieba's nr also tags place names: 立德, 花莲)
        if len(word) == 1:
            return word in _PLACE_SUFFIXES or tag in ("nr", "ns", "nz")  # 青山 路 派出所
        if tag is None and word[0] in _STOP_CHARS:
            return False  # an unknown token glued to a function word: 被市
        longest = 8 if tag in ("nt", "ns") else 6  # 新疆生产建设兵团
        return len(word) <= longest and (tag is None or tag == "vn" or tag[0] in _NAME_TAGS)

    def _left_edge(
        self, words: list[str], starts: list[int], ends: list[int], i: int
    ) -> tuple[int, int] | None:
        """First token of the unit whose type token is ``i`` and the characters of it to
        skip (the 被 of 被市); ``None`` for a bare type."""
        unit_type, prefix = self.unit_type(words[i])  # type: ignore[misc]
        needs = self.types.get(unit_type, ("", "name"))[1]
        start, skip = i, 0
        names = 1 if (prefix or words[i] in _ABBREVIATIONS) else 0
        places = units = 0
        bare_type = -1  # a bare type read leftwards (支队 of 该支队靖西…大队)
        quoted: tuple[int, int, int] | None = None
        j = i - 1
        edge_kinds = self._edge_kinds
        while j >= 0 and ends[j] == starts[j + 1] and i - j <= 8:
            word = words[j]
            kind = edge_kinds.recall(word, self._edge_kind)
            if kind == _NON_POLICE:
                return None  # 县疫情防控指挥部, 市消防救援支队: no police unit
            if kind == _QUOTE:
                # a quoted campaign name inside the unit's: “净网”专项行动办公室
                opening = self._quote_start(words, starts, ends, j)
                if opening < 0 or names >= 4:
                    break
                quoted = opening, j + 1, names  # where it opens, what follows, names before
                names += 1
                start = j = opening
                j -= 1
                continue
            if kind == _STOP:
                if word == "和" and names and self._joins_names(words, starts, ends, j):
                    start = j  # 公安局 边防 和 港航 分局: one office of two functions
                    j -= 1
                    continue
                if word == "公安" and names and j and self._place_before(words, starts, ends, j):
                    start = j  # 广西 公安 边防 总队: a place's police named in full
                    j -= 1
                    continue
                cut = self._glued_place(words, j, i) if len(word) > 1 and j < i - 1 else 0
                if cut:
                    places += 1  # 分局长 泰 派出所: 长泰, its first character glued to a title
                    start, skip = j, cut
                break
            if kind == _GLUED:
                places += 1  # 被市 公安局: the unit starts after the function word
                start, skip = j, 1
                break
            if kind == _OTHER or (kind == _NAME and places and word not in self.unit_names):
                back = self._cut_place(words, starts, ends, j, i)
                if back < 0:
                    cut = self._glued_place(words, j, i)
                    if cut:
                        places += 1  # 与前 镇 分局: 前镇, glued to the function word
                        start, skip = j, cut
                    break
                kind, j = _PLACE, j - back  # 四棵 树 派出所, 北 市警局: a place cut in two
            if kind == _PLACE:
                places += 1
            elif kind == _TYPE:
                units += 1  # an enclosing unit earlier in the chain
                if self.unit_type(word)[1] == "" and word not in _ABBREVIATIONS:  # type: ignore[index]
                    bare_type = j
            elif kind == _ORD and places == 0:
                names += 1  # 第四 分局, 三 大队: a numbered sub-unit
            elif kind == _NAME and (places == 0 or word in self.unit_names) and names < 4:
                names += 1  # and a function before a place: 民航 上海 机场公安局
            else:
                break
            start = j
            j -= 1
        if quoted and start == quoted[0]:
            # nothing names the unit before the quotation: it is an honour or a
            # kind (创建“枫桥式”派出所), and the unit starts after it
            start, names = quoted[1], quoted[2]
        if start == bare_type and j >= 0 and words[j] in _REFERENCES:
            start += 1  # 该支队 凭祥边境管理大队: the unit starts after the reference
        if needs == "none":
            return start, skip
        if places == 0 and (names == 0 or needs == "place"):
            return None  # a bare type: 派出所, 分局; 带返警局 (警局 follows a place)
        if needs == "police" and not units:
            return None  # 新闻办公室 of 市政府: an office of a police unit only
        name_words = "".join(words[start:i]) + prefix
        if places == 0 and (
            (unit_type in ("中队", "派出所") and name_words in _BRANCHES)
            or (unit_type == "大队" and name_words in _TRAFFIC)
        ):
            return None  # 交警中队, 交警派出所, 交警大队 standing alone are kinds, not units
        if (
            j >= 0
            and ends[j] == starts[start]
            and (words[j] in _PLURAL or _COUNTED.match(words[j]))
        ):
            return None  # 各交警大队, 多个派出所: plural
        return start, skip

    def _place_before(self, words: list[str], starts: list[int], ends: list[int], j: int) -> bool:
        """Whether a place stands right before token ``j``."""
        return (
            ends[j - 1] == starts[j]
            and self._edge_kinds.recall(words[j - 1], self._edge_kind) == _PLACE
        )

    def _joins_names(self, words: list[str], starts: list[int], ends: list[int], j: int) -> bool:
        """Whether the 和 at token ``j`` joins two functional names inside one unit's
        name: a name before it, right after a unit of the chain (公安局边防和港航分局)."""
        if j < 2 or ends[j - 2] != starts[j - 1] or ends[j - 1] != starts[j]:
            return False
        kinds = self._edge_kinds
        return (
            kinds.recall(words[j - 1], self._edge_kind) == _NAME
            and kinds.recall(words[j - 2], self._edge_kind) == _TYPE
        )

    def _glued_place(self, words: list[str], j: int, i: int) -> int:
        """How many characters of token ``j`` (no name) go before a place's name whose
        first one or two characters the segmenter glued to it, the rest being the
        next token (与前 镇, 分局长 泰); 0 for none."""
        word = words[j]
        if len(word) < 2 or j + 1 >= i:
            return 0
        after = words[j + 1]
        for kept in (1, 2):
            if kept < len(word):
                joined = word[-kept:] + after
                if self._is_place_name(joined):
                    return len(word) - kept
        return 0

    def _is_place_name(self, name: str) -> bool:
        """Whether ``name`` is a place's: the gazetteer's, Hong Kong's or Taiwan's, a town's."""
        return name in self.places or name in self.extra_places or self._is_town(name)

    def _two_places(self, word: str) -> bool:
        """A token that is a place written after its province: 云南省西双版纳傣族自治州."""
        places = self.places
        return len(word) > 4 and any(
            word[:k] in places and word[k:] in places for k in range(2, len(word) - 1)
        )

    def _cut_place(
        self, words: list[str], starts: list[int], ends: list[int], j: int, i: int
    ) -> int:
        """A place whose name the segmenter cut in two, ending at token ``j`` (四棵 树)
        or going on into the next (北 市警局): how many tokens before ``j`` it takes,
        or -1 for none."""
        word = words[j]
        if len(word) == 1:  # 北 + 市 of 市警局, 高 + 新庄
            after = words[j + 1]
            if j + 1 == i:
                after = after[: len(self.unit_type(after)[1])]  # type: ignore[index]
            for length in (1, 2):
                joined = word + after[:length]
                if self._is_place_name(joined):
                    return 0
        joined = word
        for back in (1, 2):
            k = j - back
            if k < 0 or ends[k] != starts[k + 1]:
                break
            joined = words[k] + joined
            if self._is_place_name(joined):
                return back
        return -1

    def _quote_start(self, words: list[str], starts: list[int], ends: list[int], j: int) -> int:
        """The token of the opening mark of the quotation that ends at token ``j``
        (a few Han words inside), else -1."""
        opening = _QUOTES[words[j]]
        k = j - 1
        while k >= 0 and j - k <= 4 and ends[k] == starts[k + 1]:
            if words[k] == opening:
                return k if k < j - 1 else -1
            if not _HAN_ONLY.match(words[k]):
                return -1
            k -= 1
        return -1

    def _edge_kind(self, word: str) -> int:
        """What ``word`` is to the leftward reading of a unit (kept in ``_edge_kinds``)."""
        if word in _QUOTES:
            return _QUOTE
        if word in self.non_police:
            return _NON_POLICE
        if (
            word in self.stopwords
            or not _HAN_ONLY.match(word)
            or _PERSON.match(word)
            or _TITLE.match(word)
        ):
            return _STOP
        if word[0] in _STOP_CHARS and word[1:] in _BARE_PLACES:
            return _GLUED
        if _COUNTED.match(word):
            return _STOP
        if (
            word in self.places
            or word in _BARE_PLACES
            or word in self.extra_places
            or _AUTONOMY.match(word)
            or self._two_places(word)
        ):
            return _PLACE
        if self.unit_type(word):
            return _TYPE
        if _ORDINAL.match(word):
            return _ORD
        if word in self.towns and word not in self.unit_names:
            # a town's name: a place, unless it is also a common word (前进, 太平)
            return _NAME if word in common_words() else _PLACE
        return _NAME if self._is_name(word) else _OTHER

    def article_place(self, word_counts: Counter[str]) -> str:
        """Where an article is: its province (or region) and the city it is about, as
        units resolve short names against it (``山东省滨州市``); ``""`` when no place
        or a national story."""
        city = self._article_city(word_counts)
        if city is None:
            return ""
        region = city.region or (city.parent or "")
        return city.name if not region or city.name.startswith(region) else region + city.name

    def _article_city(self, word_counts: Counter[str]) -> _Place | None:
        """The city an article is about (see ``_city_of_counts``), worked out once for
        the same counts asked about again (as they are not changed in between)."""
        last = self._last_city
        if last is not None and last[0] is word_counts:
            return last[1]
        city = self._city_of_counts(word_counts)
        self._last_city = (word_counts, city)
        return city

    def _city_of_counts(self, word_counts: Counter[str]) -> _Place | None:
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
        (best, mentions), *_ = counts.most_common(1)
        if mentions < 2 and word_counts.get("公安部"):
            return None  # a national story: its dateline's city is no place of its units
        # a county-level city named more often than its prefecture is the city of a
        # bare 市 (定州市公安局 … 市公安局 in a Dingzhou article)
        towns_of = self._county_cities
        if not any(map(towns_of.__contains__, word_counts)):
            return self.places[best]  # most articles: no county-level city (in C)
        own: Counter[str] = Counter()  # mentions of the city, and of each such town
        for word in filter(towns_of.__contains__, word_counts):
            own[towns_of[word]] += word_counts[word]
        for word in filter(city_of.__contains__, word_counts):
            if city_of[word] == best and self.places[word].level == "city":
                own[best] += word_counts[word]
        for name, count in own.most_common(2):
            place = self.places[name]
            if place.level == "county" and place.parent == best and count > own[best]:
                return place
        return self.places[best]

    @cached_property
    def _county_cities(self) -> dict[str, str]:
        """County-level cities by full and short name (定州市, 定州 → 定州市)."""
        return {
            word: place.name
            for word, place in self.places.items()
            if place.level == "county" and place.name.endswith("市")
        }

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
        if _PLATFORM_AFTER.match(text, end):
            return None  # a platform or account named after a unit: 国家反诈中心App
        written = text[start:end]
        # the same unit written the same way in an article about the same city: once
        key = (written, unit_type, city)
        resolved = self._resolved.recall(key, lambda key: self._resolve(*key))
        if resolved is None:
            return None
        return UnitRecord(doc, start + offset, end + offset, written, *resolved)

    def _resolve(
        self, written: str, unit_type: str, city: _Place | None
    ) -> tuple[str, str, str, str | None, str] | None:
        """``(name, type, level, parent, region)`` of a unit as written, in an article
        about ``city``; ``None`` for one that cannot be placed (州公安局 elsewhere)."""
        name = written
        region = ""
        for short, (bare, full_type) in _ABBREVIATIONS.items():
            if name.startswith(short):
                name = bare + full_type + name[len(short) :]
        for province_length in (2, 3, 5, 7, 8):
            head = name[:province_length]
            place = self.places.get(head) or self.places.get(head.rstrip("省"))
            if (
                place
                and place.level == "province"
                and self._starts_with_place(name[province_length:])
            ):
                region = place.region
                name = name[province_length:]  # 山东省滨州市公安局 → 滨州市公安局
                break
        name = self._without_prefecture(name)
        head = name.find("州", 2, 6)
        if head > 0:
            prefecture = self.places.get(name[:head])
            if prefecture and prefecture.level == "city" and prefecture.name.endswith("自治州"):
                name = prefecture.name + name[head + 1 :]  # 黔东南州公安局 → 黔东南苗族侗族自治州…
        if city and name.startswith("市") and not name.startswith("市区"):
            name = city.name + name[1:]
        elif name.startswith("州"):
            if not (city and city.name.endswith("州")):
                return None  # 州公安局 outside an autonomous prefecture's article: unknown
            name = city.name + name[1:]  # 州公安局 in an article about 伊犁哈萨克自治州
        elif city and name.startswith("省") and city.parent:
            name = (city.parent if city.level == "city" else city.region) + name[1:]
        level = self.types.get(unit_type, ("unit", ""))[0]
        if name == "铁路公安局":
            return name, unit_type, "bureau", "公安部", ""  # the Ministry's railway police
        if level == "region":  # 澳门治安警察局, 内政部警政署: one name for each body
            name = name.removeprefix("澳门").removeprefix("内政部").removeprefix("台湾")
        if name in _ABROAD_NAMES:
            full, above = _ABROAD_NAMES[name]
            return full, unit_type, level, above, _TYPE_REGIONS[unit_type]
        for length in range(min(4, len(name) - 2), 1, -1):
            extra = self.extra_places.get(name[:length])
            if extra and extra[1] != name[:length] and name.startswith("警局", length):
                name = extra[1] + "政府警察局" + name[length + 2 :]  # 中市警局 → 台中市政府警察局
                if unit_type == "警局":
                    unit_type = "政府警察局"
                break
        region = region or self._region(name, unit_type, city)
        abroad = region in _ABROAD
        parent = None
        head_unit = _PARENT_HEAD.match(name)
        if head_unit and head_unit.group(1) != name:
            parent = head_unit.group(1)
        elif (
            region == "澳门"
            and name.startswith(("治安警", "司警"))
            and not name.startswith(("治安警察局", "司警局"))
        ):
            # 治安警警务厅…: a department of the Public Security or Judiciary Police
            parent = "治安警察局" if name.startswith("治安警") else "司法警察局"
        elif unit_type in ("总区", "警区", "警署") and region == "香港":
            parent = "香港警务处"  # 港岛总区, 油尖警区: regions and districts of the Force
        elif (level == "bureau" and not region) or name.endswith("铁路公安局"):
            parent = "公安部"  # 治安管理局 standing alone, 上海铁路公安局: the Ministry's
        elif abroad or level in ("ministry", "bureau", "region"):
            pass  # never a mainland city's bureau: 油尖警区, 警政署
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
        if unit_type == "公安局" and written.startswith("市") and city and city.level == "county":
            level, parent = "county", city.parent + "公安局"  # 市公安局 of a county-level city
        elif unit_type == "公安局" and not written.startswith("市"):
            place = self._leading_place(name, city)
            if place and place.level == "county":
                level = "county"
                parent = (place.parent + "公安局") if place.parent else None
        return name, unit_type, level, parent, region

    def _without_prefecture(self, name: str) -> str:
        """A county's unit without the prefecture before it, as the article's short
        form has it: 西双版纳傣族自治州景洪市公安局 → 景洪市公安局."""
        for length in range(min(12, len(name) - 2), 1, -1):
            prefecture = self.places.get(name[:length])
            if prefecture is None or prefecture.level != "city":
                continue
            rest = name[length:]
            county = self._leading_place(rest)
            if county and county.level == "county" and county.parent == prefecture.name:
                for other in self._homonyms.get(county.name, []):
                    if other.parent == prefecture.name:
                        return rest
            break
        return name

    def _region(self, name: str, unit_type: str, city: _Place | None) -> str:
        """The province, autonomous region or municipality (or 香港, 澳门, 台湾) of a
        unit: from its type, the place it starts with, or the article's city."""
        if unit_type in _TYPE_REGIONS:
            return _TYPE_REGIONS[unit_type]
        for length in range(min(6, len(name)), 1, -1):
            extra = self.extra_places.get(name[:length])
            if extra and name[:length] not in self.places:  # 大埔县 is in Guangdong
                return extra[0]
        place = self._leading_place(name, city)
        if place and place.region:
            if place.name not in _SHARED_DISTRICTS or (city and place.parent == city.name):
                return place.region
        if name.startswith("公安部") or self.types.get(unit_type, ("",))[0] == "bureau":
            return ""
        for length in range(min(5, len(name)), 1, -1):
            if _ORDINAL.match(name[:length]) or name[:length] in _SHARED_DISTRICTS:
                break  # 第三分局, 郊区分局: no town
            region = self.towns.get(name[:length])
            if region:
                return region
        return city.region if city else ""

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
                if place.name in _SHARED_DISTRICTS or name[:length] in _SHARED_DISTRICTS:
                    return None  # 城区分局 places nothing by itself
                return place
        return None

    def units(self, document: Document) -> list[UnitRecord]:
        """The named units of a segmented document, with offsets into its whole text."""
        tokens = document.tokens
        if document.offset and isinstance(tokens, Tokens):
            # a later part of a huge input: its tokens read on its own text
            words, starts, ends = tokens.with_blanks()
            base = document.offset
            tokens = Tokens(
                words, [s - base for s in starts[: len(words)]], [e - base for e in ends]
            )
        return self.find(document.text, tokens, document.doc, document.word_counts, document.offset)


def _merged(
    text: str, words: list[str], starts: list[int], ends: list[int], runs: list[tuple[int, int]]
) -> tuple[list[str], list[int], list[int]]:
    """The tokens with each run ``(first, last)`` joined into one (runs in order)."""
    new_words: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    at = 0
    for first, last in runs:
        new_words += words[at:first]
        new_starts += starts[at:first]
        new_ends += ends[at:first]
        new_words.append(text[starts[first] : ends[last]])
        new_starts.append(starts[first])
        new_ends.append(ends[last])
        at = last + 1
    return new_words + words[at:], new_starts + starts[at:], new_ends + ends[at:]


def _one_name_per_unit(records: list[UnitRecord]) -> list[UnitRecord]:
    """A short form of a unit the article also names in full takes the full name and
    its place: 柳林派出所 beside 吕梁市公安局柳林派出所 (the full name ends in the short
    one right after a unit type of its own)."""
    names = {r.name for r in records}
    if len(names) < 2:
        return records
    longer: dict[str, UnitRecord] = {}
    for record in records:
        longer.setdefault(record.name, record)
    # full names as written before those resolved from a short form (市公安局…)
    by_length = sorted(longer.values(), key=lambda r: (-len(r.name), not r.text.endswith(r.name)))
    full_of: dict[str, UnitRecord] = {}
    for record in longer.values():
        short = record.name
        for full in by_length:
            name = full.name
            if len(name) <= len(short):
                break
            if name.endswith(short) and _UNIT_BEFORE.search(name, 0, len(name) - len(short)):
                if short not in full_of:
                    full_of[short] = full
                elif full_of[short] and full_of[short].text.endswith(full_of[short].name):
                    continue  # written in full: it wins over one resolved from 市公安局
                else:  # two full names end in it: 东区分局 of two cities; leave it
                    full_of[short] = None  # type: ignore[assignment]
                    break
    full_of = {k: v for k, v in full_of.items() if v is not None}
    if not full_of:
        return records
    return [
        replace(r, name=full.name, level=full.level, parent=full.parent, region=full.region)
        if (full := full_of.get(r.name))
        else r
        for r in records
    ]


def _unresolved(name: str) -> bool:
    """A short form no article place resolved: 市公安局, 省公安厅, 县交警大队."""
    return name[:1] in _BARE_PLACES or name.startswith("自治区")


def unit_tree_nodes(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The hierarchy of unit rows as nested nodes ``{name, mentions, level, region,
    children}``, roots and children sorted by name; a parent named only through its
    units has 0 mentions. Rows of several documents make one tree, but a short form
    left unresolved (市公安局) stays a node of its own document: ``市公安局 [a.txt]``."""
    docs = {r["doc"] for r in records}

    def key(name: str, doc: str) -> str:
        return f"{name} [{doc}]" if len(docs) > 1 and _unresolved(name) else name

    nodes: dict[str, dict[str, Any]] = {}
    parents: dict[str, str | None] = {}
    for record in records:
        name = key(record["name"], record["doc"])
        node = nodes.setdefault(
            name,
            {"name": name, "mentions": 0, "level": record["level"],
             "region": record.get("region", ""), "children": []},
        )  # fmt: skip
        node["mentions"] += 1
        parent = record["parent"]
        if parent:
            parent = key(parent, record["doc"])
            parents.setdefault(name, parent)
            nodes.setdefault(
                parent,
                {"name": parent, "mentions": 0, "level": "", "region": node["region"],
                 "children": []},
            )  # fmt: skip
    roots = []
    for name in sorted(nodes):
        parent = parents.get(name)
        if parent and parent != name and parent in nodes:
            nodes[parent]["children"].append(nodes[name])
        else:
            roots.append(nodes[name])
    return roots


def unit_tree(records: list[dict[str, Any]]) -> list[tuple[str, int, str | None]]:
    """``(name, mentions, parent)`` for every node of :func:`unit_tree_nodes`, by
    name: the hierarchy flat (an unresolved short form stays its document's)."""
    flat: list[tuple[str, int, str | None]] = []
    stack: list[tuple[dict[str, Any], str | None]] = [
        (node, None) for node in unit_tree_nodes(records)
    ]
    while stack:
        node, parent = stack.pop()
        flat.append((node["name"], node["mentions"], parent))
        stack += [(child, node["name"]) for child in node["children"]]
    return sorted(flat)
