"""The account of an extraction: chapters read as measures or background, and the warnings every output shows."""

import pytest

from alignment.errors import NotAPlanError, NothingFoundError
from alignment.ingest import read_document
from alignment.records import Document, Line
from alignment.segment import extract_measures
from alignment.segment.account import account_extraction, ensure_measures, refuse_non_plan

from ..builders import make_prose_plan
from ..conftest import FROGNER


def _account(path, without=frozenset()):
    document = read_document(path)
    return account_extraction(document, extract_measures(document, without))


def test_a_plan_read_well_has_no_warnings():
    account = _account(FROGNER)
    assert account.warnings == () and not account.uncertain
    assert account.layouts == (("MÅL/TILTAK/ANSVAR", 45),)


def test_chapters_say_what_they_were_read_as(tmp_path):
    account = _account(make_prose_plan(tmp_path / "plan.txt"))
    roles = {c.heading: (c.role, c.measures) for c in account.chapters}
    assert roles["2 Status og utfordringer"] == ("bakgrunn", 0)
    assert roles["3 Byens og statens satsinger"] == ("bakgrunn", 0)
    assert roles["4 Forebygging"] == ("tiltak", 4)
    assert roles["5 Tidlig innsats"] == ("tiltak", 5)
    assert 0 < account.measure_words < account.words


def test_a_thin_reading_of_a_long_plan_is_a_warning(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(("Bydelen har mange innbyggere og et godt tjenestetilbud innen rus og psykisk helse. " * 120)
                    + "\n\nTiltak\n- Etablere en pårørendegruppe\n", encoding="utf-8")
    account = _account(path)
    assert [w.code for w in account.warnings] == ["few_measures"]
    assert "bare 1 tiltak" in account.warnings[0].message


def test_commitments_in_a_background_chapter_are_pointed_out(tmp_path):
    path = tmp_path / "plan.txt"
    sentences = " ".join(f"Bydelen vil etablere tilbud nummer {n} for unge." for n in range(4))
    path.write_text(f"1 Innledning\n{sentences}\n\n2 Tiltak\nBydelen skal tilby HAP til unge og voksne.\n", encoding="utf-8")
    account = _account(path)
    assert [w.code for w in account.warnings] == ["unread_commitments"]
    assert "«1 Innledning» (4)" in account.warnings[0].message


def test_no_measures_is_a_warning_and_a_refusal(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("Bydel Testby. Handlingsplan for rusfeltet. Forebygging og oppfølging av unge med rusproblemer "
                    "er viktig for bydelen og for pårørende.\n", encoding="utf-8")
    document = read_document(path)
    assert [w.code for w in account_extraction(document, ()).warnings] == ["no_measures"]
    refuse_non_plan(document, (), "plan.txt")  # a plan, only unreadable to the tool
    with pytest.raises(NothingFoundError, match="fant ingen tiltak"):
        ensure_measures(document, (), "plan.txt")


def test_a_file_that_is_not_a_plan_is_refused_with_one_line():
    recipe = Document("oppskrift", "oppskrift.txt", "txt", (Line("Visp egg og melk sammen, tilsett mel og salt.", 1),))
    with pytest.raises(NotAPlanError, match="ser ikke ut som en plan for rusfeltet"):
        refuse_non_plan(recipe, (), "oppskrift.txt")
