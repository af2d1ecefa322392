"""The click command group: parse options, call the library, hand rows to ``output``.

This is the only module that imports click.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from policetext import __version__
from policetext.config import CONVERSIONS, EXECUTORS, Config
from policetext.document import Document
from policetext.engines import SEGMENTERS
from policetext.errors import InputError, PolicetextError
from policetext.figures import KINDS, figure_rows
from policetext.io import STDIN_NAME, Source, TableFields, bundled_sources, stdin_is_null
from policetext.keywords import (
    METHODS,
    keyness,
    keyword_terms,
    rank_corpus,
    rank_documents,
    read_stopwords,
    split_term_counts,
)
from policetext.output import (
    FORMATS,
    Section,
    TreeNode,
    highlight,
    progress_bar,
    resolve_format,
    wants_colour,
    write_file_atomically,
    write_object,
    write_rows,
    write_sections,
    write_text,
    write_trees,
)
from policetext.pipeline import Pipeline
from policetext.stats import summarise
from policetext.units import unit_rows, unit_tree

if TYPE_CHECKING:
    from policetext.search import Searcher

PROG = "policetext"


def stdin_is_terminal() -> bool:
    """Whether standard input is a terminal (then no paths means the bundled corpus)."""
    try:
        return sys.stdin is None or sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _silence_stdout() -> None:
    # After EPIPE, point stdout at /dev/null so the interpreter's final flush is quiet.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class PolicetextGroup(click.Group):
    """Maps library errors, closed pipes and Ctrl-C to one quiet line and an exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PolicetextError as error:
            click.echo(f"{PROG}: {error}", err=True)
            ctx.exit(2)
        except BrokenPipeError:
            _silence_stdout()
            ctx.exit(0)
        except KeyboardInterrupt:
            ctx.exit(130)


class Reporter:
    """Prints each unusable input as one stderr line and remembers that one failed.

    With ``strict`` the first such input ends the run (exit status 2).
    """

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self.failed: list[InputError] = []

    @classmethod
    def from_options(cls, opts: dict[str, Any]) -> Reporter:
        return cls(strict=bool(opts.get("strict")))

    def __call__(self, error: InputError) -> None:
        self.failed.append(error)
        click.echo(f"{PROG}: {error}", err=True)
        if self.strict:
            sys.stdout.flush()
            sys.exit(2)

    def exit_status(self) -> int:
        return 2 if self.failed else 0


