"""Build the fictional evaluation drafts from their YAML sources.

    fjellvik.yaml   -> fjellvik.docx   (python-docx, one Word table per strategy: MÅL | TILTAK | ANSVAR)
    elvebakken.yaml -> elvebakken.pdf  (reportlab, text layer, "Tiltak N:" / "Ansvar:" / "Frist:")

solhogda.txt is authored directly as text and is not built.

Output is deterministic: fixed document dates, reportlab invariant mode, and the
.docx zip is rewritten with fixed member timestamps.

Run:  .venv/bin/python data/eval/drafts/build_drafts.py
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
FIXED_DATE = dt.datetime(2024, 6, 1, 12, 0, 0)
ZIP_DATE = (2024, 6, 1, 12, 0, 0)


def load(name: str) -> dict:
    with open(HERE / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


# --------------------------------------------------------------------------- DOCX

def bold_cell(cell, text: str) -> None:
    cell.text = ""
    run = cell.paragraphs[0].add_run(text)
    run.bold = True


def normalise_zip(path: Path, date_time: tuple = ZIP_DATE) -> None:
    """Rewrite a zip with [Content_Types].xml first and fixed timestamps (the other builders use it too)."""
    with zipfile.ZipFile(path) as zin:
        members = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        # [Content_Types].xml first, as Word expects; the rest in original order.
        members.sort(key=lambda m: m[0] != "[Content_Types].xml")
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, data)
    path.write_bytes(buf.getvalue())


def save_docx(doc, out: Path, title: str, author: str, fixed_date: dt.datetime = FIXED_DATE,
              zip_date: tuple = ZIP_DATE) -> None:
    """Save a Word draft that is the same bytes every build: fixed document properties and zip timestamps."""
    cp = doc.core_properties
    cp.title = title
    cp.author = author
    cp.last_modified_by = author
    cp.revision = 1
    cp.created = cp.modified = cp.last_printed = fixed_date
    doc.save(out)
    normalise_zip(out, zip_date)


def build_docx(src: dict, out: Path) -> None:
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2.2)
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)

    doc.add_heading(src["title"], level=0)
    doc.add_paragraph(src["subtitle"]).runs[0].bold = True

    doc.add_heading(src["intro_heading"], level=1)
    for para in src["intro"]:
        doc.add_paragraph(para)

    doc.add_heading(src["figures_heading"], level=1)
    for line in src["figures"]:
        doc.add_paragraph(line, style="List Bullet")

    doc.add_heading(src["measures_heading"], level=1)
    doc.add_paragraph(src["abbreviations"])

    widths = (Cm(4.2), Cm(9.4), Cm(3.0))
    for sec in src["sections"]:
        doc.add_heading(sec["heading"], level=2)
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, label in zip(table.rows[0].cells, ("MÅL", "TILTAK", "ANSVAR")):
            bold_cell(cell, label)
        for row in sec["rows"]:
            cells = table.add_row().cells
            cells[0].text = row["mal"]
            cells[1].text = row["tiltak"]
            cells[2].text = row["ansvar"]
        for r in table.rows:
            for cell, w in zip(r.cells, widths):
                cell.width = w
        doc.add_paragraph()

    for para in src.get("closing", []):
        doc.add_paragraph(para)

    save_docx(doc, out, f"{src['title']} – {src['subtitle']}", "Bydel Fjellvik")


# --------------------------------------------------------------------------- PDF

def pdf_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_pdf(src: dict, out: Path) -> None:
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10.5, leading=14,
                          alignment=TA_LEFT, spaceAfter=6)
    title = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=20, leading=24,
                           spaceAfter=4)
    subtitle = ParagraphStyle("subtitle", fontName="Helvetica", fontSize=14, leading=18,
                              spaceAfter=16)
    h1 = ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=13, leading=17,
                        spaceBefore=12, spaceAfter=6)
    figure = ParagraphStyle("figure", parent=body, leftIndent=12, spaceAfter=2)
    measure = ParagraphStyle("measure", parent=body, spaceBefore=6, spaceAfter=1)
    meta = ParagraphStyle("meta", parent=body, leftIndent=12, spaceAfter=1)

    def footer(canvas, doc_):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(A4[0] - 2.5 * cm, 1.5 * cm, f"Side {doc_.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(out), pagesize=A4,
        leftMargin=2.5 * cm, rightMargin=2.5 * cm, topMargin=2.2 * cm, bottomMargin=2.2 * cm,
        title=f"{src['title']} – {src['subtitle']}", author=src["title"],
        subject="Ruspolitisk handlingsplan", creator="build_drafts.py",
        invariant=1,
    )

    story = [Paragraph(pdf_text(src["title"]), title), Paragraph(pdf_text(src["subtitle"]), subtitle)]
    story.append(Paragraph(pdf_text(src["intro_heading"]), h1))
    story += [Paragraph(pdf_text(p), body) for p in src["intro"]]
    story.append(Paragraph(pdf_text(src["figures_heading"]), h1))
    story += [Paragraph("– " + pdf_text(f), figure) for f in src["figures"]]
    story.append(Spacer(1, 6))

    n = 0
    for sec in src["sections"]:
        story.append(Paragraph(pdf_text(sec["heading"]), h1))
        for m in sec["measures"]:
            n += 1
            block = [Paragraph(f"<b>Tiltak {n}:</b> {pdf_text(m['text'])}", measure),
                     Paragraph(f"Ansvar: {pdf_text(m['ansvar'])}", meta)]
            if m.get("frist"):
                block.append(Paragraph(f"Frist: {pdf_text(str(m['frist']))}", meta))
            story.append(KeepTogether(block))  # a measure never splits across pages

    story.append(Spacer(1, 10))
    story += [Paragraph(pdf_text(p), body) for p in src.get("closing", [])]
    doc.build(story, onFirstPage=footer, onLaterPages=footer)


def main() -> None:
    build_docx(load("fjellvik.yaml"), HERE / "fjellvik.docx")
    build_pdf(load("elvebakken.yaml"), HERE / "elvebakken.pdf")
    print("wrote", HERE / "fjellvik.docx")
    print("wrote", HERE / "elvebakken.pdf")


if __name__ == "__main__":
    main()
