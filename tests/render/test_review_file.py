import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from alignment.records import Measure
from alignment.render.review_file import review_file
from alignment.review import parse_review

from ..fakes import keyword_analysis

MEASURES = [
    Measure("M01", "5.2", "TILBY HAP", "Bydelen skal tilby HAP til unge.", ("HBU",)),
    Measure("M02", "5.2", "", 'Fast kontaktperson: «alle» skal ha "én"', ("NAV",)),
]


def test_template_lists_every_tiltak_and_the_measures_then():
    analysis = keyword_analysis(MEASURES)
    text = review_file(analysis)
    assert text.startswith("# Vurderingsfil for plan\n")
    data = yaml.safe_load(text)
    assert list(data["tiltak"]) == [t.id for t in analysis.reference.tiltak]
    assert data["tiltak"]["5.2.1 H"]["maskin"] == {"status": "covered", "evidence": ["M01"]}
    assert data["tiltak"]["5.2.1 H"]["status"] is None and data["tiltak"]["5.2.1 H"]["evidence"] == []
    assert data["tiltak_i_planen"] == {"M01": "TILBY HAP Bydelen skal tilby HAP til unge.",
                                       "M02": 'Fast kontaktperson: «alle» skal ha "én"'}


def test_template_reads_back_as_an_empty_review():
    analysis = keyword_analysis(MEASURES)
    review = parse_review(review_file(analysis), "plan.review.yaml", [t.id for t in analysis.reference.tiltak])
    assert all(decision.is_empty for decision in review.decisions.values())
    assert review.machine_evidence["5.2.1 H"] == ("M01",) and review.plan == "plan.txt"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_reads_back_exactly(text):
    from alignment.render.review_file import _quoted

    assert yaml.safe_load(f"a: {_quoted(text)}\n") == {"a": text}


def test_same_file_as_the_yaml_dumper_would_read():
    analysis = keyword_analysis(MEASURES)
    assert yaml.safe_load(review_file(analysis))["tiltak_i_planen"]["M02"] == 'Fast kontaktperson: «alle» skal ha "én"'
