"""The HTML reports, parsed (and, at the end, driven in Debian's Chromium with Playwright)."""

import os

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignment.compare import compare_plans
from alignment.output import write_comparison
from alignment.records import Document, Measure
from alignment.render.html import comparison_html, report_html

from ..browser import CHROMIUM, launch
from ..conftest import ALNA, FROGNER
from ..fakes import keyword_analysis

NASTY = ['<script>alert(1)</script> Tilby HAP', '"><img src=x onerror=alert(1)> kontaktperson', "{{ 7*7 }} sommerfest"]


def _nasty_analysis():
    measures = [Measure(f"M0{i + 1}", "5.1 <b>Strategi</b>", "MÅL <i>", text, ("NAV",)) for i, text in enumerate(NASTY)]
    return keyword_analysis(measures, Document("plan<script>", "/tmp/plan<script>.txt", "txt"))


@pytest.fixture(scope="module")
def nasty():
    return _nasty_analysis()


def test_html_lists_every_tiltak_with_status_words(nasty):
    soup = BeautifulSoup(report_html(nasty), "html.parser")
    rows = soup.select("table.verdicts tbody tr")
    assert len(rows) == len(nasty.reference.tiltak)
    hap = soup.select_one("#tiltak-5-2-1-H")
    assert hap.th.get_text(strip=True) == "5.2.1 H"
    assert hap.select_one(".badge").get_text(strip=True) == "Dekket"
    assert "Tilby HAP" in hap.select_one(".evidence").get_text()
    assert [h.get_text() for h in soup.select("h2, h3")][:3] == [
        "Sammendrag", "Byrådets tiltak, ett for ett", "5.1.1 Byrådets tiltak for forebyggingsoffensiv"
    ]
    local = soup.select("table.local tbody tr")
    assert [r.th.get_text() for r in local] == ["M03"]


def test_plan_text_is_escaped_everywhere(nasty):
    soup = BeautifulSoup(report_html(nasty), "html.parser")
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and scripts[0].get_text().startswith("// Filters and search for the reports")
    assert not soup.find_all("img") and not soup.find_all("b") and not soup.find_all("i")
    assert "<script>alert(1)</script>" in soup.get_text()
    assert "{{ 7*7 }} sommerfest" in soup.get_text() and "49 sommerfest" not in soup.get_text()
    assert "plan<script>" in soup.title.get_text()


def test_html_is_self_contained(nasty):
    html = report_html(nasty)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("style") and not soup.find_all("link") and not soup.select("[src]")
    assert "http://" not in html


def test_two_analyses_of_the_same_plan_render_the_same_bytes(nasty):
    assert report_html(_nasty_analysis()) == report_html(nasty)


def test_a_plan_without_measures_says_so():
    soup = BeautifulSoup(report_html(keyword_analysis([])), "html.parser")
    assert "Fant ingen tiltak i planen" in soup.select_one("#sammendrag").get_text()
    assert {b.get_text(strip=True) for b in soup.select("table.verdicts .badge")} == {"Mangler?"}
    assert "Ikke funnet blant tiltakene verktøyet leste" in soup.select_one("table.verdicts").get_text()


def test_a_thin_reading_is_said_above_the_counts_and_on_every_missing_tiltak():
    from dataclasses import replace

    from alignment.records import ExtractionWarning

    from alignment.records import Measure

    analysis = keyword_analysis([Measure("M01", "5.2", "", "Bydelen skal tilby HAP til unge.", line=3)])
    warning = ExtractionWarning("few_measures", "Verktøyet fant bare 3 tiltak i en plan på 9 000 ord.")
    thin = replace(analysis, extraction=replace(analysis.extraction, warnings=(warning,)))
    soup = BeautifulSoup(report_html(thin), "html.parser")
    notice = soup.select_one("#sammendrag .notice")
    assert notice and "Verktøyet fant bare 3 tiltak" in notice.get_text()
    assert "Mangler eller ikke funnet" in soup.select_one("#sammendrag .counts").get_text()
    missing = [b.get_text(strip=True) for b in soup.select("table.verdicts .badge.status-missing")]
    assert missing and set(missing) == {"Mangler?"}
    assert soup.select_one("#lesing table.reading")


def test_a_plan_read_well_says_mangler_plainly(nasty):
    soup = BeautifulSoup(report_html(nasty), "html.parser")
    assert not soup.select("#sammendrag .notice")
    assert {b.get_text(strip=True) for b in soup.select("table.verdicts .badge.status-missing")} <= {"Mangler"}


