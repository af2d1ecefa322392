"""Shared fixtures: the seed corpus and one pipeline per session (jieba loads once)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policetext import Pipeline

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CASES = Path(__file__).resolve().parent / "cases"


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
