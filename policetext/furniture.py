"""The furniture and byline reader: what of a page is not article text.

Page furniture (navigation trails, edition markers, share/print bars, counters,
menus, footers, forum chrome, photo credits) is removed by the patterns of
``data/furniture.txt``; publication lines (``发布时间：… 来源：… 责任编辑：…``)
and timestamps are furniture that carries metadata: they are read by the field
names of ``data/page_fields.txt`` and kept (``Byline.furniture``). Byline and
editor lines (``本报记者 王祯 通讯员 武建飞``, ``记者王五/花莲报导``) become
metadata, with the role words of ``data/byline_roles.txt``; bylines inside the
lead (``本报讯（记者 王五）``, ``中央社记者赵六台北5日电``) are read and left in
place. :func:`find_title` tells the headline as printed from what stands before
the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property

from policetext.datafiles import common_words, shipped_lines
from policetext.patterns import first_chars, literal_first_chars, search_at
from policetext.text import HAN

_EDITOR_WORDS = "责任编辑|编辑|校对|审核|终审"
_EDITOR_RE = re.compile(rf"^(?:{_EDITOR_WORDS})\s*[:：]\s*(?P<names>.{{1,30}})$")
_NEXT_FIELD_RE = re.compile(r"\s*[^\s:：]{1,5}[:：]")
_SENTENCE_MARK_RE = re.compile("[。，；！？“”]")  # none of them is in a byline
_NAME = f"[{HAN}]{{2,4}}(?:[·•][{HAN}]{{2,6}})?"
_SOURCE_END_RE = re.compile(r"(报|网|刊|台|社|杂志|新闻|客户端|[/／])$")


# dates and times of publication lines: 2024-03-15 09:31, 2020年7月23日 星期四, 09月07日 21:04
# (a day without its year only with a time: 3月15日 alone heads a chronology's entry)
_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?"
_TIME = r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?"
_WEEKDAY = r"(?:\s*(?:星期|周)[一二三四五六日天])?"
_WHEN = (
    rf"(?:(?:{_DATE}){_WEEKDAY}(?:\s*{_TIME})?"
    rf"|\d{{1,2}}\s*月\s*\d{{1,2}}\s*日{_WEEKDAY}\s*{_TIME}|{_TIME})"
)
_LABEL = r"(?:[\[【][^\]】]{1,10}[\]】]\s*)"  # [电影点评] before the fields
_HEAD_LINES = 60  # lines of a page's head the title is looked for among
_LEAD_LINES = 6  # lines of a page's head whose bylines are read in place (titles first)
_SENTENCE_END_RE = re.compile("[。！？]")
_BULLETS = "•▪►·"
_MENU_HEADING = f"[{HAN}]{{1,4}}"
_LEAD_BYLINE = (
    rf"[(（]\s*[{HAN}]{{0,8}}?((?:本报|本台|本刊|本网|特约|首席|见习|实习|融媒体|全媒体)?"
    r"(?:记者|通讯员|实习生)[^()（）。]{1,40})[)）]"
)
# 中央社记者赵六台北5日电: a name of two or three, a place of two, the day
_DATELINE_REPORTER = f"记者([{HAN}]{{2,3}}?)[{HAN}]{{2}}\\d{{1,2}}日[电讯]"
# the outlet of a dateline: 新华社北京5月27日电, 中新网南宁5月21日电, 中央社记者赵六台北5日电
_DATELINE_OUTLET = (
    f"[(（]?([{HAN}]{{1,6}}?(?:社|网|报|台|新闻))(?:记者[{HAN}]{{2,3}})?"
    f"[{HAN}]{{0,4}}\\d{{1,2}}(?:月\\d{{1,2}})?日(?:电|讯)"
)
_SLASH_BYLINE = (
    f"(?:[{HAN}]{{0,10}})?记者\\s*(?P<names>[{HAN}]{{2,4}}(?:、[{HAN}]{{2,4}})*)"
    f"\\s*[/／]\\s*[{HAN}]{{2,8}}(?:报导|报道)"
)


def _kind_pattern(line: str) -> tuple[str, str, str]:
    return line.partition("\t")


_ONE_HAN = f"[{HAN}]"


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """A pattern compiled on first use: a class of all Han takes milliseconds to
    compile, which every process would pay at import."""
    return re.compile(pattern)


@dataclass
class Byline:
    """Metadata taken out of the page: who wrote and edited the article, its
    title, and the publication lines removed as furniture."""

    source: str = ""
    reporters: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    editor: list[str] = field(default_factory=list)
    #: removed lines that carry metadata (publication lines, timestamps), in order
    furniture: list[str] = field(default_factory=list)
    #: the headline as printed, or ``None`` when the page shows none
    title: str | None = None


def _joined_name(name: str) -> bool:
    """Whether a name written right after its role (记者王五) is a name: two or
    three characters, not a common word (记者手记, 通讯员会议召开, 编辑部的故事)."""
    return len(name) <= 3 and name[:2] not in common_words() and name[-2:] not in common_words()


def _split_names(chunk: str) -> list[str]:
    """Personal names in a byline chunk: ``●王祯`` or ``张锦程 王硕``."""
    names = []
    for piece in re.split(r"[\s●·•:：、，,/／]+", chunk):
        if not piece:
            continue
        if not _compiled(_NAME).fullmatch(piece):
            return []
        names.append(piece)
    return names


class FurnitureReader:
    """Removes furniture lines and reads bylines; create once, reuse (the
    patterns are compiled on first use)."""

    @cached_property
    def patterns(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        """The whole-line patterns and the inline ones, each joined into one regex."""
        whole: list[str] = []
        inline: list[str] = []
        for kind, _, pattern in map(_kind_pattern, shipped_lines("furniture.txt")):
            if kind in ("line", "inline"):
                (whole if kind == "line" else inline).append(f"(?:{pattern})")
        return re.compile("|".join(whole)), re.compile("|".join(inline))

    @cached_property
    def byline_roles(self) -> tuple[re.Pattern[str], dict[str, str]]:
        """One pattern of the role words (longest first) and each role's field."""
        roles = {}
        for line in shipped_lines("byline_roles.txt"):
            field_name, _, role = line.partition("\t")
            roles[role] = field_name
        ordered = sorted(roles, key=len, reverse=True)
        return re.compile("(" + "|".join(map(re.escape, ordered)) + ")"), roles

    @cached_property
    def byline_hint(self) -> re.Pattern[str]:
        """A word that every byline or editor line holds (the roles, 责任编辑 …)."""
        _, roles = self.byline_roles
        words = sorted({*roles, *_EDITOR_WORDS.split("|")}, key=len, reverse=True)
        # plain words, no group: the engine then skips in C to their first characters
        return re.compile("|".join(map(re.escape, words)))

    @cached_property
    def inline_firsts(self) -> str | None:
        """The characters an inline furniture match starts with (brackets), if few."""
        return literal_first_chars(self.patterns[1].pattern)

    @cached_property
    def scan(self) -> tuple[re.Pattern[str], ...]:
        """The whole-line patterns after a line break (a literal first: a fast scan).

        Those that start with a few known characters are scanned behind one test
        of those characters, which fails at once on most lines of a body; the
        others (a Han or digit class first) are scanned on their own.
        """
        space = "[ \t\u3000\u00a0]*"
        narrow: list[str] = []
        firsts: set[str] = set()
        broad: list[str] = []
        for kind, _, pattern in map(_kind_pattern, shipped_lines("furniture.txt")):
            if kind != "line":
                continue
            chars = first_chars(pattern)
            if chars is None or any(len(c) > 2 or c == r"\d" for c in chars):
                broad.append(f"(?:{pattern})")
            else:
                narrow.append(f"(?:{pattern})")
                firsts |= chars
        scans = []
        if narrow:
            ahead = f"(?=[{''.join(sorted(firsts))}])"
            scans.append(f"\n{space}{ahead}(?:{'|'.join(narrow)}){space}(?![^\n])")
        if broad:
            scans.append(f"\n{space}(?:{'|'.join(broad)}){space}(?![^\n])")
        return tuple(map(re.compile, scans))

    @cached_property
    def contains(self) -> re.Pattern[str]:
        """What makes a short line furniture wherever it stands (``contains`` lines),
        as one alternation of literal-first branches: the engine skips in C to the
        characters they start with."""
        found = [
            p for k, _, p in map(_kind_pattern, shipped_lines("furniture.txt")) if k == "contains"
        ]
        return re.compile("|".join(found) or "(?!)")

    def _containing(self, text: str) -> set[int]:
        """The lines (by index) holding a ``contains`` match: one scan of the text."""
        found: set[int] = set()
        line, counted = 0, 0
        for match in self.contains.finditer(text):
            line += text.count("\n", counted, match.start())
            counted = match.start()
            found.add(line)
        return found

    @cached_property
    def lists(self) -> re.Pattern[str]:
        """The headers of lists of other stories (``list`` lines of furniture.txt)."""
        heads = [p for k, _, p in map(_kind_pattern, shipped_lines("furniture.txt")) if k == "list"]
        return re.compile("|".join(f"(?:{p})" for p in heads) or "(?!)")

    @cached_property
    def fields(self) -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
        """The publication-line pattern, the field-name finder, and each name's field."""
        names: dict[str, str] = {}
        for line in shipped_lines("page_fields.txt"):
            field_name, _, name = line.partition("\t")
            names[name] = field_name
        keys = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
        bare = "|".join(n for n in names if n.endswith(("于", "於")))  # no colon needed
        value = rf"(?:{_WHEN}|[【\[][^】\]]{{0,20}}[】\]]|[^:：|｜【】\[\]]{{0,40}}?)"
        field = rf"(?:(?:{keys})\s*[:：]|(?:{bare}))\s*{value}"
        # a forum's poster (寒小秋 发表于 …), a WeChat account (原创 公安部刑侦局 2024-…)
        poster = (
            rf"(?:[^\s:：。，]{{1,16}}\s+(?={bare})"
            rf"|(?:原创|转载)?\s*[^\s:：。，]{{1,20}}\s+(?=\d{{4}}[-/.]\d))"
        )
        # a forum's post line ends in its chrome: | 显示全部楼层 | 阅读模式
        chrome = r"(?:[|｜]\s*[^|｜:：。，]{1,10}\s*)*"
        # fields may stand in brackets: 【来源：某某网】 【字体：大 中 小】
        line = rf"[【\[]?{_LABEL}?{poster}?(?:(?:{_WHEN}|{field})[\s|｜/·【】\[\]]*)+{chrome}"
        finder = rf"(?:(?:{keys})\s*[:：]|(?:{bare}))\s*"
        return re.compile(line), re.compile(finder), names

    def strip(self, text: str, byline: Byline) -> tuple[list[str], int, int]:
        """The lines of ``text`` without page furniture, and how many pieces of
        furniture and byline lines were removed; bylines, editor and publication
        lines go into ``byline``, and the title found before the body."""
        whole, inline = self.patterns
        lines = text.split("\n")
        any_inline = search_at(inline, self.inline_firsts, text)
        candidates = self._candidates(text)
        containing = self._containing(text)
        byline_hint = self.byline_hint.search
        publication = self.fields[0].fullmatch
        publication_firsts = self.publication_firsts
        list_head = self.lists.fullmatch
        removed = bylines = 0
        out = []
        # the page's first lines as read: what the title is found among
        head: list[tuple[str, str]] = []
        in_list = body_seen = False
        for index, line in enumerate(lines):
            stripped = line.strip(" \t\u3000\u00a0")
            if not stripped:
                out.append(line)
                continue
            if in_list:
                if stripped[0] in _BULLETS or (
                    len(stripped) <= 40 and _SENTENCE_END_RE.search(stripped) is None
                ):
                    removed += 1
                    continue
                in_list = False
            if (index in candidates and whole.fullmatch(stripped)) or (
                index in containing and len(stripped) <= 160 and "。" not in stripped
            ):
                removed += 1
                if stripped[0] in _BULLETS:
                    removed += self._drop_menu_heading(out, head)
                if len(head) < _HEAD_LINES:
                    head.append(("furniture", stripped))
                continue
            if (
                len(stripped) <= 160
                and (stripped[0] in publication_firsts or " " in stripped[:24])
                and publication(stripped)
            ):
                if len(stripped) <= 60 and self.take_byline(stripped, byline):
                    bylines += 1  # a byline or editor line (编辑：王占平)
                else:
                    self.read_fields(stripped, byline)
                    removed += 1
                    byline.furniture.append(stripped)
                if len(head) < _HEAD_LINES:
                    head.append(("meta", stripped))
                continue
            if len(stripped) <= 12 and list_head(stripped):
                removed += 1
                # its stories go after the article; before it, a short line may be
                # the article's own headline
                in_list = body_seen
                continue
            if any_inline:
                stripped, n = inline.subn("", stripped)
                removed += n
                if not stripped:
                    continue
            if len(stripped) <= 60 and byline_hint(stripped) and self.take_byline(stripped, byline):
                bylines += 1
                if len(head) < _HEAD_LINES:
                    head.append(("meta", stripped))
                continue
            out.append(stripped)
            body_seen = body_seen or _is_body(stripped)
            if len(head) < _HEAD_LINES:
                head.append(("text", stripped))
        self.read_lead_bylines([line for kind, line in head if kind == "text"], byline)
        byline.title = find_title(head)
        return out, removed, bylines

    @cached_property
    def publication_firsts(self) -> frozenset[str]:
        """What a publication line without a poster's name (寒小秋 发表于 …) starts
        with: a field name, a digit, a label's bracket, 原创/转载. A test of the first
        character spares the pattern most lines of a body."""
        return frozenset("0123456789[【(（原转" + "".join(name[0] for name in self.fields[2]))

    def is_publication_line(self, line: str) -> bool:
        """Whether ``line`` is a publication line (发布时间：… 来源：…) or a timestamp."""
        return len(line) <= 160 and self.fields[0].fullmatch(line) is not None

    @staticmethod
    def _drop_menu_heading(out: list[str], head: list[tuple[str, str]]) -> int:
        """Remove the heading of a menu (新闻, 分类) kept just before its first item."""
        at = len(out) - 1
        while at >= 0 and not out[at].strip():
            at -= 1
        if at < 0 or not _compiled(_MENU_HEADING).fullmatch(out[at]):
            return 0
        heading = out.pop(at)
        if ("text", heading) in head:
            head.remove(("text", heading))
        return 1

    def read_fields(self, line: str, byline: Byline) -> None:
        """Read a publication line's fields into ``byline`` (dates stay in the line)."""
        _, finder, names = self.fields
        found = list(finder.finditer(line))
        for at, match in enumerate(found):
            key = match[0].rstrip(" \t:：")
            end = found[at + 1].start() if at + 1 < len(found) else len(line)
            value = line[match.end() : end].strip(" \t|｜/·【】[]")
            kind = names.get(key, "other")
            if not value or kind in ("date", "other"):
                continue
            if kind == "source":
                byline.source = byline.source or value.split()[0]
                continue
            people = _split_names(value)
            target = getattr(byline, kind)
            target.extend(name for name in people if name not in target)

    def read_lead_bylines(self, lines: list[str], byline: Byline) -> None:
        """Bylines inside the first paragraphs, left in place: ``本报讯（记者 王五
        通讯员 赵四）``, ``中央社记者赵六台北5日电``."""
        pattern, roles = self.byline_roles
        for line in lines[:_LEAD_LINES]:
            for inner in _compiled(_LEAD_BYLINE).findall(line[:80]):
                parts = pattern.split(inner)
                for role, chunk in zip(parts[1::2], parts[2::2], strict=False):
                    target = getattr(byline, roles[role])
                    for name in _split_names(chunk.strip(" ，,")):
                        if name not in target:
                            target.append(name)
            for name in _compiled(_DATELINE_REPORTER).findall(line[:60]):
                if name not in byline.reporters:
                    byline.reporters.append(name)
            outlet = _compiled(_DATELINE_OUTLET).match(line)
            if outlet and not byline.source and not outlet[1].startswith("本"):
                byline.source = outlet[1]  # 新华社北京3月5日电, 台海网1月11日讯

    def _candidates(self, text: str) -> set[int]:
        """The lines (by index) that a whole-line furniture pattern may match.

        One scan of the text jumps from line break to line break in C; the
        caller confirms each line with ``fullmatch``, so a pattern that runs on
        into the next line (``\\s*``) costs a check, never a miss.
        """
        found = {0}  # the first line, which no line break precedes
        for scan in self.scan:
            line, counted = 0, 0
            match = scan.search(text)
            while match:
                line += 1 + text.count("\n", counted, match.start())
                counted = match.start() + 1
                found.add(line)
                match = scan.search(text, counted)
        return found

    def take_byline(self, line: str, byline: Byline) -> bool:
        """Read ``line`` into ``byline`` if it is a byline or editor line."""
        editor = _EDITOR_RE.match(line)
        if editor:
            # the names end where another field begins (点击数：88, 字号：大 中 小)
            names = _NEXT_FIELD_RE.split(editor["names"], maxsplit=1)[0]
            byline.editor.extend(_split_names(names))
            return True
        if len(line) > 60 or _SENTENCE_MARK_RE.search(line):
            return False
        slash = _compiled(_SLASH_BYLINE).fullmatch(line)  # 记者王兆麟/花莲报导
        if slash:
            byline.reporters.extend(n for n in slash["names"].split("、") if n)
            return True
        if line[0] in "(（" and line[-1] in ")）":  # （记者 王五）
            line = line[1:-1]
        pattern, roles = self.byline_roles
        parts = pattern.split(line)
        if len(parts) < 3:
            return False
        found: dict[str, list[str]] = {}
        for role, chunk in zip(parts[1::2], parts[2::2], strict=False):
            names = _split_names(chunk)
            # a name written right after its role must look like one (记者王五)
            if not names or (_compiled(_ONE_HAN).match(chunk) and not _joined_name(names[0])):
                return False
            found.setdefault(roles[role], []).extend(names)
        lead = parts[0].strip(" ●·•:：/")
        if lead and (len(lead) > 20 or not _SOURCE_END_RE.search(lead)):
            return False
        if lead:
            byline.source = byline.source or lead.rstrip("/／")
        byline.reporters.extend(found.get("reporters", []))
        byline.correspondents.extend(found.get("correspondents", []))
        byline.editor.extend(found.get("editor", []))
        return True


