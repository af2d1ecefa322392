"""The furniture and byline reader: what of a page is not article text.

Page furniture (navigation, edition markers, publication stamps, footers, photo
credits) is removed by the patterns of ``data/furniture.txt``; byline and editor
lines (``本报记者 王祯 通讯员 武建飞``, ``责任编辑：王占平``) become metadata, with
the role words of ``data/byline_roles.txt``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from policetext.datafiles import shipped_lines
from policetext.patterns import literal_first_chars, search_at

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

_EDITOR_WORDS = "责任编辑|编辑|校对|审核|终审"
_EDITOR_RE = re.compile(rf"^(?:{_EDITOR_WORDS})\s*[:：]\s*(?P<names>.{{1,30}})$")
_SENTENCE_MARK_RE = re.compile("[。，；！？“”]")  # none of them is in a byline
_NAME_RE = re.compile(f"[{HAN}]{{2,4}}(?:[·•][{HAN}]{{2,6}})?")
_SOURCE_END_RE = re.compile(r"(报|网|刊|台|社|杂志|新闻|客户端|[/／])$")


@dataclass
class Byline:
    """Metadata taken out of the body: who wrote and edited the article."""

    source: str = ""
    reporters: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    editor: list[str] = field(default_factory=list)


def _split_names(chunk: str) -> list[str]:
    """Personal names in a byline chunk: ``●王祯`` or ``张锦程 王硕``."""
    names = []
    for piece in re.split(r"[\s●·•:：、，,/／]+", chunk):
        if not piece:
            continue
        if not _NAME_RE.fullmatch(piece):
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
        for line in shipped_lines("furniture.txt"):
            kind, _, pattern = line.partition("\t")
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
    def scan(self) -> re.Pattern[str]:
        """The whole-line patterns after a line break (a literal first: a fast scan)."""
        whole, _ = self.patterns
        space = "[ \t\u3000\u00a0]*"
        return re.compile(f"\n{space}(?:{whole.pattern}){space}(?![^\n])")

    def strip(self, text: str, byline: Byline) -> tuple[list[str], int, int]:
        """The lines of ``text`` without page furniture, and how many pieces of
        furniture and byline lines were removed; bylines and editor lines go
        into ``byline``."""
        whole, inline = self.patterns
        lines = text.split("\n")
        any_inline = search_at(inline, self.inline_firsts, text)
        candidates = self._candidates(text)
        byline_hint = self.byline_hint.search
        removed = bylines = 0
        out = []
        for index, line in enumerate(lines):
            stripped = line.strip(" \t\u3000\u00a0")
            if not stripped:
                out.append(line)
                continue
            if index in candidates and whole.fullmatch(stripped):
                removed += 1
                continue
            if any_inline:
                stripped, n = inline.subn("", stripped)
                removed += n
                if not stripped:
                    continue
            if len(stripped) <= 60 and byline_hint(stripped) and self.take_byline(stripped, byline):
                bylines += 1
                continue
            out.append(stripped)
        return out, removed, bylines

    def _candidates(self, text: str) -> set[int]:
        """The lines (by index) that a whole-line furniture pattern may match.

        One scan of the text jumps from line break to line break in C; the
        caller confirms each line with ``fullmatch``, so a pattern that runs on
        into the next line (``\\s*``) costs a check, never a miss.
        """
        scan = self.scan
        found = {0}  # the first line, which no line break precedes
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
            byline.editor.extend(_split_names(editor["names"]))
            return True
        if len(line) > 60 or _SENTENCE_MARK_RE.search(line):
            return False
        pattern, roles = self.byline_roles
        parts = pattern.split(line)
        if len(parts) < 3:
            return False
        found: dict[str, list[str]] = {}
        for role, chunk in zip(parts[1::2], parts[2::2], strict=False):
            names = _split_names(chunk)
            if not names:
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
