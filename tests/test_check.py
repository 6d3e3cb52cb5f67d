"""The library's front door: check_plan reads, extracts and matches; writing is a separate step."""

from alignment.check import check_plan, extract
from alignment.records import Analysis
from alignment.render.review_file import review_file
from alignment.reference import load_reference

from .conftest import FROGNER


def test_check_plan_returns_an_analysis_and_writes_nothing(small_matcher, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    analysis = check_plan(FROGNER, reference=load_reference(), matcher=small_matcher)
    assert isinstance(analysis, Analysis) and analysis.measures == extract(FROGNER)[1]
    assert analysis.plan.title == "Bydel Frogner" and analysis.review is None
    assert list(tmp_path.iterdir()) == []


def test_check_plan_applies_a_review_file(small_matcher, frogner_analysis, tmp_path):
    from .test_review import decide

    review = tmp_path / "frogner.review.yaml"
    review.write_text(review_file(frogner_analysis), encoding="utf-8")
    decide(review, "5.3.5 A", status="covered", reviewer='"Kari"')
    analysis = check_plan(FROGNER, reference=load_reference(), matcher=small_matcher, review=review)
    assert analysis.verdict("5.3.5 A").decided_by == "reviewer" and analysis.review.source == str(review)
