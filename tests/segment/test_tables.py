from alignment.ingest import read_document
from alignment.segment.tables import read_tables

from ..builders import make_docx, make_pdf


def test_docx_table_rows_are_measures(tmp_path):
    measures = read_tables(read_document(make_docx(tmp_path / "plan.docx")))
    assert [(m.title, m.ansvar) for m in measures] == [("TILBY HAP", ["HBU", "NAV"]), ("FAST KONTAKTPERSON", ["NAV"])]
    assert measures[0].section == "Strategi 2: Tidligere innsats"


def test_pdf_table_rows_are_measures(tmp_path):
    rows = [("Mål", "Tiltak", "Ansvar"), ("Bedre hjelp", "Tilby HAP i bydelen.", "HBU")]
    path = make_pdf(tmp_path / "plan.pdf", ["Strategi 1: Forebygging", "Vi vil mye."], rows)
    measures = read_tables(read_document(path))
    assert [(m.title, m.text, m.ansvar, m.page) for m in measures] == [("Bedre hjelp", "Tilby HAP i bydelen.", ["HBU"], 1)]


def test_pdf_table_takes_the_heading_above_it(tmp_path):
    rows = [("Mål", "Tiltak", "Ansvar"), ("Bedre hjelp", "Tilby HAP i bydelen.", "HBU")]
    path = make_pdf(tmp_path / "plan.pdf", ["1 Innledning", "Litt tekst.", "4 Økt livskvalitet", "Vi vil mye."], rows)
    measure = read_tables(read_document(path))[0].freeze("M01")
    assert measure.section == "4 Økt livskvalitet" and measure.location == "side 1, tabell 1, rad 1"


def test_a_table_without_a_tiltak_column_holds_no_measures(tmp_path):
    rows = [("År", "Antall"), ("2020", "27"), ("2021", "31")]
    assert read_tables(read_document(make_docx(tmp_path / "tall.docx", rows=rows))) == []


def test_markdown_pipe_table_rows_are_measures(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text("# Bydel Testby\n\n## 4 Tidlig innsats\n\n| MÅL | TILTAK | ANSVAR |\n|---|---|---|\n"
                    "| Tilby HAP | Bydelen skal tilby HAP til unge | HBU, NAV |\n", encoding="utf-8")
    measures = read_tables(read_document(path))
    assert [(m.title, m.text, m.ansvar, m.section) for m in measures] == [
        ("Tilby HAP", "Bydelen skal tilby HAP til unge", ["HBU", "NAV"], "4 Tidlig innsats")]