# ---- the title --------------------------------------------------------------
# how a body paragraph opens: 本报讯, 新华社北京3月5日电, 【本报讯】
_LEAD_RE = re.compile(r"[【\[]?[^。，]{0,24}(?:讯|电)\s*[】\]]?\s*[(（【]|【本报讯】|【本报消息】")
_TIME_SUFFIX_RE = re.compile(r"\s*[(（]\d{1,2}[:：]\d{2}[)）]$")
_BRACKET_TITLE_RE = re.compile(r"【([^【】]{4,48})】(?=.)")
# what a bracket at a paragraph's start holds when it is a label, not a headline
_LABEL_WORD_RE = re.compile(
    r"(?:讯|电|消息|报道|导读|摘要|编者按|提示|提醒|声明|公告|通知|预告|快讯|速报)$|^#"
)
_MAX_TITLE = 48


def _is_body(line: str) -> bool:
    """Whether a line of a page's head is running text: the body has begun."""
    return (
        len(line) > _MAX_TITLE
        or "。" in line
        or (_LEAD_RE.match(line) is not None and len(line) > 16)
    )


def _title_shaped(line: str) -> bool:
    """Whether a line could be a headline: short, mostly Han, whole."""
    if not 4 <= len(line) <= _MAX_TITLE or len(_compiled(_ONE_HAN).findall(line)) < 4:
        return False
    if line.startswith(("—", "-", "“", "‘", "「")) and not _closes_quote(line):
        return False  # a subtitle (——), or a quotation cut by the line's end
    if line[0] in "(（[【" and line[-1] in ")）]】":
        return False  # a caption (资料图片) or a label
    if line.count("“") != line.count("”") or line.count("「") != line.count("」"):
        return False  # half a quotation, cut by a line end
    return not line.endswith(("：", ":", "…", "，", "、"))


