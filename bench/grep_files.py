"""grep over many small files (issue 26): ripgrep, GNU grep and policetext.

    python bench/grep_files.py [DOCS] [--runs N]     (default 50000 documents, 3 runs)

On ``bench/corpus/mixed-{DOCS}docs/`` (built by ``corpus.py --docs``: 50 folders
of 1,000 files of about 2.2 KB, real police pages), counting the lines that hold
民警 in each file:
  (a) ``rg -c`` (ripgrep: the yardstick; skipped, with a message, when ``rg`` is
      not installed: it is no dependency of policetext);
  (b) ``grep -rc`` (GNU grep);
  (c) ``policetext grep -c``: first run (an empty cache: it normalises every
      file and fills the cache) and cached runs (the same files again).
The first run runs once (it fills the cache); then rg, grep and the cached run
take turns, N rounds, so that the machine's other load weighs on each alike;
prints the fastest and slowest seconds, the ratio of the fastest to rg's, the
CPU seconds of each (user and system, over all threads: steadier than wall
seconds on a busy machine), and whether the counts agree (files with a match,
and lines: policetext counts the lines of the normalised text, where a line
broken inside a word is rejoined). A script, not a test.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import build_documents, byte_compile

QUERY = "民警"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Wall seconds of ``command`` and its output; its CPU seconds go to ``CPU``."""
    start, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.run(command, capture_output=True, text=True, env=env or dict(os.environ))
    seconds = time.perf_counter() - start
    CPU[command[0]] = _children_cpu() - cpu
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}): {proc.stderr[-500:]}")
    return seconds, proc.stdout


#: CPU seconds (user and system, all threads) of the last run of each program
CPU: dict[str, float] = {}


def counts(output: str) -> tuple[int, int]:
    """Files with a match and lines of ``path:N`` per file (files with 0 left out)."""
    numbers = [int(line.rsplit(":", 1)[1]) for line in output.splitlines() if line]
    numbers = [n for n in numbers if n]
    return len(numbers), sum(numbers)


def main() -> None:
    args = sys.argv[1:]
    runs = 3
    if "--runs" in args:
        at = args.index("--runs")
        runs = int(args[at + 1])
        del args[at : at + 2]
    docs = int(args[0]) if args else 50_000
    directory = build_documents(docs)
    byte_compile()

    rg = shutil.which("rg")
    if not rg:
        print("rg (ripgrep) is not installed: (a) skipped (apt-get install ripgrep)")
    commands = {
        "(a) rg -c": [rg, "-c", QUERY, str(directory)] if rg else None,
        "(b) grep -rc": ["grep", "-rc", "--include=*.txt", QUERY, str(directory)],
    }
    cache = tempfile.mkdtemp(prefix="policetext-bench-")
    env = {**os.environ, "XDG_CACHE_HOME": cache}
    policetext = [sys.executable, "-m", "policetext", "grep", "-c", QUERY, str(directory)]
    times: dict[str, list[float]] = {name: [] for name, command in commands.items() if command}
    cpu: dict[str, list[float]] = {name: [] for name in times}
    found: dict[str, tuple[int, int]] = {}
    try:
        seconds, out = timed(policetext, env)
        first = ("(c) policetext grep -c, first run", [seconds], counts(out))
        cached = "(c) policetext grep -c, cached"
        times[cached], cpu[cached] = [], []
        # in rounds, so that what else the machine runs weighs on each alike
        for _ in range(runs):
            for name, command in commands.items():
                if command:
                    seconds, out = timed(command)
                    times[name].append(seconds)
                    cpu[name].append(CPU[command[0]])
                    found[name] = counts(out)
            seconds, out = timed(policetext, env)
            times[cached].append(seconds)
            cpu[cached].append(CPU[policetext[0]])
            found[cached] = counts(out)
        seconds, out = timed([*policetext, "--jobs", "1"], env)
        last = ("    policetext grep -c --jobs 1, cached", [seconds], counts(out))
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    rows: list[tuple[str, list[float], tuple[int, int]]] = [
        (name, times[name], found[name]) for name in times if name != cached
    ]
    rows += [first, (cached, times[cached], found[cached]), last]

    floor = min(rows[0][1]) if rg else None
    print(f"corpus: {directory} ({docs} files), query {QUERY}, {runs} runs (fastest–slowest)")
    print(f"{'what':40} {'seconds':>13} {'× rg':>6} {'files':>7} {'lines':>7}")
    for name, secs, (files, lines) in rows:
        span = f"{min(secs):.2f}" + (f"–{max(secs):.2f}" if len(secs) > 1 else "")
        ratio = f"{min(secs) / floor:6.1f}" if floor else f"{'':6}"
        print(f"{name:40} {span:>13} {ratio} {files:7} {lines:7}")
    for name, seconds in cpu.items():
        print(f"CPU seconds, {name}: {min(seconds):.2f}–{max(seconds):.2f}")
    with_match = {count[0] for _, _, count in rows}
    line_counts = sorted({count[1] for _, _, count in rows})
    print(
        ("files with a match agree" if len(with_match) == 1 else f"files: {sorted(with_match)}")
        + ("; lines agree" if len(line_counts) == 1 else f"; lines {line_counts}")
        + " (policetext counts normalised lines: a line broken inside a word is rejoined)"
    )


if __name__ == "__main__":
    main()
