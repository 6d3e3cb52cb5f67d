"""The reports in a real browser: Debian's Chromium driven by Playwright, from files on disk."""

import os
import shutil

import pytest

from alignment.compare import compare_plans

from .conftest import ALNA, FROGNER

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (apt-get install chromium)",
)
NASTY = '<script>alert(1)</script>"><img src=x onerror=alert(1)>{{ 7*7 }}'


@pytest.fixture(scope="module")
def pages(small_model, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    plan = out / "bydel_test.txt"
    plan.write_text(f"Bydel Testby\n\n## Tiltak\n- Tilby HAP til unge {NASTY}\n- Fast kontaktperson for alle\n",
                    encoding="utf-8")
    compare_plans([FROGNER, ALNA, plan], model=small_model).write(out)
    return out


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


def _open(browser, path):
    page = browser.new_page(viewport={"width": 1300, "height": 1800})
    errors, dialogs = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    return page, errors, dialogs


def _visible_rows(page, selector):
    return page.locator(f"{selector}:visible").count()


def test_check_report_filters_and_search(browser, pages, tmp_path):
    page, errors, dialogs = _open(browser, pages / "frogner.html")
    rows = "table.verdicts tr[data-filter-row]"
    assert _visible_rows(page, rows) == 36
    page.select_option("#f-status", "missing")
    missing = _visible_rows(page, rows)
    assert 0 < missing < 36
    assert page.locator(f"{rows}:visible .badge").all_inner_texts() == ["✗ Mangler"] * missing or all(
        "Mangler" in t for t in page.locator(f"{rows}:visible .badge").all_inner_texts())
    page.click("#f-reset")
    page.fill("#f-search", "hasjavvennings")
    assert _visible_rows(page, rows) == 1
    assert page.locator(f"{rows}:visible th").inner_text() == "5.2.1 H"
    assert "av 36 tiltak vises" in page.inner_text("#f-count")
    page.click("#f-reset")
    page.select_option("#f-owner", "by")
    assert _visible_rows(page, rows) == 9
    page.screenshot(path=str(tmp_path / "check.png"), full_page=True)
    assert errors == [] and dialogs == []


def test_comparison_page_cells_open_evidence(browser, pages, tmp_path):
    page, errors, dialogs = _open(browser, pages / "sammenligning.html")
    rows = "table.matrix tr[data-filter-row]"
    assert _visible_rows(page, rows) == 36
    cell = page.locator("#rad-5-2-1-H td.cell[data-district='Bydel Frogner'] details")
    if cell.count():
        assert not cell.locator(".evidence").first.is_visible()
        cell.locator("summary").click()
        assert cell.locator(".evidence").first.is_visible()
        assert "HAP" in cell.inner_text()
    page.select_option("#f-status", "covered")
    covered = _visible_rows(page, rows)
    assert 0 < covered < 36
    page.click("#f-reset")
    page.fill("#f-search", "nalokson")
    assert _visible_rows(page, rows) <= 36
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
    assert errors == [] and dialogs == []


def test_plan_text_never_runs(browser, pages):
    page, errors, dialogs = _open(browser, pages / "bydel_test.html")
    page.click("#f-toggle")
    assert "<script>alert(1)</script>" in page.inner_text("body")
    assert page.locator("img").count() == 0
    assert dialogs == [] and errors == []