# ---- shared options ----------------------------------------------------------
def input_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """PATHS and the options that say how to read and normalise them."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=str)),
        click.option(
            "--glob",
            default="*.txt",
            show_default=True,
            help="File-name pattern when walking directories.",
        ),
        click.option(
            "--encoding",
            default=None,
            help="Read every file in this encoding instead of detecting it.",
        ),
        click.option(
            "--conversion",
            type=click.Choice(CONVERSIONS),
            default="t2s",
            show_default=True,
            help="OpenCC conversion to simplified Chinese.",
        ),
        click.option("--strict", is_flag=True, help="Stop at the first file that cannot be used."),
        click.option("-q", "--quiet", is_flag=True, help="No progress bar on a terminal."),
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=1),
            default=None,
            help="Worker processes [default: the number of cores for inputs over 2 MB, else 1].",
        ),
        click.option(
            "--input-format",
            type=click.Choice(["text", "jsonl", "csv"]),
            default=None,
            help="How to read inputs [default: by file ending: .jsonl/.ndjson, .csv, else text].",
        ),
        click.option(
            "--text-field",
            default="text",
            show_default=True,
            help="JSON Lines / CSV field holding the text.",
        ),
        click.option(
            "--id-field", default=None, help="Field whose value replaces the path in every row."
        ),
        click.option(
            "--meta",
            "meta_fields",
            multiple=True,
            help="Field carried into every output row (repeatable).",
        ),
        click.option(
            "--engine",
            "engines",
            type=click.Choice((*SEGMENTERS, *EXECUTORS)),
            multiple=True,
            help="Segmenter: jieba, or rjieba (fast extra; auto, the default, is rjieba when "
            "installed). Where documents are processed: local, or dask (dask extra). "
            "Repeatable (--engine rjieba --engine dask); every choice gives the same output.",
        ),
        click.option(
            "--scheduler",
            metavar="ADDRESS",
            default=None,
            help="With --engine dask: the Dask scheduler (tcp://host:8786) [default: a "
            "local cluster of --jobs worker processes].",
        ),
        click.option(
            "--connect-timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=5.0,
            show_default=True,
            metavar="SECONDS",
            help="With --scheduler: how long to wait for it.",
        ),
        click.option("--no-convert", is_flag=True, help="Keep traditional characters."),
        click.option("--no-pinyin", is_flag=True, help="Keep pinyin annotations like 習(xí)."),
        click.option("--no-repair", is_flag=True, help="Keep garbled GBK stretches as they are."),
        click.option("--no-width", is_flag=True, help="Keep full-width digits, ASCII punctuation."),
        click.option("--no-stutter", is_flag=True, help="Keep doubled pieces and broken lines."),
        click.option("--no-furniture", is_flag=True, help="Keep page furniture and bylines."),
        click.option(
            "--dict",
            "user_dicts",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Extra jieba dictionary (word [freq] [pos] per line); repeatable.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def build_config(opts: dict[str, Any]) -> Config:
    """The Config that the shared input options describe."""
    executor = _engine_choice(opts, EXECUTORS, "local")
    if opts.get("scheduler") and executor != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    return Config(
        conversion=None if opts.get("no_convert") else opts.get("conversion", "t2s"),
        strip_pinyin=not opts.get("no_pinyin"),
        repair_garbled=not opts.get("no_repair"),
        fix_width=not opts.get("no_width"),
        fix_stutter=not opts.get("no_stutter"),
        strip_furniture=not opts.get("no_furniture"),
        encoding=opts.get("encoding"),
        glob=opts.get("glob", "*.txt"),
        user_dicts=tuple(opts.get("user_dicts", ())),
        engine=_engine_choice(opts, SEGMENTERS, "auto"),
        executor=executor,
        scheduler=opts.get("scheduler"),
        connect_timeout=opts.get("connect_timeout") or 5.0,
        table=TableFields(
            text=opts.get("text_field") or "text",
            id=opts.get("id_field"),
            meta=tuple(opts.get("meta_fields", ())),
            input_format=opts.get("input_format"),
        ),
    )


def _engine_choice(opts: dict[str, Any], choices: Sequence[str], default: str) -> str:
    """The one --engine value among ``choices`` (segmenter or executor)."""
    chosen = [e for e in opts.get("engines", ()) if e in choices]
    if len(set(chosen)) > 1:
        raise click.UsageError(f"--engine {' and '.join(chosen)}: choose one of them")
    return chosen[0] if chosen else default


def with_meta(columns: Sequence[str], opts: dict[str, Any]) -> tuple[str, ...]:
    """A command's columns followed by the --meta fields; a field named as one of
    the columns is refused (its values would replace the column's)."""
    clash = [m for m in opts.get("meta_fields", ()) if m in columns]
    if clash:
        raise PolicetextError(
            f"--meta {clash[0]}: this command has a column of that name, which the field "
            "would overwrite; leave it out (or rename the field in the input)"
        )
    return (*columns, *dict.fromkeys(opts.get("meta_fields", ())))


def resolve_inputs(paths: Sequence[str]) -> list[str | Source]:
    """Paths as given; with none, standard input, or the bundled corpus.

    No paths and a terminal, /dev/null or a closed standard input (as under cron
    or CI): the bundled sample corpus, said in one line on stderr. No paths and a
    pipe or a file: standard input, and an empty one is an empty corpus.
    """
    if paths:
        return list(paths)
    if not stdin_is_terminal() and not stdin_is_null():
        data = read_stdin()
        return [Source(STDIN_NAME, stream=io.BytesIO(data))] if data else []
    if stdin_is_terminal():
        reason = "no paths given"
    else:
        reason = "standard input is closed or /dev/null"
    bundled = bundled_sources()
    click.echo(
        f"{PROG}: {reason}; using the bundled sample corpus ({len(bundled)} articles)",
        err=True,
    )
    return list(bundled)


def read_stdin() -> bytes:
    try:
        return sys.stdin.buffer.read()
    except (OSError, ValueError, AttributeError):
        return b""


def track(opts: dict[str, Any]) -> Callable[[int], None]:
    """The progress callback of this command: a bar on stderr when it is a terminal
    and -q was not given; closed when the command ends."""
    bar = progress_bar(sys.stderr, enabled=not opts.get("quiet"))
    return click.get_current_context().with_resource(bar)


def format_option(choices: Sequence[str] = FORMATS, default: str = "auto") -> Callable[..., Any]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format; auto is a table on a terminal and TSV in a pipe.",
    )


def output_file_option(what: str) -> Callable[..., Any]:
    """``-o/--output FILE``, required: the file a command writes (atomically)."""
    return click.option(
        "-o",
        "--output",
        "target",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help=what,
    )


def stdout() -> TextIO:
    """Standard output as it is now (CliRunner swaps it in tests)."""
    return sys.stdout


# ---- commands ----------------------------------------------------------------
@click.group(cls=PolicetextGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name=PROG)
def cli() -> None:
    """Text mining for Chinese police and public-security writing.

    Every command reads files, directories (recursively, *.txt) or standard
    input (-). With no paths it reads standard input when that is a pipe, and
    the bundled sample corpus when it is a terminal.
    """


REPORT_COLUMNS = (
    "doc",
    "encoding",
    "script",
    "garbled_repaired",
    "garbled_dropped",
    "pinyin_removed",
    "converted_chars",
    "width_fixed",
    "stutter_fixed",
    "lines_rejoined",
    "furniture_removed",
    "bylines_removed",
)
DOCUMENT_COLUMNS = (
    "doc",
    "title",
    "source",
    "reporters",
    "correspondents",
    "editor",
    "encoding",
    "script",
    "chars",
    "text",
)


@cli.command()
@input_options
@click.option("--report", is_flag=True, help="Print what each step changed, not the text.")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write one normalised file per input into this directory.",
)
@click.option("--on-collision", type=click.Choice(["suffix", "stop"]), default="suffix",
              show_default=True,
              help="With -o: when two documents would get one file name, give the second "
              "a suffix (name-2), or stop before writing anything.")  # fmt: skip
