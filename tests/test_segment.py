from alignment.ingest import read_document
from alignment.segment import extract_measures, split_units

from .builders import make_docx, make_pdf
from .conftest import ALNA, FROGNER, FROGNER_OCR


def _find(measures, needle):
    found = [m for m in measures if needle in f"{m.title} {m.text}"]
    assert found, f"no measure contains {needle!r}"
    return found[0]


def test_frogner_flattened_table():
    measures = extract_measures(read_document(FROGNER))
    assert len(measures) == 45
    hap = _find(measures, "TILBY HAP")
    assert hap.title == "TILBY HAP (HASJAVVENNINGS-PROGRAM)"
    assert hap.text.startswith("Bydelen skal tilby HAP-veiledning til unge og voksne.")
    assert hap.text.endswith("ansatte på Kastanjen Aktivitetshus")
    assert hap.ansvar == ["HBU", "NAV"]
    assert hap.section.startswith("5.1 Strategi 1")
    assert hap.line == 711
    contact = _find(measures, "HA ÉN FAST KONTAKTPERSON")
    assert contact.title == "HA ÉN FAST KONTAKTPERSON I BYDEL" and contact.ansvar == ["NAV", "KE"]
    # a text split by a page break is put back together, units included
    last = measures[-1]
    assert last.title == "NYE BEBOERE MÅ KARTLEGGES OG VURDERES OPP MOT EKSISTERENDE BOMILJØ FØR BOSETTING"
    assert last.text.endswith("eksisterende bomiljøet.") and last.ansvar == ["NAV", "TTJ"]


def test_frogner_intro_prose_and_statistics_are_not_measures():
    measures = extract_measures(read_document(FROGNER))
    assert all(m.section.startswith(("5.1", "5.2", "5.3")) for m in measures)
    assert not [m for m in measures if "Ungdata" in m.text]


def test_frogner_ocr_columns_are_paired():
    measures = extract_measures(read_document(FROGNER_OCR))
    assert len(measures) == 45  # as many as in the clean text
    hap = _find(measures, "TILBY HAP")
    assert hap.text.startswith("Bydelen skal tilby HAP-veiledning")
    ip = _find(measures, "STYRKE BRUK AV INDIVIDUELL")
    assert ip.text.startswith("Ruskonsulent og boppfglgere")
    row = _find(measures, "DEKKE ETTERSP@RSELEN")
    assert row.title == "DEKKE ETTERSP@RSELEN ETTER BOLIGER TIL VANSKELIGSTILTE."
    assert row.text.startswith("NAV skal gjennomfgre et prosjekt") and row.ansvar == ["NAV"]


def test_alna_development_lists():
    measures = extract_measures(read_document(ALNA))
    assert len(measures) == 45
    texts = [m.text for m in measures]
    assert "Utvikle felles kompetanseplan og handlingssti for alle barn- og unge tjenestene" in texts
    first = measures[0]
    assert first.text.startswith("Fokus pa & identifisere barn og unge")  # OCR bullet 'e' removed
    assert first.section.startswith("4.1 Spesielle")
    assert not [t for t in texts if "skolevegring som meldes" in t]  # Utfordringsbilde is not a measure
    assert not [t for t in texts if "Byradets strategiske plan" in t]  # nor the appendix
    wrapped = _find(measures, "Utrede behov for tverrfaglig ambulant team")
    assert wrapped.text.endswith("for sammensatte tjenester")
    assert {m.group for m in measures} == {"Utviklingsomrade", "Nye tiltak"}


