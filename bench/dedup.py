"""Near-duplicates at scale: generated press releases with planted copies.

    python bench/dedup.py                    # 100,000 documents, --jobs 1
    python bench/dedup.py --size 20000 --jobs 2

Writes the corpus once per size under bench/corpus/dedup-SIZE/ (one file a
document, from tests/dedup_corpus.py: distinct releases on six subjects, a
fifth of them republished one to three times in altered forms, shuffled; more
sentences of their own than the tests' stories, see generated_story) with
the true families beside it, then runs ``find_duplicates`` (what ``policetext
dedup`` runs: normalisation and signatures through ``Pipeline.run``, banding
and clustering in the parent) in a fresh process and prints the time of each
phase, the peak RSS, and the precision and recall of the planted pairs.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import dedup_corpus as corpus  # noqa: E402

OUT = Path(__file__).resolve().parent / "corpus"


def build(size: int, seed: int = 25) -> Path:
    """The corpus of ``size`` documents (made once): files and families.json."""
    folder = OUT / f"dedup-{size}"
    families = folder / "families.json"
    if families.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    plans = [(name,) for name in corpus.TRANSFORMATIONS] + list(corpus.COMBINATIONS)
    names: dict[str, int] = {}
    stories: list[tuple[str, str]] = []
    family = 0
    while len(stories) < size:
        subject = corpus.SUBJECTS[family % len(corpus.SUBJECTS)]
        # more sentences of their own than the tests' stories: among 100,000 stories
        # from the same pools, template twins would otherwise be common
        text = corpus.generated_story(rng, subject, own=(6, 12), shared=1)
        copies = rng.randint(1, 3) if rng.random() < 0.2 else 0
        group = [(f"{family:06d}_original", text)]
        for k in range(copies):
            plan = plans[rng.randrange(len(plans))]
            group.append((f"{family:06d}_{k}_{'+'.join(plan)}", corpus.republish(text, plan, rng)))
        for name, body in group[: size - len(stories)]:
            names[name] = family
            stories.append((name, body))
        family += 1
    rng.shuffle(stories)
    for i, (name, body) in enumerate(stories):
        sub = folder / f"{i // 1000:03d}"  # a thousand files a directory
        sub.mkdir(exist_ok=True)
        (sub / f"{name}.txt").write_text(body, "utf-8")
    families.write_text(json.dumps(names), "utf-8")
    return folder


def measure(folder: Path, jobs: int, threshold: float) -> dict[str, float]:
    """One run of find_duplicates over ``folder`` (in this fresh process)."""
    import policetext.dedup as dedup
    from policetext import Pipeline

    clustering = 0.0
    assign = dedup.assign

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal clustering
        start = time.perf_counter()
        result = assign(*args, **kwargs)
        clustering = time.perf_counter() - start
        return result

    dedup.assign = timed
    start = time.perf_counter()
    found = dedup.find_duplicates(Pipeline(), [str(folder)], threshold=threshold, jobs=jobs)
    total = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    families = json.loads((folder / "families.json").read_text("utf-8"))
    stories = [
        corpus.Story(Path(a.doc).stem, families[Path(a.doc).stem], "") for a in found.assignments
    ]
    truth = corpus.true_pairs(stories)
    pairs = corpus.found_pairs({Path(a.doc).stem: a.cluster for a in found.assignments})
    precision, recall = corpus.precision_recall(truth, pairs)
    return {
        "documents": len(found.assignments),
        "planted_pairs": len(truth),
        "found_pairs": len(pairs),
        "seconds": round(total, 1),
        "signature_seconds": round(total - clustering, 1),
        "clustering_seconds": round(clustering, 1),
        "peak_rss_mb": round(peak / 1e6, 1),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="documents [100000]")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes [1]")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    from policetext.dedup import DEFAULT_THRESHOLD

    threshold = args.threshold or DEFAULT_THRESHOLD
    if args.measure:
        print(json.dumps(measure(args.measure, args.jobs, threshold)))
        return
    start = time.perf_counter()
    folder = build(args.size)
    print(
        f"corpus: {folder} ({time.perf_counter() - start:.0f} s to make or find)", file=sys.stderr
    )
    command = [sys.executable, __file__, "--measure", str(folder), "--jobs", str(args.jobs),
               "--threshold", str(threshold)]  # fmt: skip
    result = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
    result.update(jobs=args.jobs, threshold=threshold)
    for key, value in result.items():
        print(f"{key:20} {value}")


if __name__ == "__main__":
    main()
