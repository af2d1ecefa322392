"""Config: one frozen settings object, checked when it is made."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from policetext import Config, ConfigError
from policetext.config import default_cache_dir


def test_every_normalisation_step_is_on_by_default() -> None:
    from policetext.normalize import switches

    config = Config()
    assert config.conversion == "t2s"
    assert config.skip == frozenset()
    assert {"pinyin", "repair", "width", "stutter", "furniture", "markup"} <= set(switches())


def test_config_is_frozen_and_hashable() -> None:
    config = Config()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.conversion = "tw2s"  # type: ignore[misc]
    # workers keep one analyser per configuration: equal configs are one key
    assert {Config(): 1}[Config()] == 1


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"conversion": "s2t"}, "unknown conversion 's2t'"),
        ({"executor": "spark"}, "unknown executor 'spark'"),
        ({"engine": "thulac"}, "unknown engine 'thulac'"),
        ({"part_chars": 1}, "part_chars"),
        ({"huge_bytes": 0}, "huge_bytes"),
    ],
)
def test_bad_values_fail_early_with_a_message(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Config(**changes)  # type: ignore[arg-type]


def test_no_conversion_keeps_the_script() -> None:
    assert Config(conversion=None).conversion is None


def test_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "policetext"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "policetext"


def test_an_unknown_step_fails_when_the_pipeline_is_made() -> None:
    from policetext import Pipeline

    with pytest.raises(ConfigError, match="unknown normalisation step 'spelling'"):
        Pipeline(Config(skip=frozenset({"spelling"})))
