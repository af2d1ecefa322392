"""Figures as facts: what each figure counts (``subject``), the verb that reports
it (``event``), the period it holds for (``when``), and whether it repeats.

``抓获逃犯10人`` → event ``抓获``, subject ``逃犯``; ``刑事案件发案数同比下降6.9%`` →
``下降``, ``刑事案件发案数``. The structure is read from the words of the figure's
sentence and their dictionary parts of speech (``Segmenter.word_tag``: a lookup,
not jieba's tagger), helped by word classes kept in ``data/fact_words.txt``. Only
sentences that hold a figure are cut, each stretch between two figures on its
own, so the figures are tokens of their own. The rules follow ``GUIDELINES.md``
("What a figure counts") of the gold standard:

- the noun phrase next to the figure, before it (verb–noun–number–measure:
  ``抓获逃犯10人``) or after its measure word (verb–number–measure–noun:
  ``抓获6名逃犯``), without scope words, places and times (``各类``, ``全市``);
- else the noun phrase before the figure's verb (noun–change–percent), a list of
  them paired in order with a list of figures (``分别``);
- else, for a change, a share or a copula, the quantity named before it in the
  sentence (``抓获…619人，同比增长30.87%``);
- the event: the nearest verb before the figure in its clause (a result word
  such as ``至`` gives way to its verb, the light verb ``进行`` to the noun it
  carries), or the verb after a figure that is the clause's subject or an
  adverbial (``连续两年…实现``); ``""`` inside a phrase of place or means (``在``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property, partial
from typing import Any, NamedTuple

from policetext.datafiles import shipped_lines
from policetext.dates import resolve_dates, resolve_when
from policetext.memo import Memo

#: measure words after which the noun counted may follow the figure (6名逃犯)
_CLASSIFIERS = frozenset(
    "名 个 起 家 件 辆 条 项 处 所 宗 部 台 支 批 种 只 头 把 张 份 套 座 间 位 户 笔 块 枚 "
    "艘 架 类 场 场次 次 队 组 辆次 万名 万个 万件 万起 万条 万家 万辆 个次".split()
)
#: one-character tails of place names that jieba cuts off the name (沾化 区)
_ADMIN_TAILS = frozenset("区 市 县 省 镇 乡 州 旗 盟 村".split())
#: one-character nouns of a quantity (起诉数, 破案率): the verbs before them name it
_QUANTITY_NOUNS = frozenset(
    ("数", "率", "量", "额", "值", "人数", "次数", "件数", "起数", "宗数", "户数", "金额")
)
#: what follows a clause's subject: a verb, a preposition, an adverb
_AFTER_A_SUBJECT = frozenset(("means", "frame", "verb", "change", "skip", "verbish"))
#: verbs that only say a figure exists (共有253名辅警殉职: the verb after reports it)
_EXISTENTIAL = frozenset(("有", "共有", "还有", "另有"))
#: verbs of a share: the noun after them names the whole, not what is measured
_SHARE_VERBS = frozenset(("占", "约占", "占到"))
#: units of how often something was done (7次批示: the figure times the verb after it)
_FREQUENCY = frozenset(("次", "遍", "回"))
#: approximation words that are the verb of a threshold (用工超过5000人的企业)
_THRESHOLD_VERBS = ("超过", "逾", "过", "超")
#: where a figure's sentence and clause end
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
_CLAUSE_ENDS = frozenset("，,；;：:。！？!?\n()（）")
_QUOTES = frozenset('“”‘’「」《》"')
_LIST_MARKS = frozenset(("、", "和", "及", "以及", "与", "或"))
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
#: the tags of jieba's dictionary read as nouns (n, nr, ns, nt, nz, ng, vn, l, j …)
_NOUN_TAGS = frozenset("n nr nrt nrfg ns nt nz ng vn an l j i b eng".split())
_VERB_TAGS = frozenset("v vd vi vg vq".split())
_TIME_TAGS = frozenset("t tg".split())
#: aspect and result endings taken off a verb as written (降至 → 降, 承担着 → 承担)
_VERB_ENDINGS = ("了", "着", "过", "至")
_VERBS = frozenset(("verb", "change"))
#: a word's class when the word list gives it several, first first
_FIRST_CLASSES = ("light", "verb", "change", "measure", "noun", "streak", "frame", "means", "scope")
#: distinct stretches of text cut and remembered before the memory starts afresh
_KEPT_CUTS = 50_000


class _Word(NamedTuple):
    """A word of a figure's sentence: its text, offsets and class (``tag``); a
    figure of the sentence is one word with ``figure`` its index. A named tuple:
    made by the thousand."""

    text: str
    start: int
    end: int
    tag: str
    figure: int = -1


class FactReader:
    """Subject and event of figures, read from their sentences' words.

    ``cut`` splits a stretch of text into words, ``tag`` gives a word's part of
    speech (a :class:`~policetext.segment.Segmenter`'s ``cut`` and ``word_tag``).
    """

    def __init__(self, cut: Callable[[str], list[str]], tag: Callable[[str], str | None]) -> None:
        self._cut = cut
        self._tag = tag
        self._cuts: Memo[str, tuple[tuple[str, str], ...]] = Memo(_KEPT_CUTS)
        self._known: dict[str, str] = {}  # word → class (bounded by the vocabulary)
        self._sentences: Memo[tuple[Any, ...], list[tuple[str, str]]] = Memo(_KEPT_CUTS)

    @cached_property
    def classes(self) -> dict[str, frozenset[str]]:
        """``word → classes`` from ``data/fact_words.txt``."""
        table: dict[str, set[str]] = {}
        for line in shipped_lines("fact_words.txt"):
            word, kind = line.split("\t")
            table.setdefault(word, set()).add(kind)
        return {word: frozenset(kinds) for word, kinds in table.items()}

    # ---- words -------------------------------------------------------------------
    def _words_of(self, stretch: str) -> tuple[tuple[str, str], ...]:
        """``(word, class)`` of a stretch between figures, remembered per stretch."""
        return self._cuts.recall(stretch, self._classify)

    def _classify(self, stretch: str) -> tuple[tuple[str, str], ...]:
        known = self._known
        out = []
        for word in self._words(self._cut(stretch)):
            cls = known.get(word)
            if cls is None:
                cls = known[word] = self._class_of(word)
            out.append((word, cls))
        return tuple(out)

    def _words(self, cut: list[str]) -> list[str]:
        """The cut, two words joined where the word list knows them as one (打 掉 →
        打掉), an adverb or localizer split off a one-character verb (连破 → 连 破)."""
        classes = self.classes
        out: list[str] = []
        for word in cut:
            if out and out[-1] + word in classes:
                out[-1] += word
                continue
            if (
                len(word) == 2
                and word not in classes
                and self._tag(word) is None
                and classes.get(word[1], frozenset())
                & {"verb", "change", "frame", "means", "noverb"}
                and (
                    "prefix" in classes.get(word[0], ())
                    or (self._tag(word[0]) or "").startswith("n")
                )
            ):
                out += [word[0], word[1]]
                continue
            if (
                len(word) >= 3
                and word[0] == "被"
                and word not in classes
                and (classes.get(word[1:], frozenset()) & _VERBS or self._tag(word[1:]) == "v")
            ):
                out += ["被", word[1:]]  # 被查获 → 被 查获: a passive
                continue
            if len(word) == 4 and word not in classes:
                head, tail = word[:2], word[2:]
                if (
                    classes.get(head, frozenset()) & _VERBS
                    and classes.get(tail, frozenset()) & _VERBS
                ):
                    out += [head, tail]  # 止付冻结 → 止付 冻结
                    continue
            if (
                len(word) >= 4
                and word not in classes
                and classes.get(word[-2:], frozenset()) & _VERBS
                and (self._tag(word[:-2]) or "").startswith("n")
            ):
                out += [word[:-2], word[-2:]]  # 成绩排名 → 成绩 排名
                continue
            if len(word) >= 3 and word not in classes and "verb" in classes.get(word[:2], ()):
                rest = self._tag(word[2:])
                if rest is not None and rest.startswith("n"):
                    out += [word[:2], word[2:]]  # 破获案件 → 破获 案件
                    continue
            out.append(word)
        return out

    def _class_of(self, word: str) -> str:
        """One class per word: verb, change, noun, skip, scope, frame, means,
        result, light, streak, time, punct, other."""
        kinds = self.classes.get(word, frozenset())
        for kind in _FIRST_CLASSES:
            if kind in kinds:
                return kind
        if "skip" in kinds or "noverb" in kinds:
            return "skip"
        if "result" in kinds:
            return "result"
        if word == "被":
            return "passive"
        if word.isspace():
            return "space"
        if word in _QUOTES:
            return "quote"
        if word in _LIST_MARKS:
            return "list"
        if len(word) == 1 and not _HAN.match(word):
            return "punct" if word in _CLAUSE_ENDS else "other"
        if word.isascii() and word.isalnum():
            return "noun"  # App, 110: part of a name (反诈App注册量)
        tag = self._tag(word)
        if tag is None:
            return "noun" if _HAN.match(word) else "other"
        if tag in _TIME_TAGS:
            return "time"
        if tag == "ns":
            return "place"
        if tag in _VERB_TAGS:
            return "verbish"  # a verb, or the verb part of a noun phrase (发案数)
        if tag == "vn":
            return "vn"  # a verbal noun: a noun in a phrase, a verb opening one (检查车辆)
        if tag == "s":
            return "noun"  # a place word that modifies (网上在逃人员)
        if tag in _NOUN_TAGS:
            return "noun"
        if tag in ("a", "ad", "an"):
            return "adj"
        if tag == "zg":
            return "noun"  # 车 (5辆车): jieba's tag of some one-character nouns
        if tag == "d":
            return "skip"
        if tag == "p":
            return "means"
        if tag in ("r", "m", "q", "mq"):
            return "scope"
        return "other"

    def sentence_words(
        self, text: str, start: int, end: int, figures: Sequence[tuple[int, int, str]]
    ) -> list[_Word]:
        """The words of ``text[start:end]``; each figure ``(start, end, kind)`` in it
        is one word of class ``figure`` (``date`` for dates)."""
        words: list[_Word] = []
        at = start
        for index, (f_start, f_end, kind) in enumerate(figures):
            words += self._stretch(text, at, f_start)
            cls = "date" if kind == "date" else "figure"
            words.append(_Word(text[f_start:f_end], f_start, f_end, cls, index))
            at = f_end
        words += self._stretch(text, at, end)
        return words

    def _stretch(self, text: str, start: int, end: int) -> list[_Word]:
        if start >= end:
            return []
        out = []
        at = start
        for word, cls in self._words_of(text[start:end]):
            # whitespace between words separates them as a comma would (a headline's parts)
            out.append(_Word(word, at, at + len(word), "punct" if cls == "space" else cls))
            at += len(word)
        return out

    # ---- subject and event -------------------------------------------------------
    def read(
        self, text: str, figures: Sequence[tuple[int, int, str, str]]
    ) -> list[tuple[str, str]]:
        """``(subject, event)`` of each figure ``(start, end, kind, unit)`` of
        ``text``, in order (``("", "")`` for dates)."""
        out: list[tuple[str, str]] = [("", "")] * len(figures)
        ends = [m.start() for m in _SENTENCE_END.finditer(text)] if figures else []
        index = 0
        while index < len(figures):
            k = bisect_left(ends, figures[index][0])
            start = ends[k - 1] + 1 if k else 0
            k = bisect_left(ends, figures[index][1])
            end = ends[k] if k < len(ends) else len(text)
            last = index
            while last + 1 < len(figures) and figures[last + 1][0] < end:
                last += 1
            group = figures[index : last + 1]
            if any(f[2] != "date" for f in group):
                # the facts depend on the sentence and its figures alone: a sentence
                # met again (a restated headline, a copied page) is read once
                key = (
                    text[start:end],
                    tuple((f[0] - start, f[1] - start, f[2], f[3]) for f in group),
                )
                read = partial(self._read_sentence, text, start, end, group)
                out[index : last + 1] = self._sentences.recall(key, read)
            index = last + 1
        return out

    def _read_sentence(
        self,
        text: str,
        start: int,
        end: int,
        group: Sequence[tuple[int, int, str, str]],
        _key: object = None,
    ) -> list[tuple[str, str]]:
        spans = [(f[0], f[1], f[2]) for f in group]
        words = self.sentence_words(text, start, end, spans)
        return _Sentence(
            words, [f[3] for f in group], [f[2] for f in group], self.classes, self._tag
        ).facts()


class _Sentence:
    """The words of one sentence and the subject and event of its figures."""

    def __init__(
        self,
        words: list[_Word],
        units: list[str],
        kinds: list[str],
        classes: dict[str, frozenset[str]],
        tag: Callable[[str], str | None],
    ) -> None:
        self.classes = classes
        self._tag = tag
        self.words = words
        self.units = units
        self.kinds = kinds
        self.at = {w.figure: i for i, w in enumerate(words) if w.figure >= 0}

    def facts(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        previous_subject = ""
        for figure in range(len(self.units)):
            if self.kinds[figure] == "date":
                out.append(("", ""))
                continue
            subject, event = self._fact(figure, out, previous_subject)
            if subject:
                previous_subject = subject
            out.append((subject, event))
        return out

    def _clause(self, i: int) -> tuple[int, int]:
        """Word indices ``[a, b)`` of the clause around word ``i``."""
        a = i
        while a > 0 and self.words[a - 1].tag != "punct":
            a -= 1
        b = i + 1
        while b < len(self.words) and self.words[b].tag != "punct":
            b += 1
        return a, b

    def _fact(
        self, figure: int, done: list[tuple[str, str]], previous_subject: str
    ) -> tuple[str, str]:
        words = self.words
        i = self.at[figure]
        a, b = self._clause(i)
        unit = self.units[figure]
        kind = self.kinds[figure]
        # ---- event: the nearest verb before the figure in its clause
        self.weak = None
        event, verb_at, frame = self._event_left(i, a)
        framed = i + 1 < b and words[i + 1].text in ("来", "以来") and kind == "duration"
        streak = (i > a and words[i - 1].tag == "streak") or framed
        if frame == "means" and not streak:
            event = ""
        elif verb_at is None or streak:
            event = self._event_right(i, b, streak) or ("" if streak else event)
            if not event and frame == "frame" and self.weak is not None:
                event = self.weak[0]
        # ---- subject: the noun phrase next to the figure
        left_span = self._chain_left(i - 1, a)
        left = _trim(words, left_span)
        right_span = self._chain_right(i + 1, b)
        right = _trim(words, right_span)
        if kind == "rank" or (left_span[0] > a and words[left_span[0] - 1].tag == "figure"):
            left = ""  # 列全省36个市直部门第一: the rank's neighbour is counted, not ranked
        measured = i > a and words[i - 1].tag == "measure"
        if measured:
            # 降幅34.3%: verbless, it measures the quantity named before (…人数降幅15.1%)
            left, right, event = (
                _trim(words, self._chain_left(i - 2, a, object_chain=False)),
                "",
                "",
            )
        after_right = right_span[1]
        if (
            right
            and after_right < len(words)
            and (
                words[after_right].text in ("中", "之一", "当中", "之中")
                or (
                    words[after_right].tag == "figure"
                    and self.kinds[words[after_right].figure] == "rank"
                )
            )
        ):
            event = ""  # 在两次…测评中, 列36个部门第一: a figure inside a noun phrase
        subject = ""
        if (
            not right
            and not left
            and kind in ("count", "money", "duration")
            and i + 2 < b
            and words[i + 1].text == "的"
        ):
            # 约重1公斤的疑似冰毒块, 价值5万元的手机: the noun the figure describes
            right = _trim(words, self._chain_right(i + 2, b))
        if right and (unit in _CLASSIFIERS or not left) and kind in ("count", "money"):
            subject = right
        elif right and kind == "duration":
            subject = right  # 80年辉煌历程: a noun naming the time itself
        elif left:
            subject = left
        elif right:
            subject = right
        if not subject and i > a and words[i - 1].tag == "figure" and done:
            subject = done[-1][0]  # 340笔1374.43万元: the figure before it counts the same
        if not subject and verb_at is not None and words[verb_at].tag == "change":
            subject = self._subject_before_verb(verb_at, a, figure)
        if not subject and frame == "frame":
            subject = self._subject_before_verb(self._frame_at(i, a), a, figure)
        if verb_at is not None and event in _SHARE_VERBS:
            # 诈骗案占整体罪案约4成: the noun after 占 is the whole, the share is the subject
            subject = self._subject_before_verb(verb_at, a, figure) or subject
        if not subject and verb_at is not None:
            subject = self._paired_with_earlier(verb_at, figure, done)
        previous = self._previous_figure(figure)
        if (
            not subject
            and previous is not None
            and verb_at is not None
            and i > 0
            and words[i - 1].tag != "skip"
            and self.units[previous] == unit
        ):
            subject = done[previous][0]  # 发现隐患2092个，督导整改1787个: the same thing
        if not subject and (measured or self._inherits(kind, event, verb_at)):
            subject = previous_subject or self._sentence_subject()
        if (
            not event
            and verb_at is None
            and frame == ""
            and kind in ("count", "money")
            and previous is not None
            and not streak
            and not measured
        ):
            event = done[previous][1]  # 查处酒驾10起，其他违法行为32起 / 其中，醉驾两起
        if streak:
            subject = left if left and not framed else ""
        if event in _EXISTENTIAL and verb_at is not None:
            later = self._event_right(i, b)
            if later:
                event = later  # 共有253名辅警因公殉职: what the figure did, not that it was
        if kind == "rank" and i + 1 < b and words[i + 1].tag in ("verb", "change"):
            event = self._verb_as_reported(i + 1)  # 在全省第一个实现: an adverbial rank
        if unit in _FREQUENCY and i + 1 < b and words[i + 1].tag in ("verb", "verbish", "change"):
            subject, event = "", self._verb_as_reported(i + 1)  # 7次批示: how often
        text = words[i].text
        if (
            text.startswith(_THRESHOLD_VERBS)
            and i > a
            and words[i - 1].tag in ("noun", "vn")
            and i + 1 < len(words)
            and words[i + 1].text == "的"
        ):
            event = next(v for v in _THRESHOLD_VERBS if text.startswith(v))  # 用工超过5000人
        return subject, event

    # ---- events
    def _event_left(self, i: int, a: int) -> tuple[str, int | None, str]:
        """The verb before word ``i`` in its clause ``[a, …)``, its index, and the
        class of a preposition met first (frame or means), if any.

        A listed verb is taken at once; a word that only jieba tags a verb is
        taken when no preposition stands before it in the clause (对…执法岗位
        100余名民辅警进行: the 对 phrase takes the verb after it)."""
        words = self.words
        weak: tuple[str, int | None, str] | None = None
        j = i - 1
        while j >= a:
            w = words[j]
            if w.tag == "passive":
                j -= 1
                continue  # 找回失踪被拐儿童: a passive inside the object
            relative = j + 1 < len(words) and words[j + 1].text in ("的", "等")
            if w.text == "为":
                if weak is not None:
                    return weak  # 公安机关为群众垫付…资金340笔: 为 opens a phrase
                before = words[j - 1].tag if j > a else ""
                if before in ("noun", "vn", "quote"):
                    return "为", j, ""  # a copula: 注册量为225.76万人
                if before in ("verb", "change", "verbish"):
                    return self._verb_as_reported(j - 1), j - 1, ""  # 表彰为
                return "", None, "frame"  # 为192名民警晋升职级
            inside = (
                w.tag == "verb" and self._in_chain(j, a) and self._predicate_before(j, a)
            )  # 开展山地搜救行动26起: a verbal noun of the object
            if (
                w.tag in ("verb", "change", "light")
                and not (relative and w.tag == "change")
                and not inside
            ):
                return self._verb_as_reported(j), j, ""
            if w.tag == "result":
                if j > a and words[j - 1].tag in ("verb", "change", "verbish"):
                    return self._verb_as_reported(j - 1), j - 1, ""
            elif w.tag in ("frame", "means"):
                self.weak = weak  # 向社会公开承诺…十条措施: the verb after the phrase
                return "", None, w.tag
            elif weak is None and not relative:
                if w.tag == "vn" and self._opens_phrase(j, a):
                    weak = (w.text, j, "")
                elif w.tag == "verbish" and not (
                    self._in_chain(j, a) and self._predicate_before(j, a)
                ):
                    weak = (self._verb_as_reported(j), j, "")
            j -= 1
        return weak if weak is not None else ("", None, "")

    def _predicate_before(self, j: int, a: int) -> bool:
        """A verb stands before word ``j`` in its clause: a verb-like word at ``j``
        may then modify the object (为群众垫付…资金340笔: 垫付 is the predicate)."""
        return any(
            w.tag in ("verb", "change", "verbish", "light") and w.text != "为"  # 为 opens a phrase
            for w in self.words[a:j]
        )

    def _opens_phrase(self, j: int, a: int) -> bool:
        """A verbal noun that opens its clause's noun phrase is its verb (检查车辆148辆)."""
        words = self.words
        if j + 1 >= len(words) or words[j + 1].tag not in ("noun", "adj", "verbish", "vn"):
            return False
        return j == a or words[j - 1].tag in ("skip", "scope", "time", "place", "punct")

    def _frame_at(self, i: int, a: int) -> int:
        j = i - 1
        while j >= a and self.words[j].tag not in ("frame", "result"):
            j -= 1
        return max(j, a)

    def _in_chain(self, j: int, a: int) -> bool:
        """A verb-like word inside a noun phrase (发案数, 涉案车辆, 起数、死亡人数)."""
        words = self.words
        if not (j > a and j + 1 < len(words) and len(words[j].text) <= 2):
            return False
        before, after = words[j - 1].tag, words[j + 1].tag
        if before == "list":  # 起数、死亡人数, 破案数和抓获人数, …2147件、警示标志
            listed = ("noun", "vn", "figure") if words[j].tag == "verbish" else ("noun", "vn")
            return after == "noun" and j > 1 and words[j - 2].tag in listed
        if before == "passive":
            return after == "noun" and words[j].tag == "verbish"  # 被拐儿童
        if words[j - 1].text == "等" and words[j].tag == "verbish":
            return after == "noun"  # 救生圈、救生绳等救生设施: the head of a list
        if words[j].tag == "verb":
            # a listed verb the dictionary also reads as a noun (案件办理时间), or one
            # before a one-character noun (行政案件查处率)
            tag = self._tag(words[j].text) or ""
            # 垫付道路交通事故救助资金: a verbal noun after the clause's verb
            nounish = tag.startswith("n") or (
                tag == "vn"
                and any(w.tag in ("verb", "verbish", "change") for w in words[a : j - 1])
            )
            return (
                before in ("noun", "vn")
                and after in ("noun", "vn")
                and (nounish or len(words[j + 1].text) == 1)
            )
        if before in ("noun", "vn"):  # 刑事案件发案数, 社会组织154家
            return after in ("noun", "figure")
        # 查扣涉案车辆: a verb's object opens with a verb-like modifier
        return before in ("verb", "change", "verbish") and after == "noun"

    def _verb_as_reported(self, j: int) -> str:
        words = self.words
        word = words[j].text
        if words[j].tag == "light" and j + 1 < len(words) and words[j + 1].tag != "punct":
            carried = words[j + 1].text  # 进行共建 → 共建, 进行轮岗交流 → 轮岗交流
            if (
                j + 2 < len(words)
                and words[j + 2].tag in ("vn", "verbish", "verb", "noun")
                and words[j + 1].end == words[j + 2].start
            ):
                carried += words[j + 2].text
            return carried
        for ending in _VERB_ENDINGS:
            if len(word) > 1 and word.endswith(ending):
                return word[: -len(ending)]
        if (
            len(word) == 2
            and word not in self.classes
            and self.classes.get(word[1], frozenset()) & {"complement"}
            and (
                self.classes.get(word[0], frozenset()) & {"verb", "change"}
                or self._tag(word[0]) == "v"
            )
        ):
            return word[0]  # 救起 → 救, 接到 → 接
        if (
            len(word) >= 2
            and word not in self.classes
            and "prefix" in self.classes.get(word[0], frozenset())
            and self.classes.get(word[1:], frozenset()) & {"verb", "change"}
        ):
            return word[1:]  # 还有 → 有, 再降 → 降: adverbs go
        return word

    def _event_right(self, i: int, b: int, streak: bool = False) -> str:
        """The verb after a figure that is its clause's subject or an adverbial;
        of verbs in series the last (走访排查 → 排查); after 被 the verb of the
        passive (被公安部表彰 → 表彰)."""
        words = self.words
        # past the noun it counts (6名违法人员); a duration counts none (五年来: past 来)
        j = i + 1 if streak else self._chain_right(i + 1, b)[1]
        if streak and j < b and words[j].text in ("来", "以来"):
            j += 1
        while j < b:
            w = words[j]
            if w.text == "被":
                k = j + 1
                while k < b and words[k].tag in ("noun", "place", "scope", "skip"):
                    k += 1  # the agent and adverbs: 被公安部, 被依法
                if k < b and words[k].tag not in ("punct", "figure"):
                    return self._verb_as_reported(k)
                return words[j + 1].text if j + 1 < b else ""
            if (
                streak
                and j == i + 1
                and len(w.text) == 4
                and (j + 1 == b or words[j + 1].tag == "punct")
            ):
                return w.text  # 连续60多天加班加点: a four-character predicate
            if w.tag in ("verb", "change", "light", "verbish") or (
                w.tag == "vn"
                and not streak
                and j + 1 < b
                and words[j + 1].tag in ("noun", "figure")
            ):
                while (
                    j + 2 < b
                    and words[j + 1].tag in ("verb", "verbish")
                    and words[j].tag != "light"
                ):
                    j += 1  # verbs in series: the last takes the object (受到表彰: a noun)
                return self._verb_as_reported(j)
            j += 1
        return ""

    # ---- subjects
    def _chain_left(self, j: int, a: int, object_chain: bool = True) -> tuple[int, int]:
        """The noun phrase ending at word ``j`` (skip words between it and the figure
        passed over), as word indices ``[start, end)``."""
        words = self.words
        while j >= a and words[j].tag == "skip":
            j -= 1
        end = j + 1
        if (
            not object_chain
            and j >= a
            and words[j].tag in ("verb", "verbish")
            and j + 1 < len(words)
            and words[j + 1].tag == "list"
        ):
            return j, j + 1  # 移诉、逮捕人数…分别上升: a verb named as one of a list
        while j >= a:
            w = words[j]
            if object_chain and w.tag == "vn" and j + 1 < end and self._opens_phrase(j, a):
                break  # 检查车辆: the verbal noun is the verb
            if (
                not object_chain
                and w.tag in ("verb", "verbish")
                and j + 1 < end
                and j > a
                and words[j - 1].tag in ("noun", "vn")
                and words[j + 1].tag in ("noun", "vn")
            ):
                j -= 1  # 乡镇处警速度…降至: before the predicate a verb between nouns modifies
                continue
            if w.tag in ("noun", "vn", "place", "quote", "scope", "time"):
                j -= 1
                continue
            if w.tag == "passive" and j + 1 < end:
                j -= 1  # 被拐儿童
                continue
            if (
                w.tag in ("verbish", "verb")
                and self._in_chain(j, a)
                and (not object_chain or self._predicate_before(j, a))
            ):
                j -= 1
                continue
            if (
                w.tag in ("verbish", "verb")
                and j + 1 < end
                and words[j + 1].text in _QUANTITY_NOUNS
                and not object_chain
            ):
                j -= 1  # 移送起诉数: the verbs a count of acts is named by
                while j >= a and words[j].tag in ("verbish", "verb") and j + 2 < end:
                    j -= 1
                continue
            if (
                not object_chain
                and w.tag in ("verbish", "verb")
                and j + 1 < end
                and words[j + 1].tag == "noun"
                and (j == a or words[j - 1].tag in ("punct", "scope", "place", "time"))
            ):
                j -= 1  # 盗窃案件发案率…下降: a verb-like modifier opening the subject
                continue
            if w.tag == "adj" and j + 1 < end:
                j -= 1
                continue
            break
        return j + 1, end

    def _chain_right(self, j: int, b: int) -> tuple[int, int]:
        """The noun phrase after a figure's measure word (抓获6名逃犯), as word
        indices ``[start, end)``."""
        words = self.words
        start = j
        if j + 2 < b and words[j].text == "被" and words[j + 2].tag == "noun":
            j += 2  # 12名被拐妇女: a passive participle modifies the noun
        while j < b:
            w = words[j]
            following = words[j + 1].tag if j + 1 < b else ""
            if w.tag in ("noun", "vn", "place", "quote") or (
                (w.tag == "adj" or (j == start and w.tag in ("scope", "time")))
                and following in ("noun", "adj", "place", "verbish")
            ):
                j += 1
                continue
            if (
                w.tag == "verbish"
                and len(w.text) <= 2
                and j == start
                and following == "verbish"
                and j + 2 < b
                and words[j + 2].tag == "noun"
            ):
                j += 2  # 13起夹带违禁物品案件: two verb-like modifiers of the noun
                continue
            if (
                w.tag == "verbish"
                and len(w.text) <= 2
                and following == "noun"
                and (
                    j == start
                    or words[j - 1].tag in ("adj", "scope")
                    or (self._in_chain(j, start) and len(words[j + 1].text) == 1)
                )
            ):
                j += 1  # 9个联合指挥部, 5辆非法改装车辆: a verb-like modifier of the noun
                continue
            if (
                w.tag == "verbish"
                and j > start
                and words[j - 1].tag == "noun"
                and following
                in (
                    "punct",
                    "",
                )
            ):
                j += 1  # 六起饮酒驾驶，: a verb read as a noun closes the phrase
                continue
            break
        return start, j

    def _subject_before_verb(self, verb_at: int, a: int, figure: int) -> str:
        """The noun phrase before the figure's verb (刑事案件发案数同比下降6.9%); a
        list of them pairs in order with the list of figures under the verb."""
        words = self.words
        j = verb_at - 1
        while (
            j >= a
            and words[j].tag in ("skip", "time", "means", "other", "scope", "date")
            and (words[j].tag != "means" or words[j].text in ("比", "较"))
        ):
            j -= 1
        if j >= a and words[j].text in ("中", "内", "里", "上", "当中", "之中"):
            return ""  # 在…考核中列第一: the phrase before the verb is an occasion
        chains: list[str] = []
        first = last = -1
        while j >= a:
            start, end = self._chain_left(j, a, object_chain=False)
            if start >= end:
                break
            chains.append(_trim(words, (start, end)))
            first, last = start, max(last, end)
            j = start - 1
            if j >= a and words[j].tag == "list":
                j -= 1
                continue
            break
        chains = [c for c in reversed(chains)]
        if not chains:
            return ""
        if len(chains) > 1:
            listed = self._listed_figures(verb_at, figure)
            if len(listed) == len(chains) and figure in listed:
                return chains[listed.index(figure)]
            # one figure over the whole list (警种指挥中心、派出所勤务室23处): the list as written
            return _trim(words, (first, last)) if all(chains) else chains[-1]
        return chains[0]

    def _listed_figures(self, verb_at: int, figure: int) -> list[int]:
        """The figures after the verb joined by list marks: 分别下降6.5%、41%."""
        words = self.words
        listed: list[int] = []
        j = verb_at + 1
        while j < len(words) and words[j].tag in ("skip",):
            j += 1
        while j < len(words) and words[j].tag == "figure":
            listed.append(words[j].figure)
            j += 1
            if j < len(words) and words[j].tag == "list":
                j += 1
                continue
            break
        return listed

    def _previous_figure(self, figure: int) -> int | None:
        """The figure before this one in the sentence, dates left out."""
        for earlier in range(figure - 1, -1, -1):
            if self.kinds[earlier] != "date":
                return earlier
        return None

    def _paired_with_earlier(self, verb_at: int, figure: int, done: list[tuple[str, str]]) -> str:
        """破获案件10.1万起，抓获嫌疑人9.2万名，同比分别上升73.7%、78.4%: figures listed
        under 分别 with no nouns of their own pair with the figures before them."""
        words = self.words
        if not any(w.text == "分别" for w in words[max(0, verb_at - 3) : verb_at]):
            return ""
        listed = self._listed_figures(verb_at, figure)
        if len(listed) < 2 or figure not in listed:
            return ""
        earlier = [f for f in range(listed[0]) if self.kinds[f] != "date" and done[f][0]]
        if len(earlier) < len(listed):
            return ""
        return done[earlier[len(earlier) - len(listed) + listed.index(figure)]][0]

    def _sentence_subject(self) -> str:
        """The noun phrase the sentence's first clauses open with, when a verb or a
        phrase follows it (半年来，刑事警情在…的基础上，今年同比再降47.38%)."""
        words = self.words
        j = 0
        for _ in range(2):  # the first clause may be a frame of time (半年来，)
            while j < len(words) and words[j].tag in ("scope", "time", "place", "skip", "date"):
                j += 1
            start, end = self._chain_right(j, len(words))
            if end < len(words) and end > start and words[end].tag in _AFTER_A_SUBJECT:
                return _trim(words, (start, end))
            while j < len(words) and words[j].tag != "punct":
                j += 1
            j += 1
        return ""

    def _inherits(self, kind: str, event: str, verb_at: int | None) -> bool:
        """A figure with no noun of its own takes the quantity named before it in
        the sentence when it is a change, a share, a copula or a verbless figure."""
        if kind in ("percent", "ratio"):
            return True
        if verb_at is None:
            return not event
        return self.words[verb_at].tag == "change"


def _trim(words: list[_Word], span: tuple[int, int]) -> str:
    """A noun phrase's text without the scope words, places and times it opens with."""
    start, end = span
    while (
        start < end
        and words[start].tag in ("scope", "place", "time", "skip", "quote")
        and not (words[start].tag == "quote" and words[start].text in "“‘「《")
    ):
        start += 1
    while start < end and words[end - 1].tag in ("scope", "place", "time", "skip", "adj"):
        end -= 1
    while end - start > 1 and words[start].text in _ADMIN_TAILS:
        start += 1  # 沾化 区 道路交通事故: the tail of a place name cut off it
    if start >= end or not _contiguous(words, start, end):
        return ""
    text = "".join(w.text for w in words[start:end])
    if len(text) > 2 and text[0] in "“‘「" and text[-1] in "”’」" and text.count(text[0]) == 1:
        text = text[1:-1]  # “偷渡客”: the quoted noun as a whole
    return text


def _contiguous(words: list[_Word], start: int, end: int) -> bool:
    return all(words[k].end == words[k + 1].start for k in range(start, end - 1))


# ---- the whole document ---------------------------------------------------------------
def annotate(
    records: Sequence[Any],
    text: str,
    reader: FactReader | None,
    document_date: str | None = None,
) -> list[Any]:
    """Figure records with ``subject``, ``event``, ``when``, ``iso`` and ``repeat``
    filled in (``reader`` ``None``: subject and event left empty)."""
    if not records:
        return []
    isos = resolve_dates(text, records, document_date)
    whens = resolve_when(text, records, isos, document_date)
    if reader is not None:
        facts = reader.read(text, [(r.start, r.end, r.kind, r.unit) for r in records])
    else:
        facts = [("", "")] * len(records)
    out = []
    seen: set[tuple[Any, str, str]] = set()
    for record, iso, when, (subject, event) in zip(records, isos, whens, facts, strict=True):
        if record.kind == "date":
            out.append(_with(record, iso=iso))
            continue
        key = (record.value, record.unit, subject)
        repeat = key in seen
        seen.add(key)
        out.append(_with(record, subject=subject, event=event, when=when, repeat=repeat))
    return out


def mark_repeats(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Figure rows in document order with ``repeat`` set as :func:`annotate` sets it,
    across all of them: the rows of a huge input's parts, each marked on its own."""
    seen: set[tuple[Any, str, str]] = set()
    for row in rows:
        if row["kind"] != "date":
            key = (row["value"], row["unit"], row["subject"])
            row["repeat"] = key in seen
            seen.add(key)
        yield row


def _with(record: Any, **fields: Any) -> Any:
    """``dataclasses.replace`` for a frozen record of plain fields, without its
    per-call field introspection (a figure each: it showed in profiles)."""
    new = object.__new__(type(record))
    new.__dict__.update(record.__dict__)
    new.__dict__.update(fields)
    return new


def document_figures(extractor: Any, reader: FactReader | None, document: Any) -> list[Any]:
    """The figures of a document with their facts (offsets into the whole
    input for a part of a huge one): what ``figures`` and the API report."""
    records = annotate(
        extractor.find(document.text, document.doc), document.text, reader, document.date
    )
    if document.offset:  # a part of a huge input: offsets into the whole
        shift = document.offset
        records = [_with(r, start=r.start + shift, end=r.end + shift) for r in records]
    return records


def normalise_term(term: str, normalizer: Any = None) -> str:
    """A filter word written as the text it is compared with (traditional →
    simplified, by ``normalizer``'s ``normalize``, when given): ``抓獲`` → ``抓获``."""
    term = term.strip()
    if normalizer is None or not term:
        return term
    return str(normalizer.normalize(term).text).strip()