@format_option(("text", *FORMATS), default="text")
def normalize(
    report: bool, output_dir: Path | None, on_collision: str, fmt: str, **opts: Any
) -> None:
    """Print the normalised text of each document.

    Traditional → simplified, pinyin annotations removed, garbled GBK stretches
    repaired (or marked 〓), width and punctuation fixed, scraping stutter undone,
    page furniture removed and bylines moved to metadata. Documents are separated
    by a blank line; start:end offsets in every other command index this text.

    \b
    Examples:
      policetext normalize seeds/003_c0399a39c826ac4b.txt
      policetext normalize --report seeds/
      cat article.txt | policetext normalize --format jsonl | jq .reporters
    """
    pipeline = Pipeline(build_config(opts))
    reporter = Reporter.from_options(opts)
    docs = pipeline.documents(
        resolve_inputs(opts["paths"]), jobs=opts["jobs"], on_error=reporter, progress=track(opts)
    )
    out = stdout()
    if report:
        rows = (
            {"doc": d.doc, "encoding": d.encoding, "script": d.script, **d.changes, **d.meta}
            for d in docs
        )
        write_rows(rows, with_meta(REPORT_COLUMNS, opts), "auto" if fmt == "text" else fmt, out)
    elif output_dir is not None:
        _write_output_dir(docs, output_dir, on_collision)
    elif fmt == "text":
        write_text(_texts(docs), out)
    else:
        rows = ({**d.metadata_row(), "text": d.text, **d.meta} for d in docs)
        write_rows(rows, with_meta(DOCUMENT_COLUMNS, opts), fmt, out)
    sys.exit(reporter.exit_status())


def _texts(docs: Iterator[Document]) -> Iterator[str]:
    any_output = False
    for i, doc in enumerate(docs):
        any_output = True
        if doc.part:
            # a later part of a huge input continues its document
            yield doc.separator + doc.text
            continue
        yield ("\n\n" if i else "") + doc.text
    if any_output:
        yield "\n"


def _write_output_dir(docs: Iterable[Document], root: Path, on_collision: str) -> None:
    """``normalize -o DIR``: one file per document, never two in one file."""
    from policetext.output import OutputDirectory

    folder = OutputDirectory(root, on_collision)
    staged = []  # with --on-collision stop, files are said once they are in place
    try:
        for doc in docs:
            name = "stdin.txt" if doc.doc == STDIN_NAME else doc.doc
            part = getattr(doc, "part", 0)  # a later part of a huge input continues its file
            text = (getattr(doc, "separator", "") if part else "") + doc.text
            target = folder.write(name, text + ("" if part else "\n"), continued=bool(part))
            if part:
                continue
            if folder.stop:
                staged.append(target)
            else:
                click.echo(f"{PROG}: wrote {target}", err=True)
        folder.commit()
    finally:
        folder.abort()
    for target in staged:
        click.echo(f"{PROG}: wrote {target}", err=True)


TOKEN_COLUMNS = ("doc", "sentence", "start", "end", "token", "pos")


@cli.command()
@input_options
@click.option("--pos", is_flag=True, help="Tag parts of speech: 词/词性 (slower).")
@format_option(("text", *FORMATS), default="text")
def segment(pos: bool, fmt: str, **opts: Any) -> None:
    """Print one sentence a line, tokens separated by spaces.

    jieba precise mode with the police-domain dictionary (and --dict files).
    With --format, one row per token: doc, sentence, start, end, token, pos.

    \b
    Examples:
      policetext segment --pos seeds/000_d86e2d0fb1389b5b.txt
      echo 滨州市公安局沾化分局破获电信网络诈骗案 | policetext segment
    """
    pipeline = Pipeline(build_config(opts))
    reporter = Reporter.from_options(opts)
    docs = pipeline.documents(
        resolve_inputs(opts["paths"]),
        segment=True,
        pos=pos,
        jobs=opts["jobs"],
        on_error=reporter,
        progress=track(opts),
    )
    out = stdout()
    if fmt == "text":
        write_text(_segmented_text(docs, pos), out)
    else:
        write_rows(_token_rows(docs), with_meta(TOKEN_COLUMNS, opts), fmt, out)
    sys.exit(reporter.exit_status())


def _by_sentence(doc: Document) -> Iterator[tuple[int, list[Any]]]:
    tokens = list(doc.tokens)
    i = 0
    for number, sentence in enumerate(doc.sentences, 1):
        group = []
        while i < len(tokens) and tokens[i].start < sentence.end:
            group.append(tokens[i])
            i += 1
        if group:
            yield number, group


def _segmented_text(docs: Iterator[Document], pos: bool) -> Iterator[str]:
    for n, doc in enumerate(docs):
        lines = []
        for _, group in _by_sentence(doc):
            words = (f"{t.text}/{t.pos}" if pos else t.text for t in group)
            lines.append(" ".join(words) + "\n")
        yield ("\n" if n else "") + "".join(lines)


def _token_rows(docs: Iterator[Document]) -> Iterator[dict[str, Any]]:
    for doc in docs:
        for number, group in _by_sentence(doc):
            for t in group:
                yield {
                    "doc": doc.doc,
                    "sentence": number,
                    "start": t.start,
                    "end": t.end,
                    "token": t.text,
                    "pos": t.pos,
                    **doc.meta,
                }


KEYWORD_COLUMNS = ("doc", "rank", "term", "score", "count")