def test_coverage_bars_show_the_share_addressed(nasty):
    soup = BeautifulSoup(report_html(nasty), "html.parser")
    counts = nasty.summary.counts
    assert f"Av Byrådets {counts.total} tiltak tar planen opp {counts.covered + counts.partial}" in soup.get_text()
    widths = [span["style"] for span in soup.select("table.coverage .bar span")]
    assert widths and all(w.startswith("width: ") and w.endswith("%") for w in widths)


STRANGE_TEXT = st.text(min_size=1, max_size=60).filter(lambda t: t.strip())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STRANGE_TEXT)
def test_any_measure_text_is_shown_escaped(text):
    analysis = keyword_analysis([Measure("M01", "seksjon", text, text, (text,))])
    soup = BeautifulSoup(report_html(analysis), "html.parser")
    assert len(soup.find_all("script")) == 1
    expected = " ".join(text.split())
    shown = [" ".join(td.get_text().split()) for td in soup.select("table.local td, .evidence p")]
    assert any(expected in cell for cell in shown)


@pytest.fixture(scope="module")
def comparison(small_embedder):
    return compare_plans([FROGNER, ALNA], embedder=small_embedder)


def test_comparison_page_structure(comparison):
    soup = BeautifulSoup(comparison_html(comparison), "html.parser")
    rows = soup.select("table.matrix tr[data-filter-row]")
    assert len(rows) == len(comparison.reference.tiltak)
    headers = [th.get_text(strip=True) for th in soup.select("table.matrix thead th")]
    assert headers[-2:] == ["Bydel Frogner", "Bydel Alna"]
    links = [a["href"] for a in soup.select("#dekning a")]
    assert links == ["frogner.html", "alna.html"]
    assert [h.get_text() for h in soup.select("h1, h2")][:3] == [
        "Bydelenes planer mot Byrådets strategiske plan for rusfeltet", "Dekning per bydel", "Tiltak ingen bydel tar opp"
    ]


def test_comparison_cells_show_each_districts_verdict(comparison):
    soup = BeautifulSoup(comparison_html(comparison), "html.parser")
    for district in comparison.districts:
        for tiltak in comparison.reference.tiltak:
            cell = soup.select_one(f"#rad-{tiltak.id.replace('.', '-').replace(' ', '-')} td[data-district='{district.name}']")
            assert f"status-{district.verdict(tiltak.id).status}" in cell["class"]


# --- in a real browser --------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (apt-get install chromium)",
)
BROWSER_NASTY = '<script>alert(1)</script>"><img src=x onerror=alert(1)>{{ 7*7 }}'


