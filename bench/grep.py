"""grep on a corpus of at least 50 MB built from the seeds, against the baselines.

    python bench/grep.py [MEGABYTES]     (default 50)

Side by side, in one run, counting lines that hold 派出所 (the query written in
traditional script for policetext, which must still find the simplified text):
  (a) ``grep -c`` on the raw files: the floor; it cannot match across scripts;
  (b) what users do today to match both scripts: OpenCC's command-line
      converter (Debian's ``opencc``; installed with apt-get if missing and
      possible, else skipped) piped into ``grep -c``;
  (c) ``policetext grep -c`` first run (cache empty) and second run (cached).
Prints seconds, ratios and whether the counts agree. A script, not a test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import build_corpus, corpus_files

QUERY = "警務"  # traditional for 警务: only a script-aware search finds the simplified text
SIMPLE = "警务"


def run(command: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, env=env or dict(os.environ)
    )
    return time.perf_counter() - start, proc.stdout


def ensure_opencc() -> str | None:
    found = shutil.which("opencc")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-q"], capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "opencc"], capture_output=True)
    return shutil.which("opencc")


def total(output: str) -> int:
    """Sum of grep -c style output (``N`` or ``path:N`` per line)."""
    return sum(int(line.rsplit(":", 1)[-1]) for line in output.split() if line)


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 50
    directory = build_corpus(megabytes)
    files = " ".join(str(p) for p in corpus_files(directory))
    size = sum(p.stat().st_size for p in corpus_files(directory)) / 1e6
    rows: list[tuple[str, float, int | None]] = []

    seconds, out = run(f"grep -c {SIMPLE} {files}")
    floor = seconds
    rows.append(("(a) grep -c 警务 raw files (floor)", seconds, total(out)))
    seconds, out = run(f"grep -c {QUERY} {files}")
    rows.append(("    grep -c 警務 raw files", seconds, total(out)))

    opencc = ensure_opencc()
    if opencc:
        command = f"for f in {files}; do {opencc} -c t2s.json -i $f | grep -c {SIMPLE}; done"
        seconds, out = run(command)
        rows.append(("(b) opencc t2s | grep -c", seconds, total(out)))
    else:
        print("opencc command-line converter not available: (b) skipped")

    cache = tempfile.mkdtemp(prefix="policetext-bench-")
    env = {**os.environ, "XDG_CACHE_HOME": cache}
    policetext = f"{sys.executable} -m policetext grep -c {QUERY} {directory}"
    seconds, out = run(policetext, env)
    rows.append(("(c) policetext grep -c 警務, first", seconds, total(out)))
    seconds, out = run(policetext, env)
    rows.append(("(c) policetext grep -c 警務, cached", seconds, total(out)))
    seconds, out = run(policetext + " --jobs 1 --no-cache", env)
    rows.append(("    policetext grep --no-cache -j1", seconds, total(out)))
    shutil.rmtree(cache, ignore_errors=True)

    print(f"corpus: {size:.1f} MB in {len(files.split())} files (95% simplified, 5% traditional)")
    print(f"{'what':40} {'seconds':>8} {'× floor':>8} {'lines':>7}")
    for name, secs, count in rows:
        print(f"{name:40} {secs:8.2f} {secs / floor:8.1f} {count if count is not None else '':>7}")


if __name__ == "__main__":
    main()
