"""The click command group: parse options, call the library, hand rows to ``output``.

This is the only module that imports click.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from policetext.config import (
    CONVERSIONS,
    DEDUP_THRESHOLD,
    EXECUTORS,
    REPORT_MAX_ROWS,
    Config,
)
from policetext.document import DOCUMENT_FIELDS
from policetext.engines import SEGMENTERS
from policetext.errors import InputError, PolicetextError
from policetext.figures import FIGURE_COLUMNS, KINDS
from policetext.io import (
    STDIN_NAME,
    Source,
    TableFields,
    bundled_sources,
    passed_over,
    stdin_is_null,
    stdin_source,
)
from policetext.keywords import METHODS, rank_corpus, rank_documents, read_stopwords
from policetext.normalize import counter_names, switches
from policetext.output import (
    FORMATS,
    Section,
    TreeNode,
    is_terminal,
    progress_bar,
    resolve_format,
    wants_colour,
    write_file_atomically,
    write_json,
    write_object,
    write_rows,
    write_sections,
    write_text,
    write_trees,
)
from policetext.pipeline import Pipeline
from policetext.stats import summarise
from policetext.tasks import (
    CHANGE_ROW,
    DOCUMENT_ROW,
    FIGURE_ROWS,
    KEYWORD_TERMS,
    NAMED_TEXT,
    SENTENCE_TOKENS,
    TEXT_PIECES,
    UNIT_ROWS,
)
from policetext.units import unit_tree_nodes
from policetext.version import __version__

if TYPE_CHECKING:
    pass

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
            "-v",
            "--verbose",
            is_flag=True,
            help="Name the files the walk of a directory passed over, and why.",
        ),
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
            "--date-field",
            default="date",
            show_default=True,
            help="JSON Lines / CSV field holding each document's date (over the date "
            "its text gives).",
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
            "--since",
            metavar="DATE",
            default=None,
            callback=_iso_date,
            help="Only documents dated on or after DATE (2021, 2021-06, 2021-06-30).",
        ),
        click.option(
            "--until",
            metavar="DATE",
            default=None,
            callback=_iso_date,
            help="Only documents dated on or before DATE; undated documents are left out.",
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
        # one --no-NAME per switch of the registry of normalisation steps
        *(
            click.option(f"--no-{name}", is_flag=True, help=help)
            for name, help in switches().items()
        ),
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


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An ISO date at year, month or day precision, as --since/--until take it."""
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?", value):
        raise click.BadParameter(f"{value!r} is no ISO date (2021, 2021-06, 2021-06-30)")
    return value


