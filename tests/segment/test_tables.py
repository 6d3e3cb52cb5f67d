from alignment.ingest import read_document
from alignment.segment.tables import read_tables

from ..builders import make_action_docx, make_action_pdf, make_docx, make_pdf


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


# --- action tables: merged cells, two measures in a cell, tables over several pages ---------------------------

def _rows(measures):
    return [(m.title, m.group, m.text, m.ansvar, m.frist) for m in measures]


EXPECTED_ACTION = [
    ("Forebygging", "Færre unge ruser seg", "Etablere foreldrekurs om cannabis for foreldre på 8. trinn.", ["HBU"], "2025"),
    ("Forebygging", "Færre unge ruser seg", "Tilby samtale med ruskonsulent til unge som tas med narkotika.", ["SLT"], "2025"),
    ("Forebygging", "Færre unge ruser seg", "Opprette en fast kontakt for politiet i bydelen.", ["SLT"], "2025"),
    ("Forebygging", "Flere får hjelp tidlig", "Videreføre åpen helsestasjon for ungdom.", ["HBU"], "2026"),
    ("Bolig", "Alle har et trygt hjem", "Kjøpe ti nye kommunale boliger.", ["Boligkontoret"], "2027"),
    ("Bolig", "Alle har et trygt hjem", "Prøve ut vakttelefon for beboere.", ["Bo-oppfølging"], "2026"),
]


def test_a_word_action_table_with_merged_cells_reads_every_row(tmp_path):
    assert _rows(read_tables(read_document(make_action_docx(tmp_path / "plan.docx")))) == EXPECTED_ACTION


def test_a_pdf_action_table_with_spans_reads_the_same(tmp_path):
    assert _rows(read_tables(read_document(make_action_pdf(tmp_path / "plan.pdf")))) == EXPECTED_ACTION


def test_a_table_over_several_pages_is_one_table(tmp_path):
    measures = read_tables(read_document(make_action_pdf(tmp_path / "plan.pdf", repeat=8)))
    assert len(measures) == 8 * len(EXPECTED_ACTION)
    assert len({m.page for m in measures}) > 1 and {m.layout for m in measures} == {"tabell 1"}
    assert _rows(measures[-len(EXPECTED_ACTION):]) == EXPECTED_ACTION


def test_a_row_broken_across_a_page_is_put_back_together(tmp_path):
    measures = read_tables(read_document(make_action_pdf(tmp_path / "plan.pdf", split_at=4)))
    assert [m.text for m in measures] == [row[2] for row in EXPECTED_ACTION]
    assert measures[4].ansvar == ["Boligkontoret"]


def test_a_cell_with_one_measure_over_two_lines_stays_one(tmp_path):
    rows = [("Mål", "Tiltak", "Ansvar"), ("Bedre hjelp", "Bydelen skal tilby HAP til unge\nog voksne i bydelen.", "HBU")]
    measures = read_tables(read_document(make_docx(tmp_path / "plan.docx", rows=rows)))
    assert [m.text for m in measures] == ["Bydelen skal tilby HAP til unge og voksne i bydelen."]


def test_a_cell_with_two_action_sentences_is_two_measures(tmp_path):
    rows = [("Mål", "Tiltak", "Ansvar"),
            ("Bedre hjelp", "Etablere en pårørendegruppe. Tilby kurs i mestring for pårørende.", "HBU"),
            ("Trygg bolig", "Kjøpe tolv boliger. Dette skal skje i samarbeid med Boligbygg.", "BK")]
    measures = read_tables(read_document(make_docx(tmp_path / "plan.docx", rows=rows)))
    assert [m.text for m in measures] == ["Etablere en pårørendegruppe.", "Tilby kurs i mestring for pårørende.",
                                          "Kjøpe tolv boliger. Dette skal skje i samarbeid med Boligbygg."]


def test_a_pdf_row_without_a_rule_under_it_is_read(tmp_path):
    """A row cut by a page break has no bottom rule; its text must not vanish with it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    rows = [["Mål", "Tiltak", "Ansvar"], ["Bedre hjelp", "Tilby HAP til unge.", "HBU"],
            ["Trygg bolig", "Kjøpe tolv nye boliger.", "BK"]]
    style = TableStyle([("LINEABOVE", (0, 0), (-1, -1), 0.5, "black"), ("LINEBEFORE", (0, 0), (-1, -1), 0.5, "black"),
                        ("LINEAFTER", (-1, 0), (-1, -1), 0.5, "black")])
    path = tmp_path / "plan.pdf"
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build([Table(rows, colWidths=[120, 260, 80], style=style)])
    assert [m.text for m in read_tables(read_document(path))] == ["Tilby HAP til unge.", "Kjøpe tolv nye boliger."]


def test_listed_measures_in_a_word_cell_are_one_measure_each(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Tiltak", "Ansvar"
    cell = table.cell(1, 0)
    cell.text = "Alle som tar kontakt, får time innen 14 dager."
    cell.add_paragraph("Hver bruker får én fast kontaktperson.", style="List Bullet")
    cell.paragraphs[0].style = document.styles["List Bullet"]
    table.cell(1, 1).text = "NAV"
    document.save(tmp_path / "plan.docx")
    measures = read_tables(read_document(tmp_path / "plan.docx"))
    assert [m.text for m in measures] == ["Alle som tar kontakt, får time innen 14 dager.",
                                          "Hver bruker får én fast kontaktperson."]


def test_a_goal_card_read_down_its_first_column_gives_its_measures(tmp_path):
    """'Mål | …', 'Tiltak | …', 'Ansvar | …', 'Frist | …': one small table per goal, labels in the first column."""
    rows = [("Mål", "Færre unge begynner å ruse seg"), ("Tiltak", "Etablere foreldrekurs om cannabis.\nTilby samtale "
            "med ruskonsulent til unge som tas med narkotika."), ("Ansvar", "HBU, NAV"), ("Frist", "2026")]
    measures = read_tables(read_document(make_docx(tmp_path / "plan.docx", rows=rows)))
    assert [(m.title, m.text, m.ansvar, m.frist) for m in measures] == [
        ("Færre unge begynner å ruse seg", "Etablere foreldrekurs om cannabis.", ["HBU", "NAV"], "2026"),
        ("Færre unge begynner å ruse seg", "Tilby samtale med ruskonsulent til unge som tas med narkotika.",
         ["HBU", "NAV"], "2026")]
