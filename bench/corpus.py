"""Build benchmark corpora from the seed articles, deterministically.

Paragraphs of the five seeds are drawn with a fixed random seed; 95% are the
simplified paragraphs as they are, 5% are converted to traditional script
(OpenCC s2t) so that the traditional path is exercised as in real folders.
Files of about 200 KB each, so directory walks and worker processes have work.

    python bench/corpus.py 10        # writes bench/corpus/10mb/*.txt
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
OUT = Path(__file__).resolve().parent / "corpus"
FILE_BYTES = 200_000


def seed_paragraphs() -> list[str]:
    paragraphs = []
    for path in sorted(SEEDS.glob("*.txt")):
        if path.name.startswith("003"):
            continue  # the traditional, garbled seed: used through s2t instead
        lines = (p.strip() for p in path.read_text("utf-8").splitlines())
        paragraphs += [p for p in lines if len(p) > 20]
    return paragraphs


def build_corpus(megabytes: float, traditional_share: float = 0.05, seed: int = 0) -> Path:
    """Write (or reuse) a corpus of about ``megabytes`` MB; return its directory."""
    target = OUT / f"{megabytes:g}mb"
    stamp = target / ".complete"
    if stamp.exists():
        return target
    sys.path.insert(0, str(ROOT))
    from policetext.engines import pure_converter

    s2t = pure_converter("s2t")  # the same converter whichever OpenCC package is installed
    rng = random.Random(seed)
    paragraphs = seed_paragraphs()
    target.mkdir(parents=True, exist_ok=True)
    total = 0
    index = 0
    limit = int(megabytes * 1_000_000)
    while total < limit:
        chunk: list[str] = []
        size = 0
        while size < FILE_BYTES and total + size < limit:
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


def corpus_text(directory: Path) -> str:
    return "\n".join(p.read_text("utf-8") for p in sorted(directory.glob("*.txt")))


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
    print(build_corpus(float(sys.argv[1]) if len(sys.argv) > 1 else 10))