def build_config(opts: dict[str, Any]) -> Config:
    """The Config that the shared input options describe."""
    executor = _engine_choice(opts, EXECUTORS, "local")
    if opts.get("scheduler") and executor != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    return Config(
        conversion=None if opts.get("no_convert") else opts.get("conversion", "t2s"),
        skip=frozenset(name for name in switches() if opts.get(f"no_{name}")),
        encoding=opts.get("encoding"),
        glob=opts.get("glob", "*.txt"),
        user_dicts=tuple(opts.get("user_dicts", ())),
        engine=_engine_choice(opts, SEGMENTERS, "auto"),
        since=opts.get("since"),
        until=opts.get("until"),
        executor=executor,
        scheduler=opts.get("scheduler"),
        connect_timeout=opts.get("connect_timeout") or 5.0,
        table=TableFields(
            text=opts.get("text_field") or "text",
            id=opts.get("id_field"),
            meta=tuple(opts.get("meta_fields", ())),
            input_format=opts.get("input_format"),
            date=opts.get("date_field") or None,
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


class CorpusRun:
    """What every corpus command sets up from its input options: the pipeline
    (built on first use, after ``configure``), the reporter of unusable inputs,
    the progress bar, the inputs, and the exit status (see :func:`corpus_command`)."""

    def __init__(self, opts: dict[str, Any]) -> None:
        self.opts = opts
        self.reporter = Reporter.from_options(opts)
        self._changes: dict[str, Any] = {}

    def configure(self, **changes: Any) -> None:
        """Settings of this command on top of the input options' (before first use)."""
        self._changes.update(changes)

    @functools.cached_property
    def pipeline(self) -> Pipeline:
        return Pipeline(replace(build_config(self.opts), **self._changes))

    @functools.cached_property
    def progress(self) -> Callable[[int], None] | None:
        return track(self.opts)

    def inputs(
        self, paths: Sequence[str] | None = None, *, dedup: bool = True
    ) -> list[str | Source | InputError]:
        """The paths given (or ``paths``), else standard input or the bundled corpus;
        with --dedup, each cluster's representative only (a pre-pass over the
        documents' signatures; how many were set aside is said on stderr)."""
        given = self.opts["paths"] if paths is None else paths
        if self.opts.get("verbose"):
            for name, reason in passed_over(given, self.opts.get("glob", "*.txt")):
                click.echo(f"{PROG}: {name}: {reason}, passed over", err=True)
        inputs: list[Any] = resolve_inputs(given)
        if not (dedup and self.opts.get("dedup")):
            return inputs
        found = self.duplicates(inputs)
        click.echo(f"{PROG}: --dedup: {found.summary()}", err=True)
        return found.kept()

    def duplicates(self, inputs: Sequence[Any], threshold: float | None = None) -> Any:
        """The near-duplicate clusters of ``inputs`` (``dedup.find_duplicates``)."""
        from policetext.dedup import find_duplicates  # 5 ms of imports, only when asked

        return find_duplicates(
            self.pipeline, inputs, jobs=self.opts["jobs"],
            threshold=self.opts["dedup_threshold"] if threshold is None else threshold,
        )  # fmt: skip

    def run(self, task: Any, inputs: Sequence[Any] | None = None, **options: Any) -> Iterator[Any]:
        """``task`` over the inputs (default: the command's), in order."""
        return self.pipeline.run(
            self.inputs() if inputs is None else inputs, task, jobs=self.opts["jobs"],
            on_error=self.reporter, progress=self.progress, **options,
        )  # fmt: skip

    def columns(self, columns: Sequence[str]) -> tuple[str, ...]:
        """A command's columns followed by the --meta fields."""
        return with_meta(columns, self.opts)


_THRESHOLD = click.FloatRange(0, 1, min_open=True)


def dedup_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--dedup`` (and its threshold): a corpus command counts each story once."""
    func = click.option(
        "--dedup-threshold",
        type=_THRESHOLD,
        default=DEDUP_THRESHOLD,
        show_default=True,
        help="With --dedup: the estimated Jaccard similarity that makes two documents copies.",
    )(func)
    return click.option(
        "--dedup",
        is_flag=True,
        help="Count each story once: keep the representative of each cluster of "
        "near-duplicates (see policetext dedup), leave its copies out.",
    )(func)


def corpus_command(func: Callable[..., int | None] | None = None, *, dedup: bool = True) -> Any:
    """The input options (and ``--dedup``, unless ``dedup=False``), and the set-up
    and exit of a corpus command: ``func`` gets a :class:`CorpusRun` and its own
    options; its exit status is 2 when an input could not be used (as grep), else
    what it returns (or 0)."""
    if func is None:
        return functools.partial(corpus_command, dedup=dedup)
    own = list(getattr(func, "__click_params__", []))
    names = {param.name for param in own}

    @functools.wraps(func)
    def command(**opts: Any) -> None:
        mine = {key: value for key, value in opts.items() if key in names}
        run = CorpusRun({key: value for key, value in opts.items() if key not in names})
        status = func(run, **mine)
        sys.exit(run.reporter.exit_status() or status or 0)

    # click lists parameters in the reverse of this list: the command's own
    # arguments first (grep's PATTERN), then PATHS and the input options, then
    # the command's own options
    command.__click_params__ = []  # type: ignore[attr-defined]
    if dedup:
        dedup_options(command)
    input_options(command)
    shared = command.__click_params__  # type: ignore[attr-defined]
    arguments = [p for p in own if isinstance(p, click.Argument)]
    options = [p for p in own if not isinstance(p, click.Argument)]
    command.__click_params__ = [*options, *shared, *arguments]  # type: ignore[attr-defined]
    return command


def resolve_inputs(paths: Sequence[str]) -> list[str | Source]:
    """Paths as given; with none, standard input, or the bundled corpus.

    No paths and a terminal, /dev/null or a closed standard input (as under cron
    or CI): the bundled sample corpus, said in one line on stderr. No paths and a
    pipe or a file: standard input, and an empty one is an empty corpus.
    """
    if paths:
        return list(paths)
    if not stdin_is_terminal() and not stdin_is_null():
        source = read_stdin()
        return [source] if source is not None else []  # an empty pipe: an empty corpus
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


def read_stdin() -> Source | None:
    """Standard input as one source (spilled to a temporary file when large), or
    ``None`` when it is empty or closed."""
    try:
        stream = sys.stdin.buffer
    except AttributeError:
        return None
    return stdin_source(stream)


def track(opts: dict[str, Any]) -> Callable[[int], None] | None:
    """The progress callback of this command: a bar on stderr when it is a terminal
    and -q was not given; closed when the command ends. None when nothing would be
    drawn: the inputs' sizes are then not asked for."""
    if opts.get("quiet") or not is_terminal(sys.stderr):
        return None
    bar = progress_bar(sys.stderr)
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


def report_columns() -> tuple[str, ...]:
    """The columns of ``normalize --report``: one per counter of the steps' registry."""
    return ("doc", "encoding", "script", *counter_names())


DOCUMENT_COLUMNS = (
    "doc",
    "title",
    "date",
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
@corpus_command(dedup=False)
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
    run: CorpusRun, report: bool, output_dir: Path | None, on_collision: str, fmt: str
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
    out = stdout()
    if report:
        rows = run.run(CHANGE_ROW)
        write_rows(rows, run.columns(report_columns()), "auto" if fmt == "text" else fmt, out)
    elif output_dir is not None:
        _write_output_dir(run.run(NAMED_TEXT), output_dir, on_collision)
    elif fmt == "text":
        write_text(_texts(run.run(TEXT_PIECES)), out)
    else:
        write_rows(run.run(DOCUMENT_ROW), run.columns(DOCUMENT_COLUMNS), fmt, out)


def _texts(documents: Iterator[Iterable[str]]) -> Iterator[str]:
    """The normalised texts, one after another with a blank line between them."""
    any_output = False
    for i, pieces in enumerate(documents):
        any_output = True
        if i:
            yield "\n\n"
        yield from pieces
    if any_output:
        yield "\n"


def _write_output_dir(
    documents: Iterable[tuple[str, Iterable[str]]], root: Path, on_collision: str
) -> None:
    """``normalize -o DIR``: one file per document (its text in pieces: a huge
    input's parts), never two in one file."""
    from policetext.output import OutputDirectory

    folder = OutputDirectory(root, on_collision)
    staged = []  # with --on-collision stop, files are said once they are in place
    try:
        for doc, pieces in documents:
            name = "stdin.txt" if doc == STDIN_NAME else doc
            target = folder.write(name, "")
            for piece in pieces:
                folder.write(name, piece, continued=True)
            folder.write(name, "\n", continued=True)
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
@corpus_command(dedup=False)
@click.option("--pos", is_flag=True, help="Tag parts of speech: 词/词性 (slower).")
@format_option(("text", *FORMATS), default="text")
def segment(run: CorpusRun, pos: bool, fmt: str) -> None:
    """Print one sentence a line, tokens separated by spaces.

    jieba precise mode with the police-domain dictionary (and --dict files).
    With --format, one row per token: doc, sentence, start, end, token, pos.

    \b
    Examples:
      policetext segment --pos seeds/000_d86e2d0fb1389b5b.txt
      echo 滨州市公安局沾化分局破获电信网络诈骗案 | policetext segment
    """
    documents = run.run(SENTENCE_TOKENS, segment=True, pos=pos)
    out = stdout()
    if fmt == "text":
        write_text(_segmented_text(documents, pos), out)
    else:
        write_rows(_token_rows(documents), run.columns(TOKEN_COLUMNS), fmt, out)


def _segmented_text(documents: Iterator[Iterable[Any]], pos: bool) -> Iterator[str]:
    for n, sentences in enumerate(documents):
        if n:
            yield "\n"
        for _, group in sentences:
            yield " ".join(f"{t.text}/{t.pos}" if pos else t.text for t in group) + "\n"


def _token_rows(documents: Iterator[Iterable[Any]]) -> Iterator[dict[str, Any]]:
    for sentences in documents:
        # sentences are numbered across a huge input's parts
        for number, (fields, group) in enumerate(sentences, 1):
            for t in group:
                yield {"sentence": number, "start": t.start, "end": t.end, "token": t.text,
                       "pos": t.pos, **fields}  # fmt: skip


KEYWORD_COLUMNS = ("doc", "rank", "term", "score", "count")


@cli.command()
@corpus_command
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
    run: CorpusRun,
    method: str,
    per_doc: bool | None,
    top: int,
    stopword_files: tuple[Path, ...],
    pos_tags: str,
    fmt: str,
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
    run.configure(stopwords=extra, keyword_pos=pos)
    # one document at a time: the first two tell whether there are several
    results = run.run(KEYWORD_TERMS, segment=True, pos=bool(pos))
    first = list(itertools.islice(results, 2))
    if per_doc is None:
        per_doc = len(first) > 1
    documents = 0

    def counted() -> Iterator[Any]:
        nonlocal documents
        for result in itertools.chain(first, results):
            documents += 1
            yield result

    rows: Iterable[dict[str, Any]]
    if per_doc:
        ranked = rank_documents(run.pipeline.keywords, counted(), method, top)
        rows = ({**k.as_row(), **fields} for k, fields in ranked)
    else:
        rows = (k.as_row() for k in rank_corpus(run.pipeline.keywords, counted(), method, top))
    out = stdout()
    if resolve_format(fmt, out) != "table":
        write_rows(rows, run.columns(KEYWORD_COLUMNS), fmt, out)
        return
    rows = list(rows)  # a table is drawn whole; its title says how many documents
    if method == "textrank":
        how = "TextRank"
    elif per_doc and documents > 1:
        how = f"TF-IDF, jieba IDF blended with the document frequencies of {documents} documents"
    else:
        how = "TF-IDF, jieba's IDF table"
    write_rows(rows, run.columns(KEYWORD_COLUMNS), fmt, out, title=f"keywords ({how})")


STATS_DOC_COLUMNS = ("doc", "title", "reporters", "chars", "tokens", "figures", "units", "keywords")
STATS_ROW_COLUMNS = (
    "doc",
    "title",
    "date",
    "place",
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
@corpus_command
@click.option(
    "-n",
    "--top",
    type=click.IntRange(min=1),
    default=15,
    show_default=True,
    help="Corpus keywords to show.",
)
@format_option()
def stats(run: CorpusRun, top: int, fmt: str) -> None:
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
    summary = summarise(
        run.pipeline,
        run.inputs(),
        top=top,
        jobs=run.opts["jobs"],
        on_error=run.reporter,
        progress=run.progress,
    )
    corpus, documents, keyword_rows = summary.corpus, summary.documents, summary.keyword_rows()
    out = stdout()
    shape = resolve_format(fmt, out)
    with summary:  # the documents stream from a temporary file, removed at the end
        if shape == "table":
            card = [
                {"measure": k.replace("_", " "), "value": v} for k, v in corpus.as_row().items()
            ]
            sections = [
                Section("corpus", ("measure", "value"), card),
                Section("documents", STATS_DOC_COLUMNS, [_short_doc_row(d) for d in documents]),
                Section("top keywords", ("rank", "term", "score", "count"), keyword_rows, "score"),
            ]
            if run.opts["verbose"] and corpus.skipped:
                skipped = [{"file": f} for f in corpus.skipped]
                sections.append(Section("skipped", ("file",), skipped))
            write_sections(sections, out)
        elif shape == "json":
            write_object(summary.as_object(), out)
        else:
            columns = run.columns(STATS_ROW_COLUMNS)
            write_rows((d.as_row() for d in documents), columns, shape, out)
    if run.opts["verbose"] and corpus.skipped and shape != "table":
        for name in corpus.skipped:
            click.echo(f"{PROG}: skipped {name}", err=True)


@cli.command()
@corpus_command
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS), help="Only these kinds.")
@click.option("--min", "minimum", type=float, default=None, help="Only values at least this.")
@click.option("--unit", "units", multiple=True, help="Only these units (as output: 人, 元, % …).")
@click.option("--event", "event", default=None, help="Only figures whose event holds this word.")
@click.option("--subject", "subject", default=None, help="Only figures whose subject holds this.")
@click.option(
    "--group-by",
    "group_by",
    default=None,
    metavar="FIELDS",
    help="One row per group (doc, event, subject, unit, kind, year, meta fields): "
    "figures, sum, min, max, docs.",
)
@click.option("--with-repeats", is_flag=True, help="With --group-by: count restated facts too.")
@format_option()
def figures(
    run: CorpusRun,
    kinds: tuple[str, ...],
    minimum: float | None,
    units: tuple[str, ...],
    event: str | None,
    subject: str | None,
    group_by: str | None,
    with_repeats: bool,
    fmt: str,
) -> None:
    """Every figure an article reports: number, unit, kind and the clause around it.

    Kinds: count, percent, money (in 元), duration, rank, ratio, date. Arabic
    and Chinese numerals, scales (万, 亿), approximations (近, 约, 超, 逾, 过, 余,
    多, 以上, 左右), ranges (1至2个), lists sharing a unit (分别下降6.9%、51%).
    Numerals in names and slogans (二十大, 一等功, “四个第一”), hotlines (拨打110),
    clock times and idioms are not figures. start:end index the normalised text
    (policetext normalize); change is up/down and base the comparison (同比) where
    the text says so. subject is what a figure counts and event the verb that
    reports it (抓获逃犯10人: 逃犯, 抓获), when the period it holds for, iso a
    date's calendar value, repeat a fact the document stated before.

    \b
    Examples:
      policetext figures seeds/
      policetext figures --kind money --min 10000 seeds/ --format csv
      policetext figures --kind percent --format jsonl seeds/ | jq -r .context
      policetext figures --event 抓获 --group-by year,subject,unit seeds/
    """
    # imported here: the other commands' start-up does not pay for them
    from policetext.facts import normalise_term
    from policetext.groups import GROUP_COLUMNS, group_figures, parse_group_fields

    wanted_units = set(units)
    known = (*run.opts.get("meta_fields", ()), *DOCUMENT_FIELDS)
    fields = parse_group_fields(group_by, known) if group_by else ()
    terms = {
        name: normalise_term(term, run.pipeline.normalizer)
        for name, term in (("event", event), ("subject", subject))
        if term is not None
    }

    def keep(row: dict[str, Any]) -> bool:
        if kinds and row["kind"] not in kinds:
            return False
        if minimum is not None and row["value"] < minimum:
            return False
        if any(term not in (row[name] or "") for name, term in terms.items()):
            return False
        return not wanted_units or row["unit"] in wanted_units

    rows = (row for doc_rows in run.run(FIGURE_ROWS) for row in doc_rows if keep(row))
    if fields:
        groups = group_figures(rows, fields, with_repeats=with_repeats)
        keys = [f for f in groups[0] if f not in GROUP_COLUMNS] if groups else list(fields)
        columns = (*keys, *GROUP_COLUMNS)
        out = stdout()
        if resolve_format(fmt, out) == "table":
            title = "figures by " + ", ".join(keys)
            write_sections([Section(title, columns, groups, "figures")], out)
        else:
            write_rows(groups, columns, fmt, out)
        return
    write_rows(rows, run.columns(FIGURE_COLUMNS), fmt, stdout(), title="figures")


UNIT_COLUMNS = ("doc", "start", "end", "text", "name", "type", "level", "parent", "region")


@cli.command()
@corpus_command
@click.option("--tree", is_flag=True, help="Print the hierarchy with mention counts.")
@click.option("--corpus", "whole_corpus", is_flag=True, help="With --tree: one tree for all.")
@format_option()
def units(run: CorpusRun, tree: bool, whole_corpus: bool, fmt: str) -> None:
    """The police units an article names, resolved and placed in the hierarchy.

    A unit type (公安局, 分局, 派出所, 支队, 检查站, 指挥中心 …) with what names it:
    places from a gazetteer of China's administrative divisions, proper and
    functional names (台子派出所, 特巡警支队) and the units above it in a chain
    (市公安局海岸警察支队岔尖派出所). Generic and plural mentions (各派出所,
    全市公安机关) and non-police bodies (市委) are not units. name resolves short
    forms against the article's city (市局 → 滨州市公安局 in a Binzhou article);
    region is the province, autonomous region, municipality, or 香港/澳门/台湾.

    \b
    Examples:
      policetext units seeds/
      policetext units --tree seeds/004_2e985708f8c8bfca.txt
      policetext units --tree --corpus seeds/
      policetext units --tree --format json seeds/
      policetext units --format jsonl seeds/ | jq -r .name | sort | uniq -c
    """
    per_doc = run.run(UNIT_ROWS, segment=True)
    out = stdout()
    if not tree:
        rows = (row for doc_rows in per_doc for row in doc_rows)
        write_rows(rows, run.columns(UNIT_COLUMNS), fmt, out, title="units")
        return
    groups: list[tuple[str, list[dict[str, Any]]]] = []
    for doc_rows in map(list, per_doc):
        if doc_rows:
            groups.append((doc_rows[0]["doc"], doc_rows))
    if whole_corpus:
        groups = [("corpus", [row for _, rows in groups for row in rows])]
    if fmt in ("json", "jsonl"):  # the tree as nested nodes: one per document (or corpus)
        trees = [{"doc": title, "units": unit_tree_nodes(rows)} for title, rows in groups]
        write_json(trees, out, lines=fmt == "jsonl")
        return
    for title, rows in groups:
        write_trees(title, [_tree_node(node) for node in unit_tree_nodes(rows)], out)


def _tree_node(node: dict[str, Any]) -> TreeNode:
    return TreeNode(node["name"], node["mentions"], [_tree_node(c) for c in node["children"]])


KWIC_COLUMNS = ("doc", "line", "left", "match", "right")
HIT_COLUMNS = ("doc", "line", "column", "start", "end", "match", "left", "right")


@cli.command(name="grep")
@corpus_command
@click.argument("pattern", required=False)
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
    run: CorpusRun,
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
) -> int:
    """Search normalised text: 反詐 finds 反诈 and the reverse, ３ finds 3.

    PATTERN is literal; -e gives Python regular expressions (repeatable; then
    every argument is a path). Output as ripgrep: path:line:col:line, the match
    highlighted on a terminal; line and col are the file's (col in characters),
    the line printed is the normalised one. Page furniture that normalisation
    removes is not searched, so matches inside it are not reported. Exit status
    0 when something matched, 1 when nothing did, 2 on an error (even if other
    files matched). Every search ends: regular expressions run on RE2 (linear
    time); those it cannot take (backreferences, lookarounds) have --timeout
    seconds per file.
    Normalised text is cached per file (path, size, times, inode, version) under
    $XDG_CACHE_HOME/policetext (see policetext cache); --no-cache bypasses it.

    \b
    Examples:
      policetext grep 反詐 seeds/
      policetext grep -w 公安 --count seeds/
      policetext grep --kwic 派出所 seeds/
      policetext grep -e '\\d+人' --in figures seeds/
      policetext grep 电信诈骗 --in figures --near 20 seeds/ --json
    """
    paths = list(run.opts["paths"])
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
    from policetext.search import GrepOptions, GrepOutput, Searcher, grep_task

    if as_json or kwic:
        mode = "json" if as_json else "kwic"
    else:
        mode = "files" if files_with_matches else ("count" if count_only else "lines")
    # the file's lines are read back only for the modes that print them
    run.configure(use_cache=not no_cache, line_map=mode in ("lines", "json", "kwic"))
    searcher = Searcher(
        patterns,
        run.pipeline.normalizer,
        regex=regex,
        ignore_case=ignore_case,
        context_chars=20 if context_chars is None else context_chars,
        **({"timeout": timeout} if timeout else {}),
    )
    options = GrepOptions(
        mode, word, inside, near, wants_colour(stdout()), context_chars, context_sentences,
        sentence,
    )  # fmt: skip
    results = run.run(
        grep_task(searcher, options), run.inputs(paths), segment=word or inside == "units"
    )
    out = stdout()
    interactive = is_terminal(out)
    matched = False
    if mode in ("json", "kwic"):
        rows = (row for doc_rows in results for row in doc_rows)
        columns = run.columns(KWIC_COLUMNS if mode == "kwic" else HIT_COLUMNS)
        if inside == "figures":
            from policetext.search import FIGURE_FIELDS

            columns = (*columns, *FIGURE_FIELDS)
        matched = write_rows(rows, columns, "jsonl" if mode == "json" else fmt, out) > 0
        return 0 if matched else 1
    for result in results:
        assert isinstance(result, GrepOutput)
        if not result.lines:
            continue
        matched = True
        if mode == "files":
            out.write(result.doc + "\n")
        elif mode == "count":
            out.write(f"{result.doc}:{result.lines}\n")
        else:
            out.write(result.text)
        if interactive:  # each file's lines as soon as they are there; in a pipe, in blocks
            out.flush()
    return 0 if matched else 1


@cli.command(name="cache")
@click.option("--prune", is_flag=True,
              help="Remove entries of files gone or changed, or of other versions.")  # fmt: skip
@click.option("--clear", is_flag=True,
              help="Remove every entry (only files policetext made, else nothing).")  # fmt: skip
@click.option("--max-size", metavar="SIZE", default=None,
              help="Keep the normalised texts within SIZE (500M, 2G) from now on, the least "
              "recently used removed first [default: 1G].")  # fmt: skip
@format_option()
def cache_command(prune: bool, clear: bool, max_size: str | None, fmt: str) -> None:
    """What the cache holds; prune it, clear it, or bound its size.

    grep keeps each file's normalised text (and where its lines are) in one
    database under $XDG_CACHE_HOME/policetext/normalized (default
    ~/.cache/policetext), so a second search of the same files reads none of
    them and normalises nothing; segmentation keeps files made from jieba's
    dictionary in derived/. A run removes the entries of files gone from the
    folders it walked. Rows: each part's entries, those whose file is gone
    or changed (stale), bytes on disk (exact, and for people), the maximum size.
    A changed file's entry is replaced when the file is read again; over the
    maximum size the least recently used entries go first (as ccache).

    \b
    Examples:
      policetext cache
      policetext cache --prune
      policetext cache --clear
      policetext cache --max-size 2G --format json
    """
    from policetext.cache import CACHE_COLUMNS, CacheDirectory, parse_size

    if prune and clear:
        raise click.UsageError("give --prune or --clear, not both")
    directory = CacheDirectory(Config().cache_dir)
    before: list[dict[str, object]] = []
    if prune or clear:
        try:
            before = directory.rows()
        except PolicetextError:
            if not clear:
                raise  # a damaged database: --clear removes it all the same
    if clear:
        rows = directory.clear()
    elif prune:
        rows = directory.prune()
    else:
        rows = directory.rows()
    if max_size is not None:
        rows = directory.set_max_bytes(parse_size(max_size))
    if before:
        pairs = list(zip(before, rows, strict=True))
        removed = sum(int(str(b["entries"])) - int(str(a["entries"])) for b, a in pairs)
        freed = max(0, sum(int(str(b["bytes"])) - int(str(a["bytes"])) for b, a in pairs))
        click.echo(f"{PROG}: removed {removed} entries ({freed} bytes)", err=True)
    write_rows(rows, CACHE_COLUMNS, fmt, stdout(), title="cache")


KEYNESS_COLUMNS = ("term", "freq_a", "freq_b", "g2", "p", "log_ratio")


@cli.command()
@corpus_command
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
    run: CorpusRun, split: str | None, against: str | None, top: int, min_freq: int, fmt: str
) -> None:
    """Which terms characterise corpus A against corpus B (keyness).

    A and B are two paths (files or directories), or one corpus split by a field
    with --by FIELD=VALUE: a document field (script, source, encoding, title) or
    a field of JSON Lines or CSV input.
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
    from policetext.compare import compare_corpora, compare_split, sides, split_labels

    paths = list(run.opts["paths"])
    options = {"jobs": run.opts["jobs"], "on_error": run.reporter, "progress": run.progress}
    if split is None:
        if against is not None:
            raise click.UsageError("--against needs --by FIELD=VALUE")
        if len(paths) != 2:
            raise click.UsageError("give two corpora A B, or one corpus and --by FIELD=VALUE")
        labels = tuple(paths)
        side_a, side_b = (run.inputs([corpus]) for corpus in paths)  # --dedup: each alone
        rows = compare_corpora(run.pipeline, side_a, side_b, min_freq=min_freq, **options)
    else:
        field, eq, value = split.partition("=")
        if not eq or not field:
            raise click.UsageError(f"--by takes FIELD=VALUE, not {split!r}")
        if field not in (*run.opts["meta_fields"], *DOCUMENT_FIELDS):
            run.opts["meta_fields"] = (*run.opts["meta_fields"], field)
        labels = split_labels(field, value, against)
        rows = compare_split(
            run.pipeline, run.inputs(), field, value, against, min_freq=min_freq, **options
        )
    side_a, side_b = sides(rows, top)
    out = stdout()
    if resolve_format(fmt, out) == "table":
        # quanteda's keyness plot as a table: A's terms on the right of the axis,
        # strongest first, then B's on the left, strongest last
        table = [r.as_row() for r in (*side_a, *reversed(side_b))]
        title = f"keyness: A = {labels[0]}, B = {labels[1]}"
        write_sections([Section(title, KEYNESS_COLUMNS, table, "g2", "B ◀ g2 ▶ A")], out)
    else:
        write_rows((r.as_row() for r in side_a + side_b), KEYNESS_COLUMNS, fmt, out)


@cli.command()
@corpus_command
@output_file_option("The SQLite file to create or update.")
@click.option("-n", "--top", type=click.IntRange(min=1), default=20, show_default=True,
              help="Keywords stored per document.")  # fmt: skip
@click.option("--prune", is_flag=True,
              help="Delete documents of earlier exports that are not in this one (only "
              "after a run that read every input and exported something).")  # fmt: skip
def export(run: CorpusRun, target: Path, top: int, prune: bool) -> None:
    """Export documents, figures, units and keywords to one SQLite file.

    Tables documents, figures, units, keywords (with indexes and foreign keys)
    and documents_fts, an FTS5 table over the normalised text tokenised by the
    pipeline's segmentation (query it with words: MATCH '派出所'), and
    documents_ngrams, FTS5 over the text's Han character pairs, which finds any
    stretch of the text, a word inside a longer word too (query it with
    policetext.export.fts_query, or policetext_match in SQL: see the README).
    Exporting a changed corpus again updates its rows in place; documents no
    longer in it stay unless --prune is given (so several folders can share one
    file).

    \b
    Examples:
      policetext export seeds/ -o corpus.sqlite
      sqlite3 corpus.sqlite "select kind, count(*) from figures group by kind"
      sqlite3 corpus.sqlite "select doc from documents_fts where tokens match '反诈中心'"
      sqlite3 corpus.sqlite "select doc from documents_ngrams where grams match '诈骗'"
    """
    from policetext.export import EXPORT_RECORD, export_to_sqlite  # sqlite3 only here

    inputs = run.inputs(dedup=False)
    found = None
    if run.opts["dedup"]:  # every document is exported, with its cluster: SQL chooses
        found = run.duplicates(inputs)
        inputs = found.items
        click.echo(f"{PROG}: --dedup: {found.summary('marked')}; all are exported, with "
                   "their cluster and representative", err=True)  # fmt: skip
    records = run.run(EXPORT_RECORD, inputs, segment=True)
    if found is not None:
        from policetext.dedup import mark_clusters

        records = mark_clusters(records, found)
    result = export_to_sqlite(
        records, target, run.pipeline.keywords, top, prune,
        complete=lambda: not run.reporter.failed,
    )  # fmt: skip
    for doc, stored in result.renamed:
        click.echo(f"{PROG}: {doc}: id given twice; the second kept as {stored}", err=True)
    click.echo(f"{PROG}: exported {result.count} documents to {target}", err=True)
    if result.pruned is not None:
        click.echo(f"{PROG}: pruned {result.pruned} documents not in this export", err=True)
    elif result.prune_skipped:
        click.echo(f"{PROG}: not pruning: {result.prune_skipped}", err=True)


@cli.command()
@corpus_command
@output_file_option("The HTML file to write.")
@click.option("--by", metavar="META", default=None,
              help="Group documents by this field: a document field (script, source, "
                   "encoding, title) or a JSON Lines/CSV field (read as --meta).")  # fmt: skip
@click.option("--compare", "compare_paths", nargs=2, type=click.Path(path_type=str),
              metavar="A B", help="Also read A and B; show keyness of A against B.")  # fmt: skip
@click.option("-n", "--top", type=click.IntRange(min=1), default=15, show_default=True,
              help="Corpus keywords charted, and keyness terms for each side.")  # fmt: skip
@click.option("--max-rows", type=click.IntRange(min=1), default=REPORT_MAX_ROWS,
              show_default=True,
              help="Rows embedded of each long table (documents, figures, years, units) "
                   "and sentences shown; the page says how many there are and which "
                   "command lists them all. Totals are always of the whole corpus.")  # fmt: skip
def report(
    run: CorpusRun,
    target: Path,
    by: str | None,
    compare_paths: tuple[str, str] | None,
    top: int,
    max_rows: int,
) -> None:
    """Write the corpus report: one self-contained HTML file with charts and tables.

    The corpus card (the numbers of stats), keywords (the corpus's and each
    document's or group's), figures (a sortable table linked to its sentences,
    figures per year, kinds and units), what was counted (sums by event and
    subject, linked to their sentences), the unit hierarchy with regions, units
    that appear together, and with two groups (--compare A B, or --by META) the keyness of
    compare. Charts are inline SVG, each with a table of its numbers; nothing is
    fetched when the file is opened.

    A big corpus makes a page of bounded size: each long table embeds its first
    --max-rows rows (and the sentences section its first --max-rows sentences),
    with a note giving the full count and the command that lists every row
    (stats, figures, units; or export it all to SQLite). The totals, charts and
    sums are always of the whole corpus. Memory does not grow with the corpus:
    the documents wait in a temporary file, read again for each section.

    \b
    Examples:
      policetext report seeds/ -o report.html
      policetext report scrape.jsonl --id-field id --by region -o report.html
      policetext report --compare binzhou/ baotou/ -o report.html
    """
    date_field = run.opts.get("date_field")
    fields = (*run.opts.get("meta_fields", ()), *(f for f in (by, date_field) if f))
    run.opts["meta_fields"] = tuple(dict.fromkeys(fields))
    paths = run.opts["paths"]
    from policetext.report import build_report  # its SVG and HTML code only here

    html = build_report(
        run.pipeline,
        run.inputs() if paths or not compare_paths else [],
        compare=compare_paths,
        by=by,
        date_field=date_field or None,
        top=top,
        max_rows=max_rows,
        jobs=run.opts["jobs"],
        on_error=run.reporter,
        progress=run.progress,
    )
    write_file_atomically(target, html)
    click.echo(f"{PROG}: wrote {target}", err=True)


DEDUP_COLUMNS = ("doc", "cluster", "representative", "similarity")


@cli.command()
@corpus_command(dedup=False)
@click.option(
    "--threshold",
    type=_THRESHOLD,
    default=DEDUP_THRESHOLD,
    show_default=True,
    help="Estimated Jaccard similarity (of 5-character shingles) at which two documents "
    "are copies of one story.",
)
@format_option()
def dedup(run: CorpusRun, threshold: float, fmt: str) -> None:
    """Find near-duplicates: one story republished with changes.

    Compares normalised text, so scripts, widths and page furniture do not
    matter: a traditional-script copy with a portal's header, a truncated
    excerpt, a copy with a paragraph cut or another headline are all found.
    One row per document: its cluster (numbered in input order), whether it is
    the representative (the earliest by date where documents have dates, else
    the first in input order; the one --dedup keeps) and its estimated Jaccard
    similarity to the representative. On a terminal, the clusters with copies.

    MinHash signatures (one per document, made by the --jobs workers or on the
    Dask cluster), LSH banding, and the exact shingle sets of the candidate
    pairs near the threshold: no text kept, time about linear. The default
    threshold 0.45: a test corpus of press releases republished in altered
    forms among distinct releases on the same subjects is clustered without
    error from 0.35 to 0.5 (distinct releases sharing a stock paragraph and a
    lede reach 0.34, copies with a quarter cut 0.65); in 100,000 generated
    releases 0.4 joins distinct ones written from the same sentences.

    \b
    Examples:
      policetext dedup scraped/
      policetext dedup scraped/ --format csv > clusters.csv
      policetext stats --dedup scraped/
      policetext figures --dedup scraped/ --format jsonl
    """
    from policetext.dedup import find_duplicates

    found = find_duplicates(
        run.pipeline,
        run.inputs(),
        threshold=threshold,
        jobs=run.opts["jobs"],
        on_error=run.reporter,
        progress=run.progress,
    )
    out = stdout()
    columns = run.columns(DEDUP_COLUMNS)
    if resolve_format(fmt, out) == "table":
        sizes = Counter(a.cluster for a in found.assignments)
        copied = sorted(
            (a for a in found.assignments if sizes[a.cluster] > 1),
            key=lambda a: (a.cluster, not a.representative, a.index),
        )
        title = (
            f"near-duplicates: {len(found.assignments)} documents, {found.clusters} stories, "
            f"{found.set_aside} copies"
        )
        write_rows((a.as_row() for a in copied), columns, "table", out, title=title)
    else:
        write_rows((a.as_row() for a in found.assignments), columns, fmt, out)


def _short_doc_row(stats: Any) -> dict[str, Any]:
    row = stats.as_row()
    row["doc"] = Path(stats.doc).stem
    title = stats.title or ""
    row["title"] = title if len(title) <= 12 else title[:11] + "…"
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
