"""An advisor's corrections of the extraction: passages added as measures, finds refused."""

from alignment.ingest import read_document
from alignment.records import MeasureCorrection
from alignment.segment import extract_measures
from alignment.segment.corrections import ADDED_LAYOUT, apply_corrections

from ..builders import make_prose_plan


def _plan(tmp_path):
    document = read_document(make_prose_plan(tmp_path / "plan.txt"))
    return document, extract_measures(document)


def test_an_added_passage_is_a_measure_in_its_place_and_chapter(tmp_path):
    document, measures = _plan(tmp_path)
    passage = "Bydelen har i dag to ruskonsulenter og en utekontakt."
    corrected = apply_corrections(document, measures, (MeasureCorrection(passage, "Kari", "2026-12-06"),), ())
    [added] = [m for m in corrected if m.layout == ADDED_LAYOUT]
    assert added.text == passage and added.section == "2 Status og utfordringer" and added.line == 8
    assert len(corrected) == len(measures) + 1
    assert [m.id for m in corrected] == [f"M{n:02d}" for n in range(1, len(corrected) + 1)]
    assert [m.line for m in corrected] == sorted(m.line for m in corrected)


def test_a_refused_find_is_left_out_by_its_text(tmp_path):
    document, measures = _plan(tmp_path)
    refused = next(m for m in measures if "vakttelefon" in m.text)
    corrected = apply_corrections(document, measures, (), (MeasureCorrection(refused.text.upper() + "  "),))
    assert len(corrected) == len(measures) - 1 and all("vakttelefon" not in m.text for m in corrected)


def test_a_passage_not_in_the_plan_is_still_added_without_a_place(tmp_path):
    document, measures = _plan(tmp_path)
    corrected = apply_corrections(document, measures, (MeasureCorrection("Tilby HAP i bydelen."),), ())
    assert corrected[-1].text == "Tilby HAP i bydelen." and corrected[-1].line is None


def test_no_corrections_change_nothing(tmp_path):
    document, measures = _plan(tmp_path)
    assert apply_corrections(document, measures, (), ()) is measures
