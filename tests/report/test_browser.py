"""The report in a real browser: Debian's chromium driven by Playwright (the system browser;
none is downloaded). The report is built from the committed Linux baseline, Windows and macOS
copies of it, and one Linux cell that disagrees and whose process output is hostile markup.
Its index (matrix.html) links each cell to its evidence on its case's page (cases/<id>.html).

Screenshots at 1440 and 390 px go to $CORPUS_SCREENSHOTS when it is set (the workflow keeps
them as an artifact)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.report import tables
from tests.reportdata import planted_disagreement, three_oses

# Debian's chromium here (.ci/setup installs it); a GitHub runner's Chromium or Chrome there.
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM = os.environ.get("CORPUS_CHROMIUM") or next(
    (found for found in map(shutil.which, NAMES) if found), "/usr/bin/chromium"
)
REQUIRED = bool(os.environ.get("CORPUS_REQUIRE_BROWSER"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).is_file() and not REQUIRED,
        reason=f"no chromium at {CHROMIUM} (bash .ci/setup installs it: apt-get install chromium)",
    ),
]


PLANTED_CELL = "werkzeug-3039 · werkzeug · affected 3.1.9 · Linux · Python 3.11"
PLANTED_COMMAND = (
    "nox -s run -p 3.11 -- werkzeug-3039 --variant affected --check werkzeug "
    "--upstream werkzeug==3.1.9"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    tables.write([*three_oses(), planted_disagreement()], out)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def open_page(browser: Any, url: str, width: int = 1440, javascript: bool = True) -> Any:
    """A page in a fresh context; below 600 px wide, a phone (mobile viewport rules, touch)."""
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        java_script_enabled=javascript,
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=3 if phone else 1,
    )
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(url)
    return page


def in_view(page: Any, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and 0 <= box["y"] < 900 and box["height"] > 0


def open_evidence(page: Any, cell_id: str) -> Any:
    """Click a cell of the grid: its evidence, on its case's page."""
    page.locator(f"td#{cell_id} a").click()
    page.wait_for_url(f"**/cases/*.html#e{cell_id}")
    return page.locator(f"li#e{cell_id}")


@pytest.mark.parametrize("javascript", [True, False], ids=["script", "no-script"])
def test_a_disagreement_link_leads_to_its_cell_and_the_cell_to_its_evidence(
    browser: Any, built: Path, javascript: bool
) -> None:
    page = open_page(browser, (built / "matrix.html").as_uri(), javascript=javascript)
    # The planted cell among the disagreements (the real baseline may hold others).
    link = page.locator("ul.dis a", has_text=PLANTED_CELL).first
    assert PLANTED_CELL in link.inner_text()
    link.click()
    cell_id = page.evaluate("location.hash").lstrip("#")
    cell = page.locator(f"td#{cell_id}")
    assert "x" in cell.get_attribute("class").split() and in_view(page, f"td#{cell_id}")
    evidence = open_evidence(page, cell_id)
    assert page.url.split("#")[0].endswith("/cases/werkzeug-3039.html")
    assert evidence.is_visible() and in_view(page, f"li#e{cell_id}")
    text = evidence.inner_text()
    assert "disagrees" in text and f"Rerun: {PLANTED_COMMAND}" in text
    assert evidence.locator("mark").count() >= 1  # the decisive line
    evidence.locator("a", has_text="Linux 3.11").click()  # and back to the cell in the grid
    page.wait_for_url(f"**/matrix.html#{cell_id}")
    assert in_view(page, f"td#{cell_id}")
    page.context.close()


def test_a_cell_of_any_row_opens_to_its_evidence_and_the_grid_keeps_its_labels(
    browser: Any, built: Path
) -> None:
    page = open_page(browser, (built / "matrix.html").as_uri())
    cell_id = page.locator("section#nicegui-4592 td.o-leak").first.get_attribute("id")
    evidence = open_evidence(page, cell_id)
    assert evidence.is_visible()
    text = evidence.locator("xpath=ancestor::section[1]").inner_text()
    assert "Expected leak. Why: " in text and "Run 1" in text and "Trigger:" in text
    page.context.close()


