"""Small plan files made in code: a DOCX with a MÅL/TILTAK/ANSVAR table, PDFs with text and tables."""

from __future__ import annotations

from pathlib import Path

TABLE_ROWS = [
    ("MÅL", "TILTAK", "ANSVAR"),
    ("TILBY HAP", "Bydelen skal tilby hasjavvenningsprogram til unge og voksne.", "HBU, NAV"),
    ("FAST KONTAKTPERSON", "Alle som mottar tjenester for rusproblemer får én fast kontaktperson.", "NAV"),
]


def make_docx(path: Path, rows=TABLE_ROWS, intro: str = "Innledning om bydelen og rusfeltet.") -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Strategi 2: Tidligere innsats", level=1)
    document.add_paragraph(intro)
    table = document.add_table(rows=0, cols=len(rows[0]))
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = value
    document.add_paragraph("Planen rulleres i 2026.")
    document.save(path)
    return path


def make_pdf(path: Path, lines: list[str], table_rows=None) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from reportlab.lib.styles import getSampleStyleSheet

    styles = getSampleStyleSheet()
    story = [Paragraph(line, styles["Normal"]) for line in lines]
    if table_rows:
        story.append(Spacer(1, 12))
        table = Table([list(r) for r in table_rows], colWidths=[120, 260, 80])
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story.append(table)
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story)
    return path


def make_image_pdf(path: Path) -> Path:
    """A PDF with no text layer, as a scanner makes them (a drawing stands in for the page image)."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), invariant=1)
    pdf.rect(72, 600, 300, 100, fill=1)
    pdf.save()
    return path
