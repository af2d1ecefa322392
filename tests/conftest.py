"""Shared fixtures: the seed corpus and one pipeline per session (jieba loads once)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def case_param(case: dict) -> Any:
    """A golden case as a test parameter, with its label as id; a known miss
    (``"xfail": why``) is a strict expected failure, so fixing it shows."""
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else []
    return pytest.param(case, id=case["label"], marks=marks)


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


def years_corpus(tmp: Path) -> Path:
    """Documents of sixteen years from 1998 to 2023 with gaps, sums of money in the
    hundreds of millions and two regions with words of their own (tiny p-values)."""
    years = [1998, 2001, 2002, 2003, 2005, 2008, 2010, 2011, 2012, 2013, 2014, 2016, 2019]
    years += [2020, 2021, 2023]
    lines = []
    for i, year in enumerate(years):
        north = i % 2 == 0
        local = "边境派出所巡逻查获走私车辆。" * 4 if north else "水上分局船艇巡查渔港码头。" * 4
        text = (
            f"{year}年，某县公安局共破获刑事案件{120 + i * 37}起，抓获犯罪嫌疑人"
            f"{3400 + i * 911}人，追回涉案资金{(i + 1) * 317.43:.2f}万元，挽回经济损失"
            f"{(i % 4 + 1) * 6.58:.2f}亿元。{local}"
        )
        record = {
            "id": f"d{i:02d}",
            "date": f"{year}-03-01",
            "region": "north" if north else "south",
        }
        lines.append(json.dumps({**record, "text": text}, ensure_ascii=False))
    source = tmp / "years.jsonl"
    source.write_text("\n".join(lines) + "\n", "utf-8")
    return source
