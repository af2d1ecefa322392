"""grep over the patterns that made Python's backtracking engine run away (issue 23).

Each pattern is searched in one file holding a 5,000-character line, by
``policetext grep`` and, in the same run, by ``grep -E`` (GNU grep; patterns it
cannot read are marked). Every policetext run must end within 5 s: RE2 takes
most patterns, the rest (backreferences, lookarounds, huge counted repeats) stop
at the time limit with one line on stderr.

    python bench/grep_patterns.py [--limit 5]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PATTERNS = (
    "(a+)+$",
    "(a|a)*b",
    "(a|aa)*c",
    "(.*a){20}$",
    r"(\w+)\1+x",
    "a*a*a*a*a*b",
    "[a-z]+[a-z]+[a-z]+b",
    "(?=(a+)+b)a",
    "(?<=a)(a+)+b",
    "(a{1,10000}){1,10000}b",
    r"(\d+、)+\d+",
    r"(?:第\d+条)+",
    "(?i)A+B",
    "a{4294967295}",
)


def timed(command: list[str], limit: float = 120.0) -> tuple[float, int, str]:
    """Seconds, exit status and last stderr line of a command (status -1: stopped
    after ``limit`` seconds)."""
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, -1, f"stopped after {limit:g} s"
    last = (done.stderr.strip().splitlines() or [""])[-1]
    return time.perf_counter() - start, done.returncode, last


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=float, default=5.0, help="seconds each run may take")
    args = parser.parse_args()
    gnu = shutil.which("grep")
    with tempfile.TemporaryDirectory() as folder:
        line = Path(folder) / "line.txt"
        line.write_text("a" * 5000 + "\n", encoding="utf-8")
        print(f"{'pattern':<26} {'policetext':>10} {'exit':>4}  {'grep -E':>8} {'exit':>4}  note")
        slow = 0
        for pattern in PATTERNS:
            ours = [sys.executable, "-m", "policetext", "grep", "-c", "-e", pattern, str(line)]
            seconds, status, message = timed(ours)
            slow += seconds > args.limit
            theirs = "-"
            their_status = ""
            if gnu:
                their_seconds, code, _ = timed(
                    [gnu, "-E", "-c", "--", pattern, str(line)], limit=10 * args.limit
                )
                theirs, their_status = f"{their_seconds:.2f}s", str(code)
            note = message[:60] if status == 2 else ""
            ours_column = f"{seconds:>9.2f}s {status:>4}"
            print(f"{pattern:<26} {ours_column}  {theirs:>8} {their_status:>4}  {note}")
    print(f"{slow} pattern(s) over {args.limit:g} s")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
