"""Build benchmark corpora deterministically: real pages, recombined.

    python bench/corpus.py 10            # bench/corpus/mixed-10mb/  (seeds + dev pages)
    python bench/corpus.py --docs 50000  # bench/corpus/mixed-50000docs/
    python bench/corpus.py --seeds 10    # bench/corpus/seeds-10mb/  (the old, seeds-only corpus)

The mixed corpus (the headline of every benchmark) is made of the five seed
articles and the development pages of ``../shared/gold/dev/corpus`` (read from
there, never copied into the repository: they are third-party pages), so its
vocabulary is that of real pages from many provinces, Hong Kong, Macao and
Taiwan, with their scraping noise (navigation, counters, image names, pinyin
garbles). One document is one file, as in a user's folder: a real page in
full, then paragraphs drawn from other pages of the same script until a
length drawn from a log-normal around 3 KB is reached (real releases run
from a few hundred bytes to tens of kilobytes). Numbers that are not parts of
dates are drawn again digit for digit, so the figures differ from document to
document as they do in a real folder, and a memo keyed by a figure's text
cannot hit almost always. 5% of the simplified documents are converted to
traditional script (OpenCC s2t). Files are sharded 1,000 to a directory.

Where ``../shared`` is absent (a clone without the gold set), the mixed corpus
cannot be built and the builder says so; ``--seeds`` still works.
"""

from __future__ import annotations

import json
import math
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEV_PAGES = ROOT.parent / "shared" / "gold" / "dev" / "corpus"
OUT = Path(__file__).resolve().parent / "corpus"
SEEDS_FILE_BYTES = 200_000  # the seeds-only corpus: long files, as before
PER_DIRECTORY = 1_000
MEDIAN_DOC_BYTES = 3_000
# the many-documents corpus: documents of about 400 words (the 5,000 /
# 20,000-document memory measure)
SHORT_DOC_BYTES = 1_800

# a digit run that is a number, not part of a date, a time, a phone number's
# groups or an identifier: redrawn. Runs next to 年月日号时分秒 or date
# punctuation are kept, as are runs inside Latin words (file names, URLs).
NUMBER = re.compile(r"(?<![\w./:\-])\d+(?![\d年月日号时時分秒:/\-]|\.\d|[A-Za-z])")


def dev_pages_present() -> bool:
    return DEV_PAGES.is_dir() and any(DEV_PAGES.glob("*.txt"))


def source_pages(seeds_only: bool = False) -> list[str]:
    """The real pages the corpus is made of, in a fixed order."""
    pages = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    if not seeds_only:
        if not dev_pages_present():
            raise SystemExit(
                f"bench: {DEV_PAGES} is missing: the mixed corpus is built from the dev "
                "pages of the gold set (use --seeds for the seeds-only corpus)"
            )
        pages += [p.read_text("utf-8") for p in sorted(DEV_PAGES.glob("*.txt"))]
    return pages


def paragraphs_of(page: str) -> list[str]:
    return [line for line in (p.strip() for p in page.splitlines()) if len(line) > 20]


def redraw_numbers(text: str, rng: random.Random) -> str:
    def redraw(match: re.Match[str]) -> str:
        digits = match.group()
        if len(digits) > 6:  # phone numbers, ids: kept
            return digits
        first = str(rng.randint(1, 9)) if digits[0] != "0" else "0"
        return first + "".join(str(rng.randint(0, 9)) for _ in digits[1:])

    return NUMBER.sub(redraw, text)


def _documents(
    count: int | None, limit_bytes: int | None, median_bytes: int, seed: int
) -> Iterator[str]:
    """Mixed documents, deterministic for a seed, until ``count`` documents or
    ``limit_bytes`` bytes."""
    from policetext.engines import pure_converter

    s2t = pure_converter("s2t")  # the same converter whichever OpenCC package is installed
    rng = random.Random(seed)
    pages = source_pages()
    from policetext.convertible import convertible_chars

    convertible = convertible_chars("t2s")

    def is_traditional(text: str) -> bool:
        # a page whose Han text is traditional: more than a few convertible characters
        return sum(char in convertible for char in text) > 0.05 * len(text)

    pools: dict[bool, list[str]] = {False: [], True: []}
    for page in pages:
        pools[is_traditional(page)] += paragraphs_of(page)
    made = 0
    written = 0
    while (count is None or made < count) and (limit_bytes is None or written < limit_bytes):
        page = rng.choice(pages)
        traditional = is_traditional(page)
        pool = pools[traditional]
        target = min(20 * median_bytes, int(median_bytes * math.exp(rng.gauss(0, 0.6))))
        parts = [page.rstrip("\n")]
        size = len(parts[0].encode("utf-8"))
        while size < target and pool:
            paragraph = rng.choice(pool)
            parts.append(paragraph)
            size += len(paragraph.encode("utf-8")) + 1
        document = redraw_numbers("\n".join(parts) + "\n", rng)
        if not traditional and rng.random() < 0.05:
            document = s2t(document)
        yield document
        made += 1
        written += len(document.encode("utf-8"))


