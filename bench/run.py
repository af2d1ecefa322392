"""The performance benchmark: policetext against the stack it stands on.

    python bench/run.py [--quick]

Builds corpora from the seeds (bench/corpus.py: 10 MB and 50 MB, 5%
traditional paragraphs, deterministic) and measures in one run:
  1. jieba.lcut alone over the 10 MB corpus (the floor) against
     ``policetext stats --jobs 1`` over the same files: the throughput ratio;
  2. ``stats --jobs 2`` against ``--jobs 1``: the speed-up, and identical output;
  3. normalisation alone of the simplified text against
     opencc-python-reimplemented's ``convert`` of the same text;
  4. peak RSS of ``stats`` at 10 MB and at 50 MB;
  5. start-up: ``policetext --help`` and ``policetext grep 民警 <small file>``,
     median wall time of several runs.
Prints a table and writes bench/out/results.json. ``--quick`` uses 2 MB and
10 MB corpora (for a smoke run).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from corpus import build_corpus, corpus_text  # noqa: E402

RSS_PROBE = (
    "import resource, subprocess, sys;"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False);"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def wall(args: list[str]) -> tuple[float, bytes]:
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, check=False)
    return time.perf_counter() - start, proc.stdout


def peak_rss_mb(args: list[str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, *args], capture_output=True, text=True, check=True
    ).stdout
    return int(out.strip()) / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    quick = "--quick" in sys.argv
    small_mb, large_mb = (2, 10) if quick else (10, 50)
    small = build_corpus(small_mb)
    large = build_corpus(large_mb)
    text = corpus_text(small)
    size = len(text.encode("utf-8")) / 1e6
    policetext = [sys.executable, "-m", "policetext"]
    results: dict[str, object] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "corpus_mb": round(size, 1),
    }

    # 1. jieba alone vs stats, one process
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    start = time.perf_counter()
    jieba.lcut(text)
    jieba_s = time.perf_counter() - start
    stats1_s, out1 = wall([*policetext, "stats", "--format", "json", "--jobs", "1", str(small)])
    results["jieba_lcut_mb_s"] = round(size / jieba_s, 2)
    results["stats_jobs1_mb_s"] = round(size / stats1_s, 2)
    results["stats_vs_jieba"] = round(jieba_s / stats1_s, 2)

    # 2. --jobs 2 vs --jobs 1
    stats2_s, out2 = wall([*policetext, "stats", "--format", "json", "--jobs", "2", str(small)])
    results["jobs2_speedup"] = round(stats1_s / stats2_s, 2)
    results["jobs2_identical"] = out1 == out2

    # 3. normalisation of simplified text vs OpenCC's convert
    from opencc import OpenCC

    from policetext import Normalizer

    normalizer = Normalizer()
    normalizer_chars_isdisjoint = normalizer.convertible_chars.isdisjoint
    # the simplified paragraphs only: what most of a real corpus is
    simplified = "\n".join(line for line in text.splitlines() if normalizer_chars_isdisjoint(line))
    normalizer.normalize("预热")
    start = time.perf_counter()
    normalizer.normalize(simplified)
    normalize_s = time.perf_counter() - start
    sample = simplified[: len(simplified) // 10]
    start = time.perf_counter()
    OpenCC("t2s").convert(sample)
    opencc_s = (time.perf_counter() - start) * 10
    simplified_mb = len(simplified.encode("utf-8")) / 1e6
    results["normalize_mb_s"] = round(simplified_mb / normalize_s, 2)
    results["opencc_convert_mb_s"] = round(simplified_mb / opencc_s, 2)
    results["normalize_vs_opencc"] = round(opencc_s / normalize_s, 2)

    # 4. peak RSS of stats
    results[f"stats_rss_mb_{small_mb}mb"] = round(
        peak_rss_mb([*policetext, "stats", "--format", "json", "--jobs", "1", str(small)]), 1
    )
    results[f"stats_rss_mb_{large_mb}mb"] = round(
        peak_rss_mb([*policetext, "stats", "--format", "json", "--jobs", "1", str(large)]), 1
    )

    # 5. start-up
    one_file = sorted(small.glob("*.txt"))[0]
    helps = [wall([*policetext, "--help"])[0] for _ in range(5)]
    greps = [wall([*policetext, "grep", "--no-cache", "民警", str(one_file)])[0] for _ in range(5)]
    results["help_s"] = round(statistics.median(helps), 3)
    results["grep_small_file_s"] = round(statistics.median(greps), 3)

    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:{width}}  {value}")


if __name__ == "__main__":
    main()
