"""Peak memory of the corpus commands on 5,000 and 20,000 documents (issue 26).

    python bench/memory.py [--engine rjieba|jieba] [--jobs 1] [--docs 5000,20000]
                           [--commands stats,keywords,textrank,export,report]

The many-documents corpus (``bench/corpus.py --docs``: documents of about 400
words, the first N files the same whatever the count) is built for the largest
count; each smaller count reads its first shards. Every command runs as its own
process; two peaks are measured: the largest resident set of one process
(``wait4``'s ``ru_maxrss``: the command, or its biggest worker), and the sum of
the resident sets of the command and its workers, sampled every 20 ms. Prints
MB and the ratio of the largest count to the smallest, which memory bounded by
design keeps near 1 (the issue asks ≤ 1.3 and under 500 MB). A benchmark script,
not a test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from corpus import PER_DIRECTORY, build_documents, report

#: ``textrank`` is ``keywords --corpus --method textrank`` (one co-occurrence graph
#: of the whole corpus)
COMMANDS = ("stats", "keywords", "textrank", "export", "report")


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (from /proc's children lists)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo += map(int, handle.read().split())
        except OSError:
            continue
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def measure(args: list[str]) -> tuple[float, float, float]:
    """(seconds, peak RSS of one process in MB, peak RSS of the process tree in MB)."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, sum(map(_rss, _tree(process.pid))))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    done.set()
    sampler.join()
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0,):
        raise SystemExit(f"failed ({status}): {' '.join(args)}")
    return seconds, usage.ru_maxrss / 1024, peak / 2**20


def command_line(name: str, inputs: list[str], out: Path, engine: str, jobs: str) -> list[str]:
    command = "keywords" if name == "textrank" else name
    base = [sys.executable, "-m", "policetext", command, "--engine", engine, "--jobs", jobs, "-q"]
    if name == "textrank":
        return [*base, "--corpus", "--method", "textrank", "--format", "tsv", *inputs]
    if name == "export":
        return [*base, "-o", str(out / "corpus.sqlite"), *inputs]
    if name == "report":
        return [*base, "-o", str(out / "report.html"), *inputs]
    if name == "stats":
        return [*base, "--format", "json", *inputs]
    return [*base, "--format", "tsv", *inputs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", default="rjieba")
    parser.add_argument("--jobs", default="1")
    parser.add_argument("--docs", default="5000,20000")
    parser.add_argument("--commands", default=",".join(COMMANDS))
    options = parser.parse_args()
    counts = sorted(int(n) for n in options.docs.split(","))
    corpus = build_documents(max(counts))
    results: dict[str, object] = {}
    for name in options.commands.split(","):
        peaks = []
        for count in counts:
            shards = [str(corpus / f"{i:03d}") for i in range(-(-count // PER_DIRECTORY))]
            with tempfile.TemporaryDirectory() as out:
                args = command_line(name, shards, Path(out), options.engine, options.jobs)
                seconds, one, tree = measure(args)
            peaks.append(tree)
            results[f"{name} {count} docs"] = (
                f"{tree:.0f} MB (largest process {one:.0f} MB), {seconds:.0f} s"
            )
        results[f"{name} ratio {counts[-1]}/{counts[0]}"] = f"{peaks[-1] / peaks[0]:.2f}"
    report(results, f"memory-{options.engine}-jobs{options.jobs}")


if __name__ == "__main__":
    main()