def _write(target: Path, documents: Iterator[str]) -> Path:
    stamp = target / ".complete"
    if stamp.exists():
        return target
    sys.path.insert(0, str(ROOT))
    target.mkdir(parents=True, exist_ok=True)
    for index, document in enumerate(documents):
        shard = target / f"{index // PER_DIRECTORY:03d}"
        shard.mkdir(exist_ok=True)
        (shard / f"doc{index:06d}.txt").write_text(document, "utf-8")
    stamp.write_text("ok\n")
    return target


def build_corpus(megabytes: float, seed: int = 0) -> Path:
    """The mixed corpus of about ``megabytes`` MB (written once, then reused)."""
    target = OUT / f"mixed-{megabytes:g}mb"
    if (target / ".complete").exists():
        return target
    sys.path.insert(0, str(ROOT))
    return _write(target, _documents(None, int(megabytes * 1e6), MEDIAN_DOC_BYTES, seed))


def build_documents(count: int, seed: int = 1) -> Path:
    """The many-documents corpus: ``count`` short mixed documents. Its first N
    files (in sorted order) are the same whatever ``count`` is."""
    target = OUT / f"mixed-{count}docs"
    if (target / ".complete").exists():
        return target
    sys.path.insert(0, str(ROOT))
    return _write(target, _documents(count, None, SHORT_DOC_BYTES, seed))


def build_seeds_corpus(megabytes: float, traditional_share: float = 0.05, seed: int = 0) -> Path:
    """The old corpus: paragraphs of the seeds only, in 200 KB files (kept as a
    second line for continuity with earlier figures, never the headline)."""
    target = OUT / f"seeds-{megabytes:g}mb"
    stamp = target / ".complete"
    if stamp.exists():
        return target
    sys.path.insert(0, str(ROOT))
    from policetext.engines import pure_converter

    s2t = pure_converter("s2t")
    rng = random.Random(seed)
    paragraphs = []
    for path in sorted(SEEDS.glob("*.txt")):
        if not path.name.startswith("003"):  # the garbled traditional seed: made by s2t instead
            paragraphs += paragraphs_of(path.read_text("utf-8"))
    target.mkdir(parents=True, exist_ok=True)
    total = 0
    index = 0
    limit = int(megabytes * 1_000_000)
    while total < limit:
        chunk: list[str] = []
        size = 0
        while size < SEEDS_FILE_BYTES and total + size < limit:
            paragraph = rng.choice(paragraphs)
            if rng.random() < traditional_share:
                paragraph = s2t(paragraph)
            chunk.append(paragraph)
            size += len(paragraph.encode("utf-8")) + 1
        (target / f"doc{index:05d}.txt").write_text("\n".join(chunk) + "\n", "utf-8")
        total += size
        index += 1
    stamp.write_text("ok\n")
    return target


def byte_compile() -> None:
    """Compile the package's modules to bytecode, as ``pip install .`` does: an
    editable install under ``PYTHONDONTWRITEBYTECODE`` (as on this project's
    machine) would otherwise compile every module again in every timed run
    (about 0.3 s a process), which no installed copy does."""
    import compileall

    compileall.compile_dir(str(ROOT / "policetext"), quiet=2)


def corpus_files(directory: Path) -> list[Path]:
    return sorted(directory.rglob("*.txt"))


def corpus_text(directory: Path) -> str:
    return "\n".join(p.read_text("utf-8") for p in corpus_files(directory))


def distinct_terms(text: str) -> int:
    """Distinct words holding a Han character, as jieba cuts them (rjieba, which
    cuts the same, when the fast extra is installed)."""
    from policetext.engines import has_rjieba
    from policetext.text import HAN

    han = re.compile(f"[{HAN}]")
    if has_rjieba():
        from policetext.engines import rjieba_tokenizer

        words = rjieba_tokenizer(()).cut(text)
    else:
        import jieba

        jieba.setLogLevel(60)
        words = jieba.lcut(text)
    return sum(1 for word in set(words) if han.search(word))


def report(results: dict[str, object], name: str) -> None:
    """Print a benchmark's figures as a two-column table and write them to
    bench/out/NAME.json."""
    out = OUT.parent / "out"
    out.mkdir(exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:{width}}  {value}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--docs"]:
        print(build_documents(int(args[1])))
    elif args[:1] == ["--seeds"]:
        print(build_seeds_corpus(float(args[1]) if len(args) > 1 else 10))
    else:
        print(build_corpus(float(args[0]) if args else 10))
