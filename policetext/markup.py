"""HTML left in scraped text: comments, tags and entities.

Scrapers often keep a page's markup: a comment splits a number
(``4<!--AD-->.5万人``), ``&nbsp;`` stands between words, a WeChat copy is one
line of ``<section><p style=…>``. :func:`strip_markup` removes comments, the
elements whose content is no text (``script``, ``style``), and the tags of HTML
(block tags become line breaks, inline ones nothing); entities are decoded,
repeatedly, since scrapes escape twice (``&amp;nbsp;``).

Only tags of HTML's own names are touched, so ``<20mg``, ``1<2>0`` and
``<<警察法>>`` in running text stay as written.
"""

from __future__ import annotations

import re

# the tags whose end (or start) breaks a line in a browser
_BLOCK_TAGS = (
    "address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|form|"
    "h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul"
)
_INLINE_TAGS = (
    "a|abbr|b|big|button|center|cite|code|em|font|i|img|input|ins|del|label|mark|"
    "meta|link|small|source|span|strong|sub|sup|svg|tt|u|video|audio|iframe|wbr|o:p|"
    "html|head|body|title|mpvoice|mp-style-type|colgroup|col|caption|select|option|nobr"
)
# an attribute list: quoted values may hold ">". Every repetition is bounded, so
# that a stray "<p" or quote costs a bounded look, never a scan to the text's end.
_ATTRS = r"""(?:\s(?:[^<>"']|"[^"\n]{0,500}"|'[^'\n]{0,500}'){0,2000})?/?"""
# a comment left open ends at its line's end: the rest of the text is kept
_COMMENT_RE = re.compile(
    r"<!--.{0,20000}?-->|<!--[^\n]*|<!\[CDATA\[.{0,20000}?\]\]>|<![A-Za-z][^<>\n]{0,500}>", re.S
)
_HIDDEN_OPEN_RE = re.compile(r"<(script|style|noscript)\b[^<>]{0,2000}>", re.I)
_BLOCK_RE = re.compile(rf"</?(?:{_BLOCK_TAGS}){_ATTRS}>", re.I)
_INLINE_RE = re.compile(rf"</?(?:{_INLINE_TAGS}){_ATTRS}>", re.I)
# a named or numeric character reference (the ";" may be missing after &nbsp)
_ENTITY_RE = re.compile(
    r"&(?:#\d{1,7};|#[xX][0-9a-fA-F]{1,6};|[a-zA-Z][a-zA-Z0-9]{1,31};|nbsp(?![a-zA-Z]))"
)
# what an entity may decode to that is no text of its own
_BLANKS = str.maketrans({"\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " "})


def _decode(text: str) -> tuple[str, int]:
    """Decode entities until none is left (twice-escaped scrapes); and how many."""
    import html  # its table of entities only for text that writes some

    count = 0
    for _ in range(4):
        found = len(_ENTITY_RE.findall(text))
        if not found:
            break
        decoded = _ENTITY_RE.sub(lambda m: html.unescape(m[0]), text)
        if decoded == text:
            break
        count += found
        text = decoded
    return text.translate(_BLANKS) if count else text, count


def _drop_hidden(text: str) -> tuple[str, int]:
    """``script``, ``style`` and ``noscript`` elements removed with their content
    (an element left open: its tag only); one pass, found with ``str.find``."""
    pieces: list[str] = []
    lower = ""
    done = count = 0
    unclosed: set[str] = set()
    for match in _HIDDEN_OPEN_RE.finditer(text):
        if match.start() < done:  # inside an element already removed
            continue
        lower = lower or text.lower()
        name = match[1].lower()
        # no closing tag after one place: none after any later one
        end = -1 if name in unclosed else lower.find(f"</{name}", match.end())
        if end < 0:
            unclosed.add(name)
        close = text.find(">", end) if end >= 0 else -1
        pieces.append(text[done : match.start()])
        done = close + 1 if close >= 0 else match.end()
        count += 1
    if not count:
        return text, 0
    pieces.append(text[done:])
    return "".join(pieces), count


def strip_markup(text: str) -> tuple[str, int]:
    """``text`` without HTML comments and tags, entities decoded; and how many
    pieces of markup were removed or decoded.

    >>> strip_markup("抓获4<!--AD-->.5万人&nbsp;<b>次</b>")
    ('抓获4.5万人 次', 4)
    """
    if "<" not in text and "&" not in text:  # plain text: two C scans
        return text, 0
    count = 0
    if "&" in text:
        text, count = _decode(text)
    if "<" in text:
        text, n = _COMMENT_RE.subn("", text)
        count += n
        if "<" in text:
            text, n = _drop_hidden(text)
            count += n
        for pattern, replacement in ((_BLOCK_RE, "\n"), (_INLINE_RE, "")):
            text, n = pattern.subn(replacement, text)
            count += n
    return text, count