@pytest.fixture(scope="module")
def pages(small_embedder, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    plan = out / "bydel_test.txt"
    plan.write_text(f"Bydel Testby\n\n## Tiltak\n- Tilby HAP til unge {BROWSER_NASTY}\n- Fast kontaktperson for alle\n",
                    encoding="utf-8")
    comparison = compare_plans([FROGNER, ALNA, plan], embedder=small_embedder)
    write_comparison(comparison, out)
    return out, comparison


@pytest.fixture(scope="module")
def browser():
    with launch() as browser:
        yield browser


def _open(browser, path):
    page = browser.new_page(viewport={"width": 1300, "height": 1800})
    errors, dialogs = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    return page, errors, dialogs


def _visible(page, selector):
    return page.locator(f"{selector}:visible").count()


@needs_chromium
def test_check_report_filters_and_search(browser, pages, tmp_path):
    out, comparison = pages
    frogner = comparison.districts[0].analysis
    page, errors, dialogs = _open(browser, out / "frogner.html")
    rows = "table.verdicts tr[data-filter-row]"
    assert _visible(page, rows) == 36
    page.select_option("#f-status", "missing")
    missing = frogner.summary.counts.missing
    assert _visible(page, rows) == missing
    assert page.locator(f"{rows}:visible .badge").all_inner_texts() == ["Mangler"] * missing
    page.click("#f-reset")
    page.fill("#f-search", "hasjavvennings")
    assert _visible(page, rows) == 1
    assert page.locator(f"{rows}:visible th").inner_text() == "5.2.1 H"
    assert page.inner_text("#f-count") == "1 av 36 tiltak vises"
    page.click("#f-reset")
    page.select_option("#f-owner", "by")
    assert _visible(page, rows) == sum(t.owner == "by" for t in frogner.reference.tiltak)
    page.screenshot(path=str(tmp_path / "check.png"), full_page=True)
    assert errors == [] and dialogs == []


@needs_chromium
def test_comparison_page_cells_open_evidence(browser, pages, tmp_path):
    out, comparison = pages
    page, errors, dialogs = _open(browser, out / "sammenligning.html")
    rows = "table.matrix tr[data-filter-row]"
    assert _visible(page, rows) == 36
    frogner = next(d for d in comparison.districts if d.name == "Bydel Frogner")
    verdict = next(v for v in frogner.analysis.verdicts if v.evidence)
    row_id = "rad-" + verdict.tiltak.id.replace(".", "-").replace(" ", "-")
    cell = page.locator(f"#{row_id} td.cell[data-district='Bydel Frogner'] details")
    assert not cell.locator(".evidence").first.is_visible()
    cell.locator("summary").click()
    assert cell.locator(".evidence").first.is_visible()
    assert verdict.evidence[0].measure.text[:40] in " ".join(cell.inner_text().split())
    page.select_option("#f-status", "covered")
    with_covered = sum(any(d.verdict(t.id).status == "covered" for d in comparison.districts)
                       for t in comparison.reference.tiltak)
    assert _visible(page, rows) == with_covered
    page.click("#f-reset")
    page.fill("#f-search", "pårørende")
    assert _visible(page, rows) == _rows_mentioning("pårørende", comparison)
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
    assert errors == [] and dialogs == []


@needs_chromium
def test_the_coverage_table_fits_a_laptop_window(browser, pages):
    out, _ = pages
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((out / "sammenligning.html").as_uri())
    widths = page.eval_on_selector("table.coverage", "t => [t.scrollWidth, t.parentElement.clientWidth]")
    assert widths[0] <= widths[1]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def _rows_mentioning(word, comparison):
    def mentions(tiltak):
        texts = [tiltak.text] + [f"{e.measure.title} {e.measure.text}" for d in comparison.districts
                                 for e in d.verdict(tiltak.id).evidence]
        return any(word in text.lower() for text in texts)

    return sum(mentions(t) for t in comparison.reference.tiltak)


@needs_chromium
def test_plan_text_never_runs(browser, pages):
    out, _ = pages
    page, errors, dialogs = _open(browser, out / "bydel_test.html")
    page.click("#f-toggle")
    assert "<script>alert(1)</script>" in page.inner_text("body")
    assert page.locator("img").count() == 0
    assert dialogs == [] and errors == []


def test_the_header_names_the_plan_file_and_model_and_the_method_section_the_path_and_hash():
    from dataclasses import replace

    analysis = keyword_analysis([Measure("M01", "5.2", "", "Bydelen skal tilby HAP til unge.")],
                                Document("1-frogner", "/srv/arbeidsmappe/bydel-frogner/versjoner/1-frogner.txt", "txt"))
    analysis = replace(analysis, model="embeddinggemma-300m-cbf5a78393b6")
    soup = BeautifulSoup(report_html(analysis), "html.parser")
    header = soup.select_one("header.page-header").get_text(" ", strip=True)
    assert "1-frogner.txt" in header and "Modell: embeddinggemma-300m" in header
    assert "/srv/" not in header and "cbf5a78393b6" not in header
    method = soup.select_one("#metode").get_text(" ", strip=True)
    assert "/srv/arbeidsmappe/bydel-frogner/versjoner/1-frogner.txt" in method
    assert "embeddinggemma-300m-cbf5a78393b6" in method


def test_scores_are_written_with_a_decimal_comma(nasty):
    import re

    html = report_html(nasty)
    soup = BeautifulSoup(html, "html.parser")
    shown = " ".join(p.get_text() for p in soup.select("table.verdicts .evidence p.small, table.verdicts summary"))
    assert re.search(r"skår \d+,\d\d", shown) and not re.search(r"skår -?\d+\.\d", shown)
    covered = nasty.settings.covered
    assert f"«Dekket» krever skår {covered:.1f}".replace(".", ",") in soup.select_one("#metode").get_text()



def test_the_summary_sentences_are_spaced(nasty):
    text = BeautifulSoup(report_html(nasty), "html.parser").select_one("#sammendrag p").get_text()
    assert "delvis. Bydelen skal handle" in " ".join(text.split())
