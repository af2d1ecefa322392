"""Keywords throughput against jieba alone, on a corpus built from the seeds.

    python bench/keywords.py [MEGABYTES]     (default 10)

Measures, in one run and on the same text: (1) ``jieba.lcut`` over the corpus,
the floor every segmentation-based tool stands on; (2) ``policetext keywords``
over the same files in one process (``--jobs 1``), and (3) with ``--jobs 2``;
with ``--engine jieba`` (the default install) and, when installed, ``rjieba``.
Prints MB/s and the ratios. A benchmark script, not a timed test.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from corpus import build_corpus, corpus_files, corpus_text


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    directory = build_corpus(megabytes)
    text = corpus_text(directory)
    size = len(text.encode("utf-8")) / 1e6

    import jieba

    from policetext.engines import has_rjieba

    jieba.setLogLevel(60)
    jieba.initialize()
    start = time.perf_counter()
    jieba.lcut(text)
    floor = time.perf_counter() - start

    command = [sys.executable, "-m", "policetext", "keywords", "--format", "tsv", str(directory)]
    rows = [("jieba.lcut alone", floor)]
    for engine in ("jieba", "rjieba") if has_rjieba() else ("jieba",):
        for jobs in ("1", "2"):
            seconds = timed([*command, "--engine", engine, "--jobs", jobs])
            rows.append((f"keywords --engine {engine} --jobs {jobs}", seconds))
    print(f"corpus: {size:.1f} MB in {len(corpus_files(directory))} files")
    print(f"{'what':32} {'seconds':>8} {'MB/s':>7} {'vs jieba':>9}")
    for name, seconds in rows:
        print(f"{name:32} {seconds:8.2f} {size / seconds:7.2f} {floor / seconds:9.2f}")


if __name__ == "__main__":
    main()
