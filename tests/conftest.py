"""Shared fixtures: the seed corpus and one pipeline per session (jieba loads once)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from policetext import Pipeline

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CASES = Path(__file__).resolve().parent / "cases"
GOLD = ROOT.parent / "shared" / "gold"
needs_gold = pytest.mark.skipif(
    not (GOLD / "score.py").exists(), reason="gold standard folder ../shared/gold not present"
)


def load_cases(name: str) -> list[dict]:
    with open(CASES / name, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def seed(prefix: str) -> Path:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    from policetext import Config

    return Pipeline(Config(cache_dir=tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def seed_docs(pipeline: Pipeline) -> dict[str, object]:
    return {p.name[:3]: pipeline.parse_path(p) for p in sorted(SEEDS.glob("*.txt"))}


def gold_metrics(command: str, tmp_path: Path) -> dict:
    """Run ``policetext COMMAND seeds/ --format jsonl`` and score it with the gold scorer."""
    from click.testing import CliRunner

    from policetext.cli import cli

    result = CliRunner().invoke(cli, [command, "--format", "jsonl", str(SEEDS)])
    assert result.exit_code == 0, result.stderr
    predictions = tmp_path / f"{command}.jsonl"
    predictions.write_text(result.stdout, "utf-8")
    gold = ["--gold", str(GOLD / "seeds.jsonl"), f"--{command}", str(predictions), "--json"]
    proc = subprocess.run(
        [sys.executable, str(GOLD / "score.py"), *gold], capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout)["metrics"]
