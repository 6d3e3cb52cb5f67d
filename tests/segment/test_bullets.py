from alignment.ingest import read_document
from alignment.segment.bullets import read_bullets


def test_bullets_only_under_measure_headings(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text(
        "## Forebygging\n### Utfordringer\n- Økende hasjbruk\n### Tiltak\n- Kurs for foreldre (Ansvar: HBU)\n"
        "- Fast kontaktperson\n  for alle brukere\n## Nøkkeltall\n- 27 uten bolig\n",
        encoding="utf-8",
    )
    measures = read_bullets(read_document(path))
    assert [(m.text, m.ansvar, m.section) for m in measures] == [
        ("Kurs for foreldre", ["HBU"], "Forebygging"),
        ("Fast kontaktperson for alle brukere", [], "Forebygging"),
    ]


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
    measures = read_bullets(read_document(path))
    assert [(m.text, m.section) for m in measures] == [
        ("Kurs for foreldre om cannabis", "Forebygging"), ("Fast kontaktperson for alle", "Forebygging")
    ]


def test_plain_tiltak_line_starts_a_bullet_list(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("2 Forebygging\nVi har mange unge.\nTiltak\n• Kurs for foreldre\n• Fast kontaktperson\n"
                    "Utfordringer\n• Økende hasjbruk\n", encoding="utf-8")
    assert [m.text for m in read_bullets(read_document(path))] == ["Kurs for foreldre", "Fast kontaktperson"]