def test_the_header_row_and_row_labels_stay_in_sight_while_the_grid_scrolls(
    browser: Any, built: Path
) -> None:
    # Narrow enough that the widest grid overflows sideways whatever Pythons the baseline has.
    page = open_page(browser, (built / "matrix.html").as_uri(), width=700)
    tallest = page.evaluate(
        """() => { const grids = [...document.querySelectorAll('.grid')];
          grids.sort((a, b) =>
            (b.scrollHeight - b.clientHeight) - (a.scrollHeight - a.clientHeight));
          return grids[0].closest('section').id; }"""
    )
    section = page.locator(f"section#{tallest}")
    grid = section.locator(".grid")
    grid.scroll_into_view_if_needed()
    scrolled = grid.evaluate(
        "g => { g.scrollTop = 1e5; g.scrollLeft = 1e5; return [g.scrollTop, g.scrollLeft]; }"
    )
    assert min(scrolled) > 50, f"the grid must overflow both ways for this test: {scrolled}"
    grid_box = grid.bounding_box()
    header = section.locator("thead th").nth(3).bounding_box()
    label = section.locator("tbody th[scope=row]").last.bounding_box()
    assert abs(header["y"] - grid_box["y"]) < 3, (header, grid_box)
    assert abs(label["x"] - grid_box["x"]) < 3, (label, grid_box)
    page.context.close()


def test_filters_narrow_the_matrix(browser: Any, built: Path) -> None:
    page = open_page(browser, (built / "matrix.html").as_uri())
    assert page.locator("form#filters").is_visible()
    rows_with_a_disagreement = page.locator("table.m tbody tr:not(.g):has(td.x)").count()
    page.check("input[name=dis]")
    visible = page.locator("table.m tbody tr:not(.g):visible")
    assert rows_with_a_disagreement >= 1
    assert visible.count() == rows_with_a_disagreement
    page.uncheck("input[name=dis]")
    page.select_option("select[name=os]", "darwin")
    headers = page.locator("section#werkzeug-3039 table.m thead th:visible").all_inner_texts()
    assert headers[1:] and all(h.startswith("macOS") for h in headers[1:])
    page.select_option("select[name=case]", "nicegui-4131")
    assert not page.locator("section#werkzeug-3039").is_visible()
    page.context.close()


def test_without_script_there_are_no_filters_and_nothing_is_hidden(
    browser: Any, built: Path
) -> None:
    page = open_page(browser, (built / "matrix.html").as_uri(), javascript=False)
    assert not page.locator("form#filters").is_visible()
    assert page.locator("table.m td.o-leak:visible").count() > 100
    cell_id = page.locator("section#nicegui-4592 td.o-leak").first.get_attribute("id")
    evidence = open_evidence(page, cell_id)
    row = evidence.locator("xpath=ancestor::section[1]")
    assert row.locator("p", has_text="Expected leak. Why: ").first.is_visible()
    evidence.locator("a[href*='matrix.html#v']").click()  # its environment, in the index
    page.wait_for_url("**/matrix.html#v*")
    assert page.locator(page.evaluate("location.hash")).is_visible()  # a <details> opened
    page.context.close()


def fits_390_px(page: Any) -> None:
    # Without a viewport meta a phone lays the page out 980 px wide and shrinks it.
    width = page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
    assert width == [390, 390], f"{page.url}: layout and content width: {width}"
    font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font >= 14


def test_the_report_is_usable_390_px_wide(browser: Any, built: Path) -> None:
    page = open_page(browser, (built / "matrix.html").as_uri(), width=390)
    fits_390_px(page)
    verdict = page.locator("#verdict").bounding_box()
    assert verdict["y"] < 200 and verdict["width"] <= 390
    assert page.locator(".grid").first.bounding_box()["width"] <= 390
    # The evidence of the longest warnings and commands, and of the hostile process output.
    cell_id = page.locator("section#werkzeug-testclient-spooled-upload td.o-leak").first
    evidence = open_evidence(page, cell_id.get_attribute("id"))
    fits_390_px(page)
    assert evidence.bounding_box()["width"] <= 390
    page.goto((built / "cases" / "werkzeug-3039.html").as_uri())
    fits_390_px(page)
    page.context.close()


