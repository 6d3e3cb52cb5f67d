import json

from alignment.records import Measure
from alignment.render.data import analysis_json, analysis_json_text, comparison_json_text, measure_json

from ..fakes import keyword_analysis

MEASURES = [
    Measure("M01", "5.2", "TILBY HAP", "Bydelen skal tilby HAP til unge.", ("HBU", "NAV"), line=12),
    Measure("M02", "5.2", "", "Én fast kontaktperson for alle.", ("NAV",), line=14, frist="2025"),
    Measure("M03", "5.3", "", "Sommerfest i parken.", line=20),
]


def test_json_has_the_documented_keys():
    data = json.loads(analysis_json_text(keyword_analysis(MEASURES)))
    assert set(data) == {"plan", "model", "summary", "extraction", "tiltak", "measures", "checklist", "review"}
    assert set(data["extraction"]) == {"words", "measure_words", "uncertain", "warnings", "layouts", "chapters"}
    assert set(data["plan"]) == {"name", "source", "format"}
    assert len(data["tiltak"]) == 36 and data["summary"]["measures"] == 3
    hap = next(t for t in data["tiltak"] if t["id"] == "5.2.1 H")
    assert hap["status"] == "covered" and hap["decided_by"] == "model" and hap["review"] is None
    assert set(hap["evidence"][0]) == {"measure_id", "title", "text", "score", "embedding", "lexical", "added_by_reviewer"}
    assert [m["matches"][0]["tiltak_id"] for m in data["measures"][:2]] == ["5.2.1 H", "5.2.1 G"]
    assert data["measures"][2]["matches"] == []  # a local addition
    assert data["review"] is None


def test_summary_counts_agree_with_the_verdicts():
    analysis = keyword_analysis(MEASURES)
    data = analysis_json(analysis)
    statuses = [t["status"] for t in data["tiltak"]]
    assert data["summary"] == {s: statuses.count(s) for s in ("covered", "partial", "missing")} | {"measures": 3}


def test_measure_json_gives_units_as_a_list_and_the_location():
    assert measure_json(MEASURES[1]) == {
        "id": "M02", "section": "5.2", "title": "", "text": "Én fast kontaktperson for alle.", "ansvar": ["NAV"],
        "frist": "2025", "group": "", "location": {"line": 14, "page": None, "row": None}, "layout": "",
    }


def test_same_analysis_same_bytes_and_plain_utf8():
    text = analysis_json_text(keyword_analysis(MEASURES))
    assert text == analysis_json_text(keyword_analysis(MEASURES))
    assert "Én fast" in text and text.endswith("}\n")


def test_comparison_json_names_each_district(frogner_analysis):
    from alignment.compare import build_comparison

    comparison = build_comparison([frogner_analysis], ["frogner"], [], frogner_analysis.reference)
    data = json.loads(comparison_json_text(comparison))
    assert [d["name"] for d in data["districts"]] == ["Bydel Frogner"] and data["districts"][0]["report"] == "frogner.html"
    assert len(data["tiltak"]) == 36 and set(data["tiltak"][0]["districts"]) == {"Bydel Frogner"}
