from alignment.ingest import read_document
from alignment.segment.numbered import read_numbered


def test_numbered_tiltak_with_ansvar(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(
        "1 Innledning\nBydelen har mange innbyggere.\n\n2 Forebygging\n"
        "Tiltak 1: Bydelen tilbyr kurs for å slutte med cannabis\nfor unge og voksne.\nAnsvar: HBU, NAV\nFrist: 2025\n\n"
        "Tiltak 2: Én fast kontaktperson for alle.\nAnsvar: Helse, barn og unge\n",
        encoding="utf-8",
    )
    measures = read_numbered(read_document(path))
    assert [(m.text, m.ansvar, m.section) for m in measures] == [
        ("Bydelen tilbyr kurs for å slutte med cannabis for unge og voksne.", ["HBU", "NAV"], "2 Forebygging"),
        ("Én fast kontaktperson for alle.", ["Helse, barn og unge"], "2 Forebygging"),
    ]
    assert measures[0].frist == "2025"


def test_wrapped_ansvar_lines_are_joined(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("Tiltak 1: Kurs for foreldre\nAnsvar: Helse, barn og unge,\nNAV og Bydelsoverlegen\n", encoding="utf-8")
    assert read_numbered(read_document(path))[0].ansvar == ["Helse, barn og unge", "NAV", "Bydelsoverlegen"]
