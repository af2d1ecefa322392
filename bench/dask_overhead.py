"""What running on Dask costs against local worker processes, on one machine.

    python bench/dask_overhead.py [MEGABYTES]     (default 10)

On a corpus built from the seeds (bench/corpus.py), in one run:
  1. ``policetext stats --jobs 2`` (two local worker processes, the baseline);
  2. ``stats --engine dask --jobs 2``: a local Dask cluster of two worker
     processes started by the command (cluster start-up included);
  3. ``stats --engine dask --scheduler ADDRESS``: the same two workers already
     running (as on a real cluster), started once outside the timing.
Both engines use the default segmenter of this install. Prints seconds, the
ratios to (1) and whether the outputs are identical; writes
bench/out/dask.json. Needs the dask extra.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import build_corpus, report  # noqa: E402


def timed(args: list[str]) -> tuple[float, bytes]:
    start = time.perf_counter()
    proc = subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - start, proc.stdout


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    corpus = str(build_corpus(megabytes))
    stats = [sys.executable, "-m", "policetext", "stats", "--format", "json", corpus]
    from distributed import LocalCluster

    local_s, local_out = timed([*stats, "--jobs", "2"])
    dask_s, dask_out = timed([*stats, "--engine", "dask", "--jobs", "2"])
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        scheduler = ["--engine", "dask", "--scheduler", cluster.scheduler_address]
        timed([*stats, *scheduler])  # the workers load their dictionaries once
        running_s, running_out = timed([*stats, *scheduler])
    results = {
        "corpus_mb": megabytes,
        "local_jobs2_s": round(local_s, 2),
        "dask_local_cluster_s": round(dask_s, 2),
        "dask_vs_local": round(dask_s / local_s, 2),
        "dask_running_cluster_s": round(running_s, 2),
        "dask_running_vs_local": round(running_s / local_s, 2),
        "identical": local_out == dask_out == running_out,
    }
    report(results, "dask")


if __name__ == "__main__":
    main()