@cli.command()
@input_options
@click.option(
    "--method", type=click.Choice(METHODS), default="tfidf", show_default=True, help="Ranking."
)
@click.option(
    "--per-doc/--corpus",
    "per_doc",
    default=None,
    help="One ranking per document [default when several] or one for the corpus.",
)
@click.option("-n", "--top", type=click.IntRange(min=1), default=10, show_default=True)
@click.option(
    "--stopwords",
    "stopword_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="More stopwords, one per line; repeatable.",
)
@click.option("--pos", "pos_tags", default="", help="Only these parts of speech, e.g. n,nz,vn.")
@format_option()
def keywords(
    method: str,
    per_doc: bool | None,
    top: int,
    stopword_files: tuple[Path, ...],
    pos_tags: str,
    fmt: str,
    **opts: Any,
) -> None:
    """Rank the terms that characterise each document and the corpus.

    TF-IDF (default) on the pipeline's tokens with the police-domain dictionary.
    IDF: for one document, jieba's bundled IDF table; for several, that table
    blended with the corpus's own document frequencies, IDF × (ln((1+N)/(1+df))+1)
    / (ln(1+N)+1), so words every document shares sink. --corpus ranks the summed
    counts with jieba's table. TextRank ranks by co-occurrence within 5 terms.
    Stopwords (shipped list for this genre, plus --stopwords), numbers, single
    characters, punctuation and noise are never keywords.

    \b
    Examples:
      policetext keywords seeds/
      policetext keywords --corpus -n 30 seeds/
      policetext keywords --method textrank --pos n,nz,vn seeds/000_d86e2d0fb1389b5b.txt
    """
    extra: frozenset[str] = frozenset()
    for path in stopword_files:
        extra |= read_stopwords(path)
    pos = tuple(p.strip() for p in pos_tags.split(",") if p.strip())
    config = replace(build_config(opts), stopwords=extra, keyword_pos=pos)
    pipeline = Pipeline(config)
    reporter = Reporter.from_options(opts)
    results = list(
        pipeline.run(
            resolve_inputs(opts["paths"]),
            keyword_terms,
            segment=True,
            pos=bool(pos),
            jobs=opts["jobs"],
            on_error=reporter,
            progress=track(opts),
        )
    )
    per = [(doc, terms) for doc, terms, _ in results]
    metas = {doc: meta for doc, _, meta in results}
    if per_doc is None:
        per_doc = len(per) > 1
    rank = rank_documents if per_doc else rank_corpus
    ranked = rank(pipeline.keywords, per, method, top)
    if method == "textrank":
        how = "TextRank"
    elif per_doc and len(per) > 1:
        how = f"TF-IDF, jieba IDF blended with the document frequencies of {len(per)} documents"
    else:
        how = "TF-IDF, jieba's IDF table"
    rows = ({**k.as_row(), **metas.get(k.doc, {})} for k in ranked)
    columns = with_meta(KEYWORD_COLUMNS, opts)
    write_rows(rows, columns, fmt, stdout(), title=f"keywords ({how})")
    sys.exit(reporter.exit_status())


STATS_DOC_COLUMNS = ("doc", "title", "reporters", "chars", "tokens", "figures", "units", "keywords")
STATS_ROW_COLUMNS = (
    "doc",
    "title",
    "reporters",
    "chars",
    "han",
    "sentences",
    "tokens",
    "distinct_tokens",
    "script",
    "figures",
    "units",
    "keywords",
)


@cli.command()
@input_options
@click.option(
    "-n",
    "--top",
    type=click.IntRange(min=1),
    default=15,
    show_default=True,
    help="Corpus keywords to show.",
)
@click.option("-v", "--verbose", is_flag=True, help="Name the files that were skipped.")
@format_option()
def stats(top: int, verbose: bool, fmt: str, **opts: Any) -> None:
    """The corpus at a glance: totals, each document, top keywords.

    On a terminal: a corpus card, a table of documents (title, reporters,
    characters, tokens, top three keywords) and the corpus's top keywords with
    bars. --format json prints one object holding all of it; tsv, csv and jsonl
    print one row per document. Tokens are words (punctuation not counted).

    \b
    Examples:
      policetext stats
      policetext stats seeds/ --format json | jq .corpus
      policetext stats dir/ | sort -t$'\\t' -k7 -n
    """
    pipeline = Pipeline(build_config(opts))
    reporter = Reporter.from_options(opts)
    summary = summarise(
        pipeline,
        resolve_inputs(opts["paths"]),
        top=top,
        jobs=opts["jobs"],
        on_error=reporter,
        progress=track(opts),
    )
    corpus, documents, keyword_rows = summary.corpus, summary.documents, summary.keyword_rows()
    out = stdout()
    shape = resolve_format(fmt, out)
    if shape == "table":
        card = [{"measure": k.replace("_", " "), "value": v} for k, v in corpus.as_row().items()]
        sections = [
            Section("corpus", ("measure", "value"), card),
            Section("documents", STATS_DOC_COLUMNS, [_short_doc_row(d) for d in documents]),
            Section("top keywords", ("rank", "term", "score", "count"), keyword_rows, "score"),
        ]
        if verbose and corpus.skipped:
            sections.append(Section("skipped", ("file",), [{"file": f} for f in corpus.skipped]))
        write_sections(sections, out)
    elif shape == "json":
        write_object(summary.as_object(), out)
    else:
        columns = with_meta(STATS_ROW_COLUMNS, opts)
        write_rows((d.as_row() for d in documents), columns, shape, out)
    if verbose and corpus.skipped and shape != "table":
        for name in corpus.skipped:
            click.echo(f"{PROG}: skipped {name}", err=True)
    sys.exit(reporter.exit_status())


FIGURE_COLUMNS = (
    "doc",
    "start",
    "end",
    "text",
    "value",
    "max",
    "unit",
    "kind",
    "approx",
    "change",
    "base",
    "context",
)


