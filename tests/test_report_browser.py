"""The seeds' report in headless Chromium: it loads without console messages, every
chart has a size, and a screenshot is taken (``docs/report.png`` is one).

Skipped when no Chromium binary is found (``.ci/run`` installs Debian's ``chromium``).
Set ``POLICETEXT_SCREENSHOT=docs/report.png`` to write the screenshot there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from policetext.cli import cli

from .conftest import SEEDS

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER = next((found for name in BROWSERS if (found := shutil.which(name))), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no chromium binary on PATH")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking")
# appended to a copy of the page: the drawn size of every chart, for --dump-dom to show
PROBE = """<script>
document.addEventListener("DOMContentLoaded", function () {
  var sizes = Array.prototype.map.call(document.querySelectorAll("svg"), function (svg) {
    var box = svg.getBoundingClientRect();
    return [box.width, box.height];
  });
  document.body.setAttribute("data-svg-sizes", JSON.stringify(sizes));
});
</script>"""


def chromium(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    # a private profile, so that runs never share or keep browser state
    profile = f"--user-data-dir={cwd / 'profile'}"
    return subprocess.run(
        [BROWSER, *FLAGS, profile, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def console_messages(stderr: str) -> list[str]:
    """Console output of the page as Chromium logs it (``INFO:CONSOLE…``)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("browser")
    target = tmp / "report.html"
    # seeds/ as the README writes it when run from the checkout (the names shown)
    seeds = os.path.relpath(SEEDS) if Path.cwd() in SEEDS.parents else str(SEEDS)
    result = CliRunner().invoke(
        cli, ["report", seeds, "-o", str(target)], env={"XDG_CACHE_HOME": str(tmp / "c")}
    )
    assert result.exit_code == 0, result.stderr
    return target


def test_console_errors_are_seen(tmp_path: Path) -> None:
    # the detector itself: a page that fails must be caught
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><script>undefinedFunction();</script>", "utf-8")
    run = chromium("--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri(), cwd=tmp_path)
    assert any("undefinedFunction" in line for line in console_messages(run.stderr))


def test_loads_without_console_errors_and_charts_have_size(report: Path, tmp_path: Path) -> None:
    probed = tmp_path / "probed.html"
    probed.write_text(report.read_text("utf-8").replace("</body>", PROBE + "</body>"), "utf-8")
    run = chromium(
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1280,2400",
        "--dump-dom",
        probed.as_uri(),
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert console_messages(run.stderr) == []
    match = re.search(r'data-svg-sizes="([^"]*)"', run.stdout)
    assert match, "the probe did not run"
    sizes = json.loads(match.group(1).replace("&quot;", '"'))
    assert len(sizes) == report.read_text("utf-8").count("<svg")
    assert len(sizes) >= 10
    assert all(width > 0 and height > 0 for width, height in sizes)
    # the sorter ran: every heading of a sortable table became focusable
    assert 'tabindex="0"' in run.stdout


def test_screenshot(report: Path, tmp_path: Path) -> None:
    shot = Path(os.environ.get("POLICETEXT_SCREENSHOT") or tmp_path / "report.png").resolve()
    shot.parent.mkdir(parents=True, exist_ok=True)
    run = chromium(
        "--hide-scrollbars",
        "--window-size=1280,2400",
        f"--screenshot={shot}",
        report.as_uri(),
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 2400)
