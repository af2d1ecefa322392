"""The performance benchmark: policetext against the stack it stands on.

    python bench/run.py [--quick]

The headline corpus is the mixed one (bench/corpus.py: the seeds and the
development pages of ../shared/gold/dev/corpus recombined into documents of
real length, one file each, numbers redrawn, 5% of the simplified documents
in traditional script; deterministic), at 10 MB and 100 MB; the number of
distinct terms is printed beside each size, since a corpus of few terms
flatters every memo. Measured in one run:
  1. jieba.lcut alone over the 10 MB corpus (the floor) against
     ``policetext stats --jobs 1`` over the same files: the throughput ratio
     (this, part 2 and part 6 take the best of four rounds, each round
     running every side once in turn, so that a slow spell of a shared
     machine falls on all sides alike);
  2. ``stats --jobs 2`` against ``--jobs 1``: the speed-up, and identical output;
  3. normalisation alone of the simplified text against
     opencc-python-reimplemented's ``convert`` of the same text;
  4. the 100 MB corpus: ``stats`` once with each engine (``--jobs 2``) and
     peak RSS of ``stats --jobs 1`` at 10 MB and at 100 MB;
  5. start-up: ``policetext --help`` and ``policetext grep 民警 <small file>``,
     median wall time of several runs.
  6. the ``fast`` extra: ``stats --engine rjieba`` (rjieba and the OpenCC
     binding) against ``--engine jieba``, the default install's code path
     (jieba and opencc-python-reimplemented: nothing else differs between the
     two installs), on the same corpus; identical output; rjieba alone as the
     fast floor; policetext's own work (the fast ``stats`` less rjieba's
     cutting); normalisation with the binding.
  7. the seeds-only corpus of earlier rounds (10 MB of the five seeds'
     paragraphs), parts 1 and 6 once more, for continuity: a second line,
     never the headline.
It also measures the machine: what two CPU-bound processes get done beside
one, before and after (``machine_parallelism``: 2.0 on two free cores; the
ceiling of any --jobs 2 speed-up). Prints a table and writes
bench/out/results.json. ``--quick`` uses 2 MB and 10 MB corpora and skips
parts 4's timings and 7 (for a smoke run). Without rjieba installed, part 6
is skipped. bench/memory.py measures memory against the number of documents
and bench/grep.py grep over many files.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from corpus import (  # noqa: E402
    build_corpus,
    build_seeds_corpus,
    byte_compile,
    corpus_files,
    corpus_text,
    distinct_terms,
    report,
)

RUNS = 4  # rounds of the main ratios: with three, one slow spell could decide a 2.5 s side
RSS_PROBE = (
    "import resource, subprocess, sys;"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False);"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def wall(args: list[str]) -> tuple[float, bytes]:
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, check=False)
    return time.perf_counter() - start, proc.stdout


def best_of_rounds(
    runs: int, work: dict[str, Callable[[], bytes | None]], log: dict[str, object]
) -> tuple[dict[str, float], dict[str, bytes | None]]:
    """The shortest wall time of each piece of ``work`` over ``runs`` rounds (a round
    runs each once, in turn), and what each gave the first time. Every time is
    written to ``log`` (``rounds_s``): how much one run of a side can differ from
    the next is part of the result."""
    times: dict[str, list[float]] = {name: [] for name in work}
    outputs: dict[str, bytes | None] = {}
    for _ in range(runs):
        for name, job in work.items():
            start = time.perf_counter()
            output = job()
            times[name].append(time.perf_counter() - start)
            outputs.setdefault(name, output)
    spent_by_side = (f"{name} {' '.join(f'{t:.2f}' for t in ts)}" for name, ts in times.items())
    log["rounds_s"] = "; ".join(filter(None, (str(log.get("rounds_s", "")), *spent_by_side)))
    return {name: min(spent) for name, spent in times.items()}, outputs


def command(args: list[str]) -> Callable[[], bytes]:
    return lambda: subprocess.run(args, capture_output=True, check=False).stdout


SPIN = "n = 0\nfor i in range(8_000_000):\n    n += i"


def machine_parallelism() -> float:
    """How many times the work of one CPU-bound process two get done in the same
    wall time (2.0 on two free cores): the ceiling of the --jobs 2 speed-up."""
    spin = [sys.executable, "-c", SPIN]
    start = time.perf_counter()
    subprocess.run(spin, check=True)
    one = time.perf_counter() - start
    start = time.perf_counter()
    both = [subprocess.Popen(spin) for _ in range(2)]
    for process in both:
        process.wait()
    return round(2 * one / (time.perf_counter() - start), 2)


def peak_rss_mb(args: list[str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, *args], capture_output=True, text=True, check=True
    ).stdout
    return int(out.strip()) / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    quick = "--quick" in sys.argv
    byte_compile()
    small_mb, large_mb = (2, 10) if quick else (10, 100)
    small = build_corpus(small_mb)
    large = build_corpus(large_mb)
    text = corpus_text(small)
    size = len(text.encode("utf-8")) / 1e6
    policetext = [sys.executable, "-m", "policetext"]
    results: dict[str, object] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "corpus": "mixed (seeds + dev pages)",
        "corpus_mb": round(size, 1),
        "corpus_documents": len(corpus_files(small)),
        "corpus_distinct_terms": distinct_terms(text),
    }

    # what two processes get done beside one on this machine, before and after
    # the timed runs: a shared machine's second core is sometimes half there
    results["machine_parallelism_before"] = machine_parallelism()

    # 1. jieba alone vs stats, one process; 2. --jobs 2 vs --jobs 1; 6. the fast
    # extra (timed together: see best_of_rounds)
    import jieba

    from policetext.engines import fast_converter, has_rjieba

    jieba.setLogLevel(60)
    jieba.initialize()
    stats = [*policetext, "stats", "--format", "json", "--engine", "jieba"]
    fast_stats = [*policetext, "stats", "--format", "json", "--engine", "rjieba"]
    work: dict[str, Callable[[], bytes | None]] = {
        "jieba": lambda: jieba.lcut(text) and None,
        "stats1": command([*stats, "--jobs", "1", str(small)]),
        "stats2": command([*stats, "--jobs", "2", str(small)]),
    }
    if has_rjieba():
        work["fast1"] = command([*fast_stats, "--jobs", "1", str(small)])
        work["fast2"] = command([*fast_stats, "--jobs", "2", str(small)])
    best, outputs = best_of_rounds(RUNS, work, results)
    jieba_s, stats1_s, stats2_s = best["jieba"], best["stats1"], best["stats2"]
    out1 = outputs["stats1"]
    results["jieba_lcut_mb_s"] = round(size / jieba_s, 2)
    results["stats_jobs1_mb_s"] = round(size / stats1_s, 2)
    results["stats_vs_jieba"] = round(jieba_s / stats1_s, 2)
    results["jobs2_speedup"] = round(stats1_s / stats2_s, 2)
    results["jobs2_identical"] = out1 == outputs["stats2"]

    # 3. normalisation of simplified text vs OpenCC's convert
    from policetext import Config, Normalizer
    from policetext.engines import pure_converter

    normalizer = Normalizer(Config(engine="jieba"))
    normalizer_chars_isdisjoint = normalizer.convertible_chars.isdisjoint
    # the simplified paragraphs only: what most of a real corpus is
    simplified = "\n".join(line for line in text.splitlines() if normalizer_chars_isdisjoint(line))
    normalizer.normalize("预热")
    sample = simplified[: len(simplified) // 10]
    convert = pure_converter("t2s")
    # in rounds as part 1: short runs on a shared machine vary by ±30%
    norm_best, _ = best_of_rounds(
        3,
        {
            "normalize": lambda: normalizer.normalize(simplified) and None,
            "opencc": lambda: convert(sample) and None,
        },
        results,
    )
    normalize_s, opencc_s = norm_best["normalize"], norm_best["opencc"] * 10
    simplified_mb = len(simplified.encode("utf-8")) / 1e6
    results["normalize_mb_s"] = round(simplified_mb / normalize_s, 2)
    results["opencc_convert_mb_s"] = round(simplified_mb / opencc_s, 2)
    results["normalize_vs_opencc"] = round(opencc_s / normalize_s, 2)

    # 4. the large corpus: one timed run of each engine (--jobs 2), its terms;
    # peak RSS of stats at both sizes
    large_files = corpus_files(large)
    results["large_corpus_mb"] = round(sum(p.stat().st_size for p in large_files) / 1e6, 1)
    results["large_corpus_documents"] = len(large_files)
    if not quick:
        results["large_corpus_distinct_terms"] = distinct_terms(corpus_text(large))
        seconds, large_out = wall([*stats, "--jobs", "2", str(large)])
        results["large_stats_jobs2_s"] = round(seconds, 1)
        if has_rjieba():
            seconds, fast_large_out = wall([*fast_stats, "--jobs", "2", str(large)])
            results["large_fast_stats_jobs2_s"] = round(seconds, 1)
            results["large_fast_identical"] = fast_large_out == large_out
    # the fast engine where installed: the same memory design, ten times sooner
    rss_stats = fast_stats if has_rjieba() else stats
    results[f"stats_rss_mb_{small_mb}mb"] = round(
        peak_rss_mb([*rss_stats, "--jobs", "1", str(small)]), 1
    )
    results[f"stats_rss_mb_{large_mb}mb"] = round(
        peak_rss_mb([*rss_stats, "--jobs", "1", str(large)]), 1
    )
    results["rss_ratio"] = round(
        results[f"stats_rss_mb_{large_mb}mb"] / results[f"stats_rss_mb_{small_mb}mb"],
        2,  # type: ignore[operator]
    )

    # 5. start-up
    one_file = corpus_files(small)[0]
    helps = [wall([*policetext, "--help"])[0] for _ in range(5)]
    greps = [wall([*policetext, "grep", "--no-cache", "民警", str(one_file)])[0] for _ in range(5)]
    results["help_s"] = round(statistics.median(helps), 3)
    results["grep_small_file_s"] = round(statistics.median(greps), 3)

    # 6. the fast extra (its stats runs were timed with part 1)
    if has_rjieba():
        from policetext.engines import rjieba_tokenizer

        fast_s, fast2_s = best["fast1"], best["fast2"]
        results["fast_stats_jobs1_mb_s"] = round(size / fast_s, 2)
        results["fast_vs_default_stats"] = round(stats1_s / fast_s, 2)
        results["fast_identical"] = outputs["fast1"] == out1
        tokenizer = rjieba_tokenizer(())
        start = time.perf_counter()
        tokenizer.cut(text)
        rjieba_s = time.perf_counter() - start
        results["rjieba_cut_mb_s"] = round(size / rjieba_s, 2)
        results["fast_stats_vs_rjieba"] = round(rjieba_s / fast_s, 2)
        # what policetext spends beside the segmenter (start-up included), per 10 MB
        results["fast_own_work_s_per_10mb"] = round((fast_s - rjieba_s) * 10 / size, 2)
        results["fast_jobs2_speedup"] = round(fast_s / fast2_s, 2)
        results["fast_jobs2_identical"] = outputs["fast2"] == out1
    if fast_converter("t2s") is not None:
        fast_normalizer = Normalizer(Config(engine="rjieba" if has_rjieba() else "jieba"))
        traditional = "\n".join(
            line for line in text.splitlines() if not normalizer_chars_isdisjoint(line)
        )
        traditional_mb = len(traditional.encode("utf-8")) / 1e6
        start = time.perf_counter()
        pure_converter("t2s")(traditional)
        pure_t_s = time.perf_counter() - start
        start = time.perf_counter()
        fast_converter("t2s")(traditional)  # type: ignore[misc]
        binding_s = time.perf_counter() - start
        results["opencc_binding_vs_reimplemented"] = round(pure_t_s / binding_s, 1)
        results["traditional_mb"] = round(traditional_mb, 2)
        start = time.perf_counter()
        fast_text = fast_normalizer.normalize(text).text
        fast_norm_s = time.perf_counter() - start
        start = time.perf_counter()
        default_text = normalizer.normalize(text).text
        default_norm_s = time.perf_counter() - start
        results["normalize_mixed_default_mb_s"] = round(size / default_norm_s, 2)
        results["normalize_mixed_fast_mb_s"] = round(size / fast_norm_s, 2)
        results["normalize_fast_identical"] = fast_text == default_text

    # 7. the seeds-only corpus of earlier rounds, for continuity
    if not quick:
        seeds = build_seeds_corpus(small_mb)
        seeds_text = corpus_text(seeds)
        seeds_mb = len(seeds_text.encode("utf-8")) / 1e6
        results["seeds_corpus_distinct_terms"] = distinct_terms(seeds_text)
        seeds_work: dict[str, Callable[[], bytes | None]] = {
            "jieba": lambda: jieba.lcut(seeds_text) and None,
            "stats1": command([*stats, "--jobs", "1", str(seeds)]),
        }
        if has_rjieba():
            seeds_work["fast1"] = command([*fast_stats, "--jobs", "1", str(seeds)])
        seeds_log: dict[str, object] = {}
        seeds_best, _ = best_of_rounds(2, seeds_work, seeds_log)
        results["seeds_stats_jobs1_mb_s"] = round(seeds_mb / seeds_best["stats1"], 2)
        results["seeds_stats_vs_jieba"] = round(seeds_best["jieba"] / seeds_best["stats1"], 2)
        if has_rjieba():
            results["seeds_fast_vs_default_stats"] = round(
                seeds_best["stats1"] / seeds_best["fast1"], 2
            )
        results["seeds_rounds_s"] = seeds_log["rounds_s"]

    results["machine_parallelism_after"] = machine_parallelism()
    report(results, "results")


if __name__ == "__main__":
    main()