@cli.command()
@input_options
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS), help="Only these kinds.")
@click.option("--min", "minimum", type=float, default=None, help="Only values at least this.")
@click.option("--unit", "units", multiple=True, help="Only these units (as output: 人, 元, % …).")
@format_option()
def figures(
    kinds: tuple[str, ...], minimum: float | None, units: tuple[str, ...], fmt: str, **opts: Any
) -> None:
    """Every figure an article reports: number, unit, kind and the clause around it.

    Kinds: count, percent, money (in 元), duration, rank, ratio, date. Arabic
    and Chinese numerals, scales (万, 亿), approximations (近, 约, 超, 逾, 过, 余,
    多, 以上, 左右), ranges (1至2个), lists sharing a unit (分别下降6.9%、51%).
    Numerals in names and slogans (二十大, 一等功, “四个第一”), hotlines (拨打110),
    clock times and idioms are not figures. start:end index the normalised text
    (policetext normalize); change is up/down and base the comparison (同比) where
    the text says so.

    \b
    Examples:
      policetext figures seeds/
      policetext figures --kind money --min 10000 seeds/ --format csv
      policetext figures --kind percent --format jsonl seeds/ | jq -r .context
    """
    pipeline = Pipeline(build_config(opts))
    reporter = Reporter.from_options(opts)
    wanted_units = set(units)

    def keep(row: dict[str, Any]) -> bool:
        if kinds and row["kind"] not in kinds:
            return False
        if minimum is not None and row["value"] < minimum:
            return False
        return not wanted_units or row["unit"] in wanted_units

    per_doc = pipeline.run(
        resolve_inputs(opts["paths"]),
        figure_rows,
        jobs=opts["jobs"],
        on_error=reporter,
        progress=track(opts),
    )
    rows = (row for doc_rows in per_doc for row in doc_rows if keep(row))
    write_rows(rows, with_meta(FIGURE_COLUMNS, opts), fmt, stdout(), title="figures")
    sys.exit(reporter.exit_status())


UNIT_COLUMNS = ("doc", "start", "end", "text", "name", "type", "level", "parent")


@cli.command()
@input_options
@click.option("--tree", is_flag=True, help="Print the hierarchy with mention counts.")
@click.option("--corpus", "whole_corpus", is_flag=True, help="With --tree: one tree for all.")
@format_option()
def units(tree: bool, whole_corpus: bool, fmt: str, **opts: Any) -> None:
    """The police units an article names, resolved and placed in the hierarchy.

    A unit type (公安局, 分局, 派出所, 支队, 检查站, 指挥中心 …) with what names it:
    places from a gazetteer of China's administrative divisions, proper and
    functional names (台子派出所, 特巡警支队) and the units above it in a chain
    (市公安局海岸警察支队岔尖派出所). Generic and plural mentions (各派出所,
    全市公安机关) and non-police bodies (市委) are not units. name resolves short
    forms against the article's city (市局 → 滨州市公安局 in a Binzhou article).

    \b
    Examples:
      policetext units seeds/
      policetext units --tree seeds/004_2e985708f8c8bfca.txt
      policetext units --tree --corpus seeds/
      policetext units --format jsonl seeds/ | jq -r .name | sort | uniq -c
    """
    pipeline = Pipeline(build_config(opts))
    reporter = Reporter.from_options(opts)
    per_doc = pipeline.run(
        resolve_inputs(opts["paths"]),
        unit_rows,
        segment=True,
        jobs=opts["jobs"],
        on_error=reporter,
        progress=track(opts),
    )
    out = stdout()
    if not tree:
        rows = (row for doc_rows in per_doc for row in doc_rows)
        write_rows(rows, with_meta(UNIT_COLUMNS, opts), fmt, out, title="units")
        sys.exit(reporter.exit_status())
    groups: list[tuple[str, list[dict[str, Any]]]] = []
    for doc_rows in per_doc:
        if doc_rows:
            groups.append((doc_rows[0]["doc"], doc_rows))
    if whole_corpus:
        groups = [("corpus", [row for _, rows in groups for row in rows])]
    for title, rows in groups:
        write_trees(title, _tree_nodes(unit_tree(rows)), out)
    sys.exit(reporter.exit_status())


def _tree_nodes(entries: list[tuple[str, int, str | None]]) -> list[TreeNode]:
    nodes = {name: TreeNode(name, count) for name, count, _ in entries}
    roots = []
    for name, _, parent in entries:
        if parent and parent in nodes and parent != name:
            nodes[parent].children.append(nodes[name])
        else:
            roots.append(nodes[name])
    return roots


KWIC_COLUMNS = ("doc", "line", "left", "match", "right")
HIT_COLUMNS = ("doc", "line", "start", "end", "match", "left", "right")


@cli.command(name="grep")
@click.argument("pattern", required=False)
@input_options
@click.option("-e", "--regexp", "regexps", multiple=True, help="A Python regular expression.")
@click.option("-i", "--ignore-case", is_flag=True, help="Ignore Latin letter case.")
@click.option(
    "-w",
    "--word",
    is_flag=True,
    help="Whole tokens only (jieba's segmentation with the police dictionary).",
)
@click.option("--context-chars", type=click.IntRange(min=0), default=None,
              help="Print N characters around each match instead of the line.")  # fmt: skip
@click.option("-C", "--context", "context_sentences", type=click.IntRange(min=0), default=None,
              help="Print N sentences before and after the hit's sentence.")  # fmt: skip
