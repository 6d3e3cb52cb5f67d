"""The prose reader: commitments in running text, in the chapters that hold measures."""

from alignment.ingest import read_document
from alignment.segment import extract_measures
from alignment.segment.prose import read_prose

from ..builders import PROSE_MEASURES, make_prose_pdf, make_prose_plan


def _texts(measures):
    return [m.text for m in measures]


def _found(measures, phrase):
    return [m for m in measures if phrase in m.text]


def test_every_commitment_in_the_measure_chapters_is_a_measure(tmp_path):
    measures = extract_measures(read_document(make_prose_plan(tmp_path / "plan.txt")))
    assert len(measures) == len(PROSE_MEASURES)
    for phrase in PROSE_MEASURES:
        assert len(_found(measures, phrase)) == 1, phrase


def test_background_chapters_give_no_measures(tmp_path):
    measures = extract_measures(read_document(make_prose_plan(tmp_path / "plan.txt")))
    text = " ".join(_texts(measures))
    for phrase in ("Velferdsetaten", "Regjeringen", "Politiet skal", "pårørendetilbud", "evalueres", "har i dag",
                   "Målet er"):
        assert phrase not in text


def test_two_commitments_in_one_sentence_are_two_measures(tmp_path):
    measures = extract_measures(read_document(make_prose_plan(tmp_path / "plan.txt")))
    [hours] = _found(measures, "faste åpne timer")
    [meetings] = _found(measures, "foreldremøter")
    assert "foreldremøter" not in hours.text and meetings.text.startswith("ruskonsulenten vil delta")


def test_a_unit_named_as_actor_is_ansvar_and_a_date_is_the_deadline(tmp_path):
    measures = extract_measures(read_document(make_prose_plan(tmp_path / "plan.txt")))
    [nav] = _found(measures, "jobbstøtte")
    [youth] = _found(measures, "åpningstiden")
    assert nav.ansvar == ("NAV Testdal",)
    assert youth.ansvar == ("Helsestasjon for ungdom",) and youth.frist == "innen 2026"
    assert all(m.title and m.section for m in measures)  # the chapter is the measure's context
    assert youth.title == "Forebygging" and youth.layout == "løpende tekst"


def test_bullets_under_a_commitment_lead_in_are_measures(tmp_path):
    measures = extract_measures(read_document(make_prose_plan(tmp_path / "plan.txt")))
    bullets = [m for m in measures if m.layout == "punkt i teksten"]
    assert [m.text for m in bullets] == ["tilby et kurs for å slutte med cannabis for ungdom og voksne",
                                         "etablere en pårørendegruppe i samarbeid med frivilligsentralen",
                                         "gi alle brukere en fast kontaktperson"]


def test_the_same_plan_as_pdf_gives_the_same_measures(tmp_path):
    text = extract_measures(read_document(make_prose_plan(tmp_path / "plan.txt")))
    pdf = extract_measures(read_document(make_prose_pdf(tmp_path / "plan.pdf")))
    assert _texts(pdf) == _texts(text)
    assert all(m.page == 1 for m in pdf)


def test_a_heading_in_bold_in_a_pdf_opens_a_background_chapter(tmp_path):
    document = read_document(make_prose_pdf(tmp_path / "plan.pdf"))
    headings = [line.text for line in document.lines if line.heading_level]
    assert "3 Byens og statens satsinger" in headings and "Side 1" not in headings


def test_prose_sentences_that_repeat_a_table_measure_are_left_out(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text("# Bydel Testby\n\n## 1 Tiltak\n\nBydelen vil opprette et FACT-team for unge voksne med "
                    "rusproblemer.\n\n| Tiltak | Ansvar |\n|---|---|\n| Opprette et FACT-team for unge voksne med "
                    "rusproblemer | HBU |\n", encoding="utf-8")
    measures = extract_measures(read_document(path))
    assert [(m.text, m.layout) for m in measures] == [
        ("Opprette et FACT-team for unge voksne med rusproblemer", "tabell 1")]


def test_a_plan_in_known_layouts_gets_nothing_from_prose():
    from ..conftest import FROGNER

    assert read_prose(read_document(FROGNER)) == [] or all(
        m.layout in ("løpende tekst", "punkt i teksten") for m in read_prose(read_document(FROGNER)))
    assert {m.layout for m in extract_measures(read_document(FROGNER))} == {"MÅL/TILTAK/ANSVAR"}
