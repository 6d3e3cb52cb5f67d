from alignment.ingest import read_document
from alignment.segment import extract_measures
from alignment.segment.flattened import read_flattened_tables

from . import find_measure
from ..conftest import FROGNER, FROGNER_MEASURES


def test_frogner_flattened_table():
    measures = extract_measures(read_document(FROGNER))
    assert len(measures) == FROGNER_MEASURES
    hap = find_measure(measures, "TILBY HAP")
    assert hap.title == "TILBY HAP (HASJAVVENNINGS-PROGRAM)"
    assert hap.text.startswith("Bydelen skal tilby HAP-veiledning til unge og voksne.")
    assert hap.text.endswith("ansatte på Kastanjen Aktivitetshus")
    assert hap.ansvar == ("HBU", "NAV")
    assert hap.section.startswith("5.1 Strategi 1")
    assert hap.line == 711
    contact = find_measure(measures, "HA ÉN FAST KONTAKTPERSON")
    assert contact.title == "HA ÉN FAST KONTAKTPERSON I BYDEL" and contact.ansvar == ("NAV", "KE")
    # a text split by a page break is put back together, units included
    last = measures[-1]
    assert last.title == "NYE BEBOERE MÅ KARTLEGGES OG VURDERES OPP MOT EKSISTERENDE BOMILJØ FØR BOSETTING"
    assert last.text.endswith("eksisterende bomiljøet.") and last.ansvar == ("NAV", "TTJ")


def test_every_frogner_measure_comes_from_the_row_reader():
    assert len(read_flattened_tables(read_document(FROGNER))) == FROGNER_MEASURES


def test_frogner_intro_prose_and_statistics_are_not_measures():
    measures = extract_measures(read_document(FROGNER))
    assert all(m.section.startswith(("5.1", "5.2", "5.3")) for m in measures)
    assert not [m for m in measures if "Ungdata" in m.text]


def test_a_row_with_title_text_and_unit_on_one_line(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("5.1 Strategi 1: Forebygging\nMÅL TILTAK ANSVAR\nTILBY HAP Bydelen skal tilby HAP til unge. HBU\n"
                    "FAST KONTAKTPERSON Alle får én fast kontaktperson. NAV\n", encoding="utf-8")
    measures = read_flattened_tables(read_document(path))
    assert [(m.title, m.text, m.ansvar) for m in measures] == [
        ("TILBY HAP", "Bydelen skal tilby HAP til unge.", ["HBU"]),
        ("FAST KONTAKTPERSON", "Alle får én fast kontaktperson.", ["NAV"]),
    ]