@click.option("--sentence", is_flag=True, help="Print the whole sentence of each hit.")
@click.option("--kwic", is_flag=True, help="Keyword in context: doc, line, left, match, right.")
@click.option("-c", "--count", "count_only", is_flag=True, help="Matches per file.")
@click.option("-l", "--files-with-matches", is_flag=True, help="Only the names of files.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per match.")
@click.option("--in", "inside", type=click.Choice(["figures", "units"]), default=None,
              help="Only hits inside extracted figures or named units.")  # fmt: skip
@click.option("--near", type=click.IntRange(min=0), default=None,
              help="With --in: the figures/units within N characters of a match.")  # fmt: skip
@click.option("--no-cache", is_flag=True, help="Do not reuse or store normalised text.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds a pattern RE2 cannot take (backreferences, lookarounds) may run "
              "on one file before the file is skipped [default: 3].")  # fmt: skip
@format_option()
def grep_command(
    pattern: str | None,
    regexps: tuple[str, ...],
    ignore_case: bool,
    word: bool,
    context_chars: int | None,
    context_sentences: int | None,
    sentence: bool,
    kwic: bool,
    count_only: bool,
    files_with_matches: bool,
    as_json: bool,
    inside: str | None,
    near: int | None,
    no_cache: bool,
    timeout: float | None,
    fmt: str,
    **opts: Any,
) -> None:
    """Search normalised text: 反詐 finds 反诈 and the reverse, ３ finds 3.

    PATTERN is literal; -e gives Python regular expressions (repeatable; then
    every argument is a path). Output as ripgrep: path:line:col:line, the match
    highlighted on a terminal. Exit status 0 when something matched, 1 when
    nothing did, 2 on an error (even if other files matched). Every search
    ends: regular expressions run on RE2 (linear time); those it cannot take
    (backreferences, lookarounds) have --timeout seconds per file.
    Normalised text is cached per file (path, size, times, inode, version) under
    $XDG_CACHE_HOME/policetext; --no-cache bypasses it.

    \b
    Examples:
      policetext grep 反詐 seeds/
      policetext grep -w 公安 --count seeds/
      policetext grep --kwic 派出所 seeds/
      policetext grep -e '\\d+人' --in figures seeds/
      policetext grep 电信诈骗 --in figures --near 20 seeds/ --json
    """
    paths = list(opts["paths"])
    if regexps:
        if pattern is not None:
            paths.insert(0, pattern)
        patterns, regex = list(regexps), True
    elif pattern is None:
        raise click.UsageError("give a PATTERN or -e REGEX")
    else:
        patterns, regex = [pattern], False
    if near is not None and inside is None:
        raise click.UsageError("--near needs --in figures or --in units")
    from policetext.search import Searcher

    config = replace(build_config(opts), use_cache=not no_cache)
    pipeline = Pipeline(config)
    searcher = Searcher(
        patterns,
        pipeline.normalizer,
        regex=regex,
        ignore_case=ignore_case,
        context_chars=20 if context_chars is None else context_chars,
        **({"timeout": timeout} if timeout else {}),
    )
    reporter = Reporter.from_options(opts)
    mode = (
        "json"
        if as_json
        else "kwic"
        if kwic
        else "files"
        if files_with_matches
        else ("count" if count_only else "lines")
    )
    task = partial(
        _grep_task,
        searcher,
        mode,
        word,
        inside,
        near,
        wants_colour(stdout()),
        (context_chars, context_sentences, sentence),
    )
    results = pipeline.run(
        resolve_inputs(paths),
        task,
        segment=word or inside == "units",
        jobs=opts["jobs"],
        on_error=reporter,
        progress=track(opts),
    )
    out = stdout()
    matched = False
    if mode in ("json", "kwic"):
        rows = (row for doc_rows in results for row in doc_rows)
        columns = with_meta(KWIC_COLUMNS if mode == "kwic" else HIT_COLUMNS, opts)
        matched = write_rows(rows, columns, "jsonl" if mode == "json" else fmt, out) > 0
    else:
        for found, text in results:
            if found:
                matched = True
                out.write(text)
                out.flush()
    sys.exit(reporter.exit_status() or (0 if matched else 1))


def _grep_task(
    searcher: Searcher,
    mode: str,
    word: bool,
    inside: str | None,
    near: int | None,
    colour: bool,
    context: tuple[int | None, int | None, bool],
    pipeline: Pipeline,
    document: Document,
) -> Any:
    """One document's grep output, computed where the document is (a worker, maybe)."""
    from policetext.search import matching_lines

    if mode == "count" and not (word or inside):
        count = matching_lines(searcher, document)
        return count > 0, f"{document.doc}:{count}\n"
    spans = {"figures": figure_spans, "units": unit_spans}.get(inside or "")
    bounded = (lambda d: spans(pipeline, d)) if spans else None
    hits = list(searcher.hits(document, whole_words=word, inside=bounded, near=near))
    if mode in ("json", "kwic"):
        return [{**h.as_row(), **document.meta} for h in hits]
    if not hits:
        return False, ""
    if mode == "files":
        return True, document.doc + "\n"
    if mode == "count":
        return True, f"{document.doc}:{len({h.line for h in hits})}\n"
    return True, _grep_lines(document, hits, colour, *context)


def figure_spans(pipeline: Pipeline, document: Document) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in pipeline.figures.figures(document)]


def unit_spans(pipeline: Pipeline, document: Document) -> list[tuple[int, int]]:
    return [(u.start, u.end) for u in pipeline.units.units(document)]


