import json

import pytest
from bs4 import BeautifulSoup

from alignment.ingest import Document
from alignment.match import DEFAULT_SETTINGS, Matcher
from alignment.reference import load_reference
from alignment.report import GapReport
from alignment.segment import Measure

from .test_match import KeywordEmbedder

NASTY = ['<script>alert(1)</script> Tilby HAP', '"><img src=x onerror=alert(1)> kontaktperson', "{{ 7*7 }} sommerfest"]


@pytest.fixture
def report():
    reference = load_reference()
    measures = [Measure(f"M0{i + 1}", "5.1 <b>Strategi</b>", "MÅL <i>", text, ["NAV"]) for i, text in enumerate(NASTY)]
    verdicts, matches = Matcher(KeywordEmbedder()).fit(reference.tiltak).match(measures)
    document = Document("plan<script>", "/tmp/plan<script>.txt", "txt")
    return GapReport(document, measures, verdicts, matches, reference, "keywords", DEFAULT_SETTINGS)


def test_json_has_the_documented_keys(report):
    data = json.loads(report.json_text)
    assert set(data) >= {"plan", "tiltak", "measures"}
    assert set(data["plan"]) >= {"name", "source"}
    assert len(data["tiltak"]) == 36
    first = data["tiltak"][0]
    assert set(first) >= {"id", "section", "letter", "text", "owner", "status", "score", "evidence"}
    hap = next(t for t in data["tiltak"] if t["id"] == "5.2.1 H")
    assert hap["status"] == "covered"
    assert set(hap["evidence"][0]) >= {"measure_id", "text", "score"}
    measure = data["measures"][0]
    assert set(measure) >= {"id", "section", "title", "text", "ansvar", "matches"}
    assert measure["matches"][0]["tiltak_id"] == "5.2.1 H"
    assert data["measures"][2]["matches"] == []


def test_html_lists_every_tiltak_with_status_words(report):
    soup = BeautifulSoup(report.html, "html.parser")
    rows = soup.select("table.verdicts tbody tr")
    assert len(rows) == 36
    hap = soup.select_one("#tiltak-5-2-1-H")
    assert hap.th.get_text(strip=True) == "5.2.1 H"
    assert hap.select_one(".badge").get_text(strip=True) == "Dekket"
    assert "Tilby HAP" in hap.select_one(".evidence").get_text()
    assert [h.get_text() for h in soup.select("h2, h3")][:3] == [
        "Sammendrag", "Byrådets tiltak, ett for ett", "5.1.1 Byrådets tiltak for forebyggingsoffensiv"
    ]
    local = soup.select("table.local tbody tr")
    assert [r.th.get_text() for r in local] == ["M03"]


def test_plan_text_is_escaped_everywhere(report):
    html = report.html
    soup = BeautifulSoup(html, "html.parser")
    assert _only_our_script(soup) and not soup.find_all("img") and not soup.find_all("b") and not soup.find_all("i")
    assert "<script>alert(1)</script>" in soup.get_text()
    assert "{{ 7*7 }} sommerfest" in soup.get_text() and "49 sommerfest" not in soup.get_text()
    assert "plan<script>" in soup.title.get_text()


def _only_our_script(soup):
    scripts = soup.find_all("script")
    return len(scripts) == 1 and scripts[0].get_text().startswith("// Filters and search for the reports")


def test_html_is_self_contained(report):
    soup = BeautifulSoup(report.html, "html.parser")
    assert soup.find("style") and not soup.find_all("link") and "http://" not in report.html.replace("https://ai.google.dev", "")


def test_write_replaces_whole_files_and_leaves_no_temp_files(report, tmp_path):
    paths = report.write(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan<script>.html", "plan<script>.json"]
    assert all(p.read_text(encoding="utf-8") for p in paths)


def test_failed_write_keeps_the_previous_report(report, tmp_path, monkeypatch):
    from alignment import report as report_module
    from alignment.errors import OutputError

    report.write(tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report_module.os, "fsync", full_disk)
    with pytest.raises(OutputError, match="den forrige er urørt"):
        report.write(tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_same_input_gives_identical_output(report):
    assert report.html == report.html and report.json_text == GapReport(
        report.document, report.measures, report.verdicts, report.matches, report.reference, report.model, report.settings
    ).json_text