def test_numbered_tiltak_with_ansvar(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(
        "1 Innledning\nBydelen har mange innbyggere.\n\n2 Forebygging\n"
        "Tiltak 1: Bydelen tilbyr kurs for å slutte med cannabis\nfor unge og voksne.\nAnsvar: HBU, NAV\nFrist: 2025\n\n"
        "Tiltak 2: Én fast kontaktperson for alle.\nAnsvar: Helse, barn og unge\n",
        encoding="utf-8",
    )
    measures = extract_measures(read_document(path))
    assert [(m.text, m.ansvar, m.section) for m in measures] == [
        ("Bydelen tilbyr kurs for å slutte med cannabis for unge og voksne.", ["HBU", "NAV"], "2 Forebygging"),
        ("Én fast kontaktperson for alle.", ["Helse, barn og unge"], "2 Forebygging"),
    ]
    assert measures[0].frist == "2025"


def test_docx_table_rows_are_measures(tmp_path):
    measures = extract_measures(read_document(make_docx(tmp_path / "plan.docx")))
    assert [(m.title, m.ansvar) for m in measures] == [("TILBY HAP", ["HBU", "NAV"]), ("FAST KONTAKTPERSON", ["NAV"])]
    assert measures[0].section == "Strategi 2: Tidligere innsats"


def test_pdf_table_rows_are_measures(tmp_path):
    rows = [("Mål", "Tiltak", "Ansvar"), ("Bedre hjelp", "Tilby HAP i bydelen.", "HBU")]
    path = make_pdf(tmp_path / "plan.pdf", ["Strategi 1: Forebygging", "Vi vil mye."], rows)
    measures = extract_measures(read_document(path))
    assert [(m.title, m.text, m.ansvar, m.page) for m in measures] == [("Bedre hjelp", "Tilby HAP i bydelen.", ["HBU"], 1)]


def test_bullets_only_under_measure_headings(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text(
        "## Forebygging\n### Utfordringer\n- Økende hasjbruk\n### Tiltak\n- Kurs for foreldre (Ansvar: HBU)\n"
        "- Fast kontaktperson\n  for alle brukere\n## Nøkkeltall\n- 27 uten bolig\n",
        encoding="utf-8",
    )
    measures = extract_measures(read_document(path))
    assert [(m.text, m.ansvar, m.section) for m in measures] == [
        ("Kurs for foreldre", ["HBU"], "Forebygging"),
        ("Fast kontaktperson for alle brukere", [], "Forebygging"),
    ]


def test_prose_without_measures_gives_none(tmp_path):
    path = tmp_path / "roman.txt"
    path.write_text("Det var en gang en bydel.\n\nDen hadde mange innbyggere og en park.\n", encoding="utf-8")
    assert extract_measures(read_document(path)) == []


def test_split_units():
    assert split_units("NAV, HBU og TTJ") == ["NAV", "HBU", "TTJ"]
    assert split_units("Helse, barn og unge, Barnevernet") == ["Helse, barn og unge", "Barnevernet"]


def test_word_list_items_under_a_tiltak_heading(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Forebygging", level=1)
    document.add_paragraph("Bydelen har mange unge.")
    document.add_heading("Tiltak", level=2)
    document.add_paragraph("Kurs for foreldre om cannabis", style="List Bullet")
    document.add_paragraph("Fast kontaktperson for alle", style="List Number")
    document.add_heading("Utfordringer", level=2)
    document.add_paragraph("Økende hasjbruk", style="List Bullet")
    path = tmp_path / "plan.docx"
    document.save(path)
    measures = extract_measures(read_document(path))
    assert [(m.text, m.section) for m in measures] == [
        ("Kurs for foreldre om cannabis", "Forebygging"), ("Fast kontaktperson for alle", "Forebygging")
    ]


def test_plain_tiltak_line_starts_a_bullet_list(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("2 Forebygging\nVi har mange unge.\nTiltak\n• Kurs for foreldre\n• Fast kontaktperson\n"
                    "Utfordringer\n• Økende hasjbruk\n", encoding="utf-8")
    assert [m.text for m in extract_measures(read_document(path))] == ["Kurs for foreldre", "Fast kontaktperson"]


def test_numbered_items_in_a_development_list(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("4.1 Barn og unge\nNye tiltak\n1. Bydelen skal tilby HAP til unge og voksne\n"
                    "2. Bydelen skal gi alle en fast kontaktperson i bydelen\n", encoding="utf-8")
    texts = [m.text for m in extract_measures(read_document(path))]
    assert texts == ["Bydelen skal tilby HAP til unge og voksne", "Bydelen skal gi alle en fast kontaktperson i bydelen"]


def test_numbered_tiltak_under_nye_tiltak_are_read_once(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("4.1 Barn og unge\nNye tiltak\nTiltak 1: Kurs for foreldre\nAnsvar: Helse, barn og unge,\n"
                    "NAV og Bydelsoverlegen\nTiltak 2: Fast kontaktperson\nAnsvar: NAV\n", encoding="utf-8")
    measures = extract_measures(read_document(path))
    assert [(m.text, m.ansvar) for m in measures] == [
        ("Kurs for foreldre", ["Helse, barn og unge", "NAV", "Bydelsoverlegen"]),
        ("Fast kontaktperson", ["NAV"]),
    ]


def test_pdf_table_takes_the_heading_above_it(tmp_path):
    rows = [("Mål", "Tiltak", "Ansvar"), ("Bedre hjelp", "Tilby HAP i bydelen.", "HBU")]
    path = make_pdf(tmp_path / "plan.pdf", ["1 Innledning", "Litt tekst.", "4 Økt livskvalitet", "Vi vil mye."], rows)
    measures = extract_measures(read_document(path))
    assert measures[0].section == "4 Økt livskvalitet" and measures[0].location == "side 1, tabell 1, rad 1"