def _grep_lines(
    doc: Document,
    hits: list[Any],
    colour: bool,
    context_chars: int | None,
    context_sentences: int | None,
    sentence: bool,
) -> str:
    out = []
    if context_chars is None and context_sentences is None and not sentence:
        # ripgrep: one line per matching line, every match on it highlighted
        by_line: dict[int, list[Any]] = {}
        for hit in hits:
            by_line.setdefault(hit.line, []).append(hit)
        for line, group in by_line.items():
            first = group[0]
            line_start = first.start - first.column + 1
            spans = [(h.start - line_start, h.end - line_start) for h in group]
            text = highlight(first.line_text, spans, colour)
            out.append(f"{doc.doc}:{line}:{first.column}:{text}\n")
        return "".join(out)
    sentences = list(doc.sentences)
    for hit in hits:
        if context_chars is not None and not sentence and context_sentences is None:
            piece, offset = hit.left + hit.match + hit.right, len(hit.left)
        else:
            index = next((i for i, s in enumerate(sentences) if s.start <= hit.start < s.end), 0)
            n = context_sentences or 0
            chosen = sentences[max(0, index - n) : index + n + 1] or [sentences[index]]
            begin = chosen[0].start
            piece = doc.text[begin : chosen[-1].end].replace("\n", " ")
            offset = hit.start - begin
        text = highlight(piece, [(offset, offset + len(hit.match))], colour)
        out.append(f"{doc.doc}:{hit.line}:{hit.column}:{text}\n")
    return "".join(out)


KEYNESS_COLUMNS = ("term", "freq_a", "freq_b", "g2", "p", "log_ratio")


@cli.command()
@input_options
@click.option("--by", "split", default=None, metavar="FIELD=VALUE",
              help="One corpus: A is the documents whose FIELD is VALUE, B the rest.")  # fmt: skip
@click.option("--against", default=None, metavar="VALUE",
              help="With --by: B is only the documents whose FIELD is VALUE.")  # fmt: skip
@click.option("-n", "--top", type=click.IntRange(min=1), default=20, show_default=True,
              help="Terms shown for each side.")  # fmt: skip
@click.option("--min-freq", type=click.IntRange(min=1), default=3, show_default=True,
              help="Leave out terms rarer than this in both corpora together.")  # fmt: skip
@format_option()
def compare(
    split: str | None, against: str | None, top: int, min_freq: int, fmt: str, **opts: Any
) -> None:
    """Which terms characterise corpus A against corpus B (keyness).

    A and B are two paths (files or directories), or one corpus split by a
    metadata field with --by FIELD=VALUE (JSON Lines or CSV input).
    Log-likelihood G² with its p-value (chi-square, one degree of freedom) and
    the log ratio of relative frequencies (log2), as quanteda's textstat_keyness
    and WordSmith report them. g2 is signed: positive for A, negative for B.
    Terms are the keyword candidates (no stopwords, numbers, single characters).
    On a terminal, A's terms then B's with bars; in a pipe, one row per term.

    \b
    Examples:
      policetext compare seeds/000_d86e2d0fb1389b5b.txt seeds/004_2e985708f8c8bfca.txt
      policetext compare binzhou/ baotou/ --format csv > keyness.csv
      policetext compare releases.jsonl --by region=滨州 --against 包头
    """
    paths = list(opts["paths"])
    if split is None:
        if against is not None:
            raise click.UsageError("--against needs --by FIELD=VALUE")
        if len(paths) != 2:
            raise click.UsageError("give two corpora A B, or one corpus and --by FIELD=VALUE")
        field, value, labels = None, None, paths
    else:
        field, eq, value = split.partition("=")
        if not eq or not field:
            raise click.UsageError(f"--by takes FIELD=VALUE, not {split!r}")
        if field not in opts["meta_fields"]:
            opts["meta_fields"] = (*opts["meta_fields"], field)
        other = f"{field}={against}" if against is not None else f"{field}≠{value}"
        labels = [f"{field}={value}", other]
    pipeline = Pipeline(build_config(opts))
    reporter = Reporter.from_options(opts)
    run = functools.partial(
        pipeline.run, task=keyword_terms, segment=True, jobs=opts["jobs"],
        on_error=reporter, progress=track(opts),
    )  # fmt: skip
    if field is None:
        counts = []
        with _one_cluster(pipeline, opts) as scheduler:  # both corpora on one Dask cluster
            for corpus in paths:
                counts.append(_term_counts(run([corpus], scheduler=scheduler)))
    else:
        results = run(resolve_inputs(paths))
        counts = split_term_counts(results, field, value or "", against)
        for label, total in zip(labels, counts, strict=True):
            if not total:
                raise PolicetextError(f"no document with terms has {label}")
    rows = keyness(counts[0], counts[1], min_freq)
    side_a = [r for r in rows if r.g2 > 0][:top]
    side_b = [r for r in rows if r.g2 < 0][:top]
    out = stdout()
    if resolve_format(fmt, out) == "table":
        # quanteda's keyness plot as a table: A's terms on the right of the axis,
        # strongest first, then B's on the left, strongest last
        rows = [r.as_row() for r in (*side_a, *reversed(side_b))]
        title = f"keyness: A = {labels[0]}, B = {labels[1]}"
        write_sections([Section(title, KEYNESS_COLUMNS, rows, "g2", "B ◀ g2 ▶ A")], out)
    else:
        write_rows((r.as_row() for r in side_a + side_b), KEYNESS_COLUMNS, fmt, out)
    sys.exit(reporter.exit_status())


