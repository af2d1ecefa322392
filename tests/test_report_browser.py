"""The report in headless Chromium: it loads without console messages, every chart
has a size, no label of a chart overlaps another (the boxes the browser draws), no
number is in exponent notation, and a screenshot is taken (``docs/report.png`` is one).

Skipped when no Chromium binary is found (``.ci/run`` installs Debian's ``chromium``).
Set ``POLICETEXT_SCREENSHOT=docs/report.png`` to write the screenshot there.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from policetext.cli import cli

from .conftest import GOLD, SEEDS, years_corpus

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER = next((found for name in BROWSERS if (found := shutil.which(name))), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no chromium binary on PATH")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking")
# appended to a copy of the page, for --dump-dom to show: the drawn size of every
# chart, every pair of labels in one chart whose drawn boxes overlap, and the numbers
# in exponent notation in the text a reader sees
PROBE = """<script>
document.addEventListener("DOMContentLoaded", function () {
  var sizes = [], overlaps = [];
  document.querySelectorAll("svg").forEach(function (svg) {
    var box = svg.getBoundingClientRect();
    sizes.push([box.width, box.height]);
    var labels = Array.prototype.map.call(svg.querySelectorAll("text"), function (t) {
      return [t.textContent, t.getBoundingClientRect()];
    });
    for (var i = 0; i < labels.length; i++) {
      for (var j = i + 1; j < labels.length; j++) {
        var a = labels[i][1], b = labels[j][1];
        var wide = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        var high = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (wide > 0.5 && high > 0.5) { overlaps.push([labels[i][0], labels[j][0]]); }
      }
    }
  });
  var text = document.body.innerText;
  var exponents = text.match(/(?<![\\w.])\\d+(?:\\.\\d+)?[eE][+-]\\d+(?!\\w)/g) || [];
  document.body.setAttribute("data-svg-sizes", JSON.stringify(sizes));
  document.body.setAttribute("data-overlaps", JSON.stringify(overlaps));
  document.body.setAttribute("data-exponents", JSON.stringify(exponents));
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


@pytest.fixture(scope="module")
def years_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sixteen years with gaps, sums in 亿, two regions: crowded time charts and keyness."""
    tmp = tmp_path_factory.mktemp("years")
    target = tmp / "report.html"
    source = years_corpus(tmp)
    args = ["report", str(source), "--id-field", "id", "--by", "region", "-o", str(target)]
    result = CliRunner().invoke(cli, args, env={"XDG_CACHE_HOME": str(tmp / "c")})
    assert result.exit_code == 0, result.stderr
    return target


@pytest.fixture(scope="module")
def dev_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 33 dev pages (read from ../shared, never copied here): real sums and years."""
    if not (GOLD / "dev" / "corpus").is_dir():
        pytest.skip("dev pages under ../shared/gold/dev/corpus not present")
    tmp = tmp_path_factory.mktemp("dev")
    target = tmp / "report.html"
    args = ["report", str(GOLD / "dev" / "corpus"), "-o", str(target)]
    result = CliRunner().invoke(cli, args, env={"XDG_CACHE_HOME": str(tmp / "c")})
    assert result.exit_code == 0, result.stderr
    return target


def probe(page: Path, tmp_path: Path) -> tuple[str, dict[str, list]]:
    """Run the probe in the page; its DOM and what it found."""
    probed = tmp_path / "probed.html"
    probed.write_text(page.read_text("utf-8").replace("</body>", PROBE + "</body>"), "utf-8")
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
    found = {}
    for name in ("svg-sizes", "overlaps", "exponents"):
        match = re.search(rf'data-{name}="([^"]*)"', run.stdout)
        assert match, "the probe did not run"
        found[name] = json.loads(html.unescape(match.group(1)))
    return run.stdout, found


def test_the_probe_sees_overlaps_and_exponents(tmp_path: Path) -> None:
    # the detector itself: two labels drawn on one spot and an exponent must be caught
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><meta charset="utf-8"><body><p>3.17e+03万</p><svg width="100" '
        'height="40"><text x="10" y="20">2018</text><text x="14" y="20">2019</text></svg>'
        "</body>",
        "utf-8",
    )
    _, found = probe(page, tmp_path)
    assert found["overlaps"] == [["2018", "2019"]]
    assert found["exponents"] == ["3.17e+03"]


@pytest.mark.parametrize("which", ["report", "years_report", "dev_report"])
def test_labels_do_not_overlap_and_no_exponents(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    _, found = probe(request.getfixturevalue(which), tmp_path)
    assert found["overlaps"] == []
    assert found["exponents"] == []


def test_console_errors_are_seen(tmp_path: Path) -> None:
    # the detector itself: a page that fails must be caught
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><script>undefinedFunction();</script>", "utf-8")
    run = chromium("--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri(), cwd=tmp_path)
    assert any("undefinedFunction" in line for line in console_messages(run.stderr))


def test_loads_without_console_errors_and_charts_have_size(report: Path, tmp_path: Path) -> None:
    dom, found = probe(report, tmp_path)
    sizes = found["svg-sizes"]
    assert len(sizes) == report.read_text("utf-8").count("<svg")
    assert len(sizes) >= 10
    assert all(width > 0 and height > 0 for width, height in sizes)
    # the sorter ran: every heading of a sortable table became focusable
    assert 'tabindex="0"' in dom


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