def _closes_quote(line: str) -> bool:
    opening = line[0]
    if opening in "—-":
        return False
    return {"“": "”", "‘": "’", "「": "」"}[opening] in line


def find_title(head: list[tuple[str, str]]) -> str | None:
    """The headline among the first lines of a page, as read by
    :meth:`FurnitureReader.strip` (``text``, ``meta`` or ``furniture`` each),
    or ``None`` when the body comes first.

    What stands before the body and is shaped like a headline is a candidate.
    The headline is the candidate that a publication line or byline follows;
    else one printed twice (a page's header and the article's); else short
    lines right before the body, joined (a headline over two lines); else the
    one that other furniture follows (a forum's [复制链接]); else the longest.

    >>> find_title([("furniture", "首页 > 新闻"), ("text", "男子酒后逗玩小孩被误认"),
    ...             ("meta", "2020-07-23 10:00"), ("text", "7月22日，" + "某" * 50)])
    '男子酒后逗玩小孩被误认'
    """
    before: list[tuple[str, str]] = []
    for kind, line in head:
        if kind == "text" and _is_body(line):
            break
        before.append((kind, line))
    where = [i for i, (kind, line) in enumerate(before) if kind == "text" and _title_shaped(line)]
    if not where:
        return _bracketed_title(head)
    texts = [before[i][1] for i in where]

    def followed_by(i: int, kinds: tuple[str, ...]) -> bool:
        return i + 1 < len(before) and before[i + 1][0] in kinds

    chosen = next((i for i in where if followed_by(i, ("meta",))), None)
    if chosen is None:
        chosen = next((i for i in where if texts.count(before[i][1]) > 1), None)
    if chosen is None:
        run = [where[-1]]  # the candidates right before the body, at most three
        while len(run) < 3 and run[0] - 1 in where:
            run.insert(0, run[0] - 1)
        lengths = [len(before[i][1]) for i in run]
        # halves of one headline are short and of about one length (a section
        # label before a headline is not half of it)
        if (
            run[-1] == len(before) - 1
            and len(run) >= 2
            and 14 >= max(lengths) <= 1.5 * min(lengths)
        ):
            return _clean_title(" ".join(before[i][1] for i in run))
    if chosen is None:
        chosen = next((i for i in where if followed_by(i, ("furniture",))), None)
    if chosen is None:
        chosen = max(where, key=lambda i: len(before[i][1]))
    return _clean_title(before[chosen][1])


def _bracketed_title(head: list[tuple[str, str]]) -> str | None:
    """The headline a post writes in brackets at the start of its first paragraph
    (a Weibo or WeChat post: ``【某某警方破获一起诈骗案】近日，…``), when nothing
    stands before it; a label (``【本报讯】``) is no headline."""
    first = next((line for kind, line in head if kind == "text"), None)
    match = _BRACKET_TITLE_RE.match(first or "")
    if match is None or _LABEL_WORD_RE.search(match[1]) or not _title_shaped(match[1]):
        return None
    return match[1]


def _clean_title(title: str) -> str:
    return _TIME_SUFFIX_RE.sub("", title)