@contextlib.contextmanager
def _one_cluster(pipeline: Pipeline, opts: dict[str, Any]) -> Iterator[str | None]:
    if pipeline.config.executor != "dask":
        yield None
        return
    from policetext.cluster import shared_scheduler

    config = pipeline.config
    with shared_scheduler(config.scheduler, opts["jobs"], config.connect_timeout) as address:
        yield address


def _term_counts(results: Iterable[tuple[str, list[str], dict[str, str]]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for _, terms, _ in results:
        total.update(terms)
    return total


@cli.command()
@input_options
@output_file_option("The SQLite file to create or update.")
@click.option("-n", "--top", type=click.IntRange(min=1), default=20, show_default=True,
              help="Keywords stored per document.")  # fmt: skip
@click.option("--prune", is_flag=True,
              help="Delete documents of earlier exports that are not in this one (only "
              "after a run that read every input and exported something).")  # fmt: skip
def export(target: Path, top: int, prune: bool, **opts: Any) -> None:
    """Export documents, figures, units and keywords to one SQLite file.

    Tables documents, figures, units, keywords (with indexes and foreign keys)
    and documents_fts, an FTS5 table over the normalised text tokenised by the
    pipeline's segmentation (query it with words: MATCH '派出所'). Exporting a
    changed corpus again updates its rows in place; documents no longer in it
    stay unless --prune is given (so several folders can share one file).

    \b
    Examples:
      policetext export seeds/ -o corpus.sqlite
      sqlite3 corpus.sqlite "select kind, count(*) from figures group by kind"
      sqlite3 corpus.sqlite "select doc from documents_fts where tokens match '反诈中心'"
    """
    from policetext.export import export_record, export_to_sqlite  # sqlite3 only here

    pipeline = Pipeline(build_config(opts))
    reporter = Reporter.from_options(opts)
    records = pipeline.run(
        resolve_inputs(opts["paths"]), export_record, segment=True, jobs=opts["jobs"],
        on_error=reporter, progress=track(opts),
    )  # fmt: skip
    result = export_to_sqlite(
        records, target, pipeline.keywords, top, prune, complete=lambda: not reporter.failed
    )
    for doc, stored in result.renamed:
        click.echo(f"{PROG}: {doc}: id given twice; the second kept as {stored}", err=True)
    click.echo(f"{PROG}: exported {result.count} documents to {target}", err=True)
    if result.pruned is not None:
        click.echo(f"{PROG}: pruned {result.pruned} documents not in this export", err=True)
    elif result.prune_skipped:
        click.echo(f"{PROG}: not pruning: {result.prune_skipped}", err=True)
    sys.exit(reporter.exit_status())


@cli.command()
@input_options
@output_file_option("The HTML file to write.")
@click.option("--by", metavar="META", default=None,
              help="Group documents by this JSON Lines/CSV field (read as --meta).")  # fmt: skip
@click.option("--compare", "compare_paths", nargs=2, type=click.Path(path_type=str),
              metavar="A B", help="Also read A and B; show keyness of A against B.")  # fmt: skip
@click.option("--date-field", default="date", show_default=True,
              help="Field holding each document's date (else the years in its text).")  # fmt: skip
@click.option("-n", "--top", type=click.IntRange(min=1), default=15, show_default=True,
              help="Corpus keywords charted, and keyness terms for each side.")  # fmt: skip
def report(
    target: Path,
    by: str | None,
    compare_paths: tuple[str, str] | None,
    date_field: str,
    top: int,
    **opts: Any,
) -> None:
    """Write the corpus report: one self-contained HTML file with charts and tables.

    The corpus card (the numbers of stats), keywords (the corpus's and each
    document's or group's), figures (a sortable table linked to its sentences,
    figures per year, kinds and units), the unit hierarchy and units that appear
    together, and with two groups (--compare A B, or --by META) the keyness of
    compare. Charts are inline SVG, each with a table of its numbers; nothing is
    fetched when the file is opened.

    \b
    Examples:
      policetext report seeds/ -o report.html
      policetext report scrape.jsonl --id-field id --by region -o report.html
      policetext report --compare binzhou/ baotou/ -o report.html
    """
    fields = (*opts.get("meta_fields", ()), *(f for f in (by, date_field) if f))
    opts = {**opts, "meta_fields": tuple(dict.fromkeys(fields))}
    pipeline = Pipeline(build_config(opts))
    reporter = Reporter.from_options(opts)
    paths = opts["paths"]
    from policetext.report import build_report  # its SVG and HTML code only here

    html = build_report(
        pipeline,
        resolve_inputs(paths) if paths or not compare_paths else [],
        compare=compare_paths,
        by=by,
        date_field=date_field or None,
        top=top,
        jobs=opts["jobs"],
        on_error=reporter,
        progress=track(opts),
    )
    write_file_atomically(target, html)
    click.echo(f"{PROG}: wrote {target}", err=True)
    sys.exit(reporter.exit_status())


def _short_doc_row(stats: Any) -> dict[str, Any]:
    row = stats.as_row()
    row["doc"] = Path(stats.doc).stem
    row["title"] = stats.title if len(stats.title) <= 12 else stats.title[:11] + "…"
    row["keywords"] = "、".join(stats.top_keywords)
    return row


def main() -> None:
    """Console-script entry point."""
    # SIGTERM ends the run like Ctrl-C does, with the conventional status 143.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        cli.main(prog_name=PROG)
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(0)
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()


__all__ = ["cli", "main"]