def test_outcomes_differ_in_luminance_as_well_as_colour(browser: Any, built: Path) -> None:
    page = open_page(browser, (built / "matrix.html").as_uri())
    luminance = page.evaluate(
        """sel => {
          const c = getComputedStyle(document.querySelector(sel)).backgroundColor
            .match(/\\d+/g).slice(0, 3).map(v => { v /= 255;
              return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
          return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
        }""",
        "td.o-clean",
    )
    leak = page.evaluate(
        "sel => getComputedStyle(document.querySelector(sel)).backgroundColor", "td.o-leak"
    )
    leak_l = page.evaluate(
        """c => { const v = c.match(/\\d+/g).slice(0, 3).map(v => { v /= 255;
              return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
              return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }""",
        leak,
    )
    assert (luminance + 0.05) / (leak_l + 0.05) >= 7
    symbols = (
        page.locator("td.o-leak a").first.inner_text(),
        page.locator("td.o-clean a").first.inner_text(),
    )
    assert symbols[0].startswith("✗") and symbols[1].startswith("✓")
    assert page.locator("table.m th[scope=col]").count() > 0
    assert page.locator("table.m th[scope=row]").count() > 0
    page.context.close()


def test_planted_markup_stays_text_in_the_html(browser: Any, built: Path) -> None:
    page = open_page(browser, (built / "matrix.html").as_uri())
    href = page.locator("ul.dis a", has_text=PLANTED_CELL).first.get_attribute("href")
    assert page.locator("img").count() == 0 and page.locator("script").count() == 1
    evidence = open_evidence(page, href.lstrip("#"))
    text = evidence.inner_text()
    assert "<img src=x onerror=" in text and "</details>" in text and "<script>" in text
    assert "backup.<locals>.backup" in text
    assert page.locator("img").count() == 0 and page.locator("script").count() == 0
    assert page.title() != "owned" and page.dialogs == []
    page.context.close()


def test_planted_markup_stays_text_in_the_markdown_job_summary(
    browser: Any, built: Path, tmp_path: Path
) -> None:
    from markdown_it import MarkdownIt

    # Raw HTML on, as in a GitHub job summary (which then sanitises what is left).
    rendered = (
        MarkdownIt("commonmark", {"html": True})
        .enable("table")
        .render((built / "matrix.md").read_text(encoding="utf-8"))
    )
    page_file = tmp_path / "summary.html"
    page_file.write_text(f"<!DOCTYPE html><meta charset=utf-8><body>{rendered}</body>")
    page = open_page(browser, page_file.as_uri())
    assert page.locator("img").count() == 0 and page.locator("script").count() == 0
    assert page.locator("details").count() == 1  # the skips block, closed and whole
    assert page.locator("details").get_attribute("open") is None
    text = page.locator("body").inner_text()
    assert "backup.<locals>.backup" in text and "<img src=x onerror=" in text
    assert "</details>" in text and "[link](javascript:x)" in text
    assert page.locator("a[href^=javascript]").count() == 0
    assert page.title() != "owned" and page.dialogs == []
    page.context.close()


def test_screenshots_at_1440_and_390_px(browser: Any, built: Path, tmp_path: Path) -> None:
    folder = Path(os.environ.get("CORPUS_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    source = Path(os.environ.get("CORPUS_SCREENSHOT_REPORT") or built / "matrix.html")
    for width in (1440, 390):
        page = open_page(browser, source.resolve().as_uri(), width=width)
        page.screenshot(path=str(folder / f"matrix-{width}.png"), full_page=False)
        open_evidence(page, page.locator("td.o-leak").first.get_attribute("id"))
        page.screenshot(path=str(folder / f"matrix-{width}-evidence.png"))
        page.context.close()
        assert (folder / f"matrix-{width}.png").stat().st_size > 10_000
