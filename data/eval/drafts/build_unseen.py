"""Build the "unseen" fictional evaluation plans from their YAML sources.

    bekkedal.yaml -> bekkedal.pdf   prose plan, reportlab, A4 portrait, text layer
    storskog.yaml -> storskog.docx  intro in portrait + landscape "handlingsdel" table
                  -> storskog.pdf   the same content with reportlab (landscape table pages)
    myrvang.yaml  -> myrvang.docx   mixed plan: prose, a "List Bullet" list and a small table

These plans were written (with their gold labels in ../gold/) without looking at the
extraction code, so that they test a new reader on layouts it was not designed around.

Layout choices
--------------
* bekkedal.pdf: cover page (title, district, adoption line, short foreword signed by the
  district director), a contents page, then chapters 1-8 as Helvetica paragraphs. Chapter
  headings are bold 14 pt, sub-chapters ("5.1 ...") bold 11.5 pt. Key figures in 2.1 are a
  dash list (not measures). Measures are sentences inside the prose of chapters 5-7.
  A running footer ("Bydel Bekkedal – Ruspolitisk handlingsplan 2025–2028", "Side N") is
  printed on every page except the cover. No hyphenation (reportlab default).
* storskog.docx: section 1 portrait (Title, Heading 1 chapters, List Bullet key figures);
  section 2 landscape (WD_ORIENT.LANDSCAPE, width/height swapped) with Heading 1
  "4 Handlingsdel 2025–2028", a short intro with the
  abbreviations, and one 5-column "Table Grid" table. The header row is marked
  as a repeating header (w:tblHeader). Innsatsområde cells are merged vertically over all
  rows of the area and Mål cells over all rows of the goal (python-docx cell.merge; text is
  written into the merged cell only). A Tiltak cell with two measures is either two
  sentences in one paragraph or two "List Bullet" paragraphs in the cell.
* storskog.pdf: BaseDocTemplate with a portrait and a landscape PageTemplate; the intro is on
  portrait pages, then NextPageTemplate('landscape'). The table is a platypus Table with
  SPAN commands for the merged cells, repeatRows=1 (header repeated on each page) and
  splitByRow=0/splitInRow=1, so a row (and the spans) may be broken across a page (see
  TABLE_GAP). Bullet-lines in a cell are separate Paragraphs starting with "– " (a "•" in
  the standard Helvetica font has no Unicode mapping in the text layer).
* myrvang.docx: Title, Heading 1/Heading 2 styles, Normal paragraphs, "List Bullet" for
  both the key figures (chapter 2, not measures) and the measures under the Heading 2
  "Tiltak i planperioden" (chapter 5), and a 3-column table "Tiltak | Ansvar | Når" in
  chapter 6 with an italic caption. The FACT team measure is announced in the
  introduction and listed again in the table.

Determinism: fixed core-property dates, reportlab invariant=1, and every .docx zip is
rewritten with sorted-as-written members and fixed member timestamps.

Run:  .venv/bin/python data/eval/drafts/build_unseen.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from build_drafts import bold_cell, load, pdf_text, save_docx  # beside this file: the same deterministic zip and helpers


HERE = Path(__file__).resolve().parent
FIXED_DATE = dt.datetime(2024, 12, 1, 12, 0, 0)
ZIP_DATE = (2024, 12, 1, 12, 0, 0)
# Space (pt) between the intro text of the storskog handlingsdel and its table. Chosen by
# trying a few values so that reportlab breaks one row inside its cells across a page (the
# last words of the "samtykke ... avlastning og støtte" cell move to page 3, and the merged
# Innsatsområde cell of area 4 continues onto page 4) while the header row is repeated
# exactly once per page (other values make reportlab insert a second header mid-page when
# a split falls inside a SPAN). Change it only together with a look at the output.
TABLE_GAP = 12






# --------------------------------------------------------------------------- DOCX helpers



def _new_document():
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.0)
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    return doc


def _set_repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trPr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trPr.append(el)




# --------------------------------------------------------------------------- bekkedal.pdf

def build_bekkedal(src: dict, out: Path) -> None:
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=15.5,
                          alignment=TA_LEFT, spaceAfter=8)
    cover_title = ParagraphStyle("ct", fontName="Helvetica-Bold", fontSize=26, leading=32,
                                 spaceAfter=10)
    cover_sub = ParagraphStyle("cs", fontName="Helvetica", fontSize=18, leading=24,
                               spaceAfter=30)
    cover_meta = ParagraphStyle("cm", parent=body, fontName="Helvetica-Oblique", spaceAfter=60)
    h_fore = ParagraphStyle("hf", fontName="Helvetica-Bold", fontSize=13, leading=17,
                            spaceAfter=8)
    h1 = ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=14, leading=18,
                        spaceBefore=16, spaceAfter=8, keepWithNext=1)
    h2 = ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=11.5, leading=15,
                        spaceBefore=8, spaceAfter=4, keepWithNext=1)
    toc = ParagraphStyle("toc", parent=body, spaceAfter=4, leftIndent=10)
    figure = ParagraphStyle("figure", parent=body, leftIndent=14, spaceAfter=3)

    running = f"{src['district']} – {src['title']}"

    def later(canvas, doc_):
        canvas.saveState()
        canvas.setFont("Helvetica", 8.5)
        canvas.drawString(2.5 * cm, 1.5 * cm, running)
        canvas.drawRightString(A4[0] - 2.5 * cm, 1.5 * cm, f"Side {doc_.page}")
        canvas.restoreState()

    def first(canvas, doc_):
        pass

    doc = SimpleDocTemplate(
        str(out), pagesize=A4,
        leftMargin=2.5 * cm, rightMargin=2.5 * cm, topMargin=2.5 * cm, bottomMargin=2.5 * cm,
        title=running, author=src["district"], subject="Ruspolitisk handlingsplan",
        creator="build_unseen.py", invariant=1,
    )

    story = [Spacer(1, 4 * cm),
             Paragraph(pdf_text(src["title"]), cover_title),
             Paragraph(pdf_text(src["district"]), cover_sub),
             Paragraph(pdf_text(src["adopted"]), cover_meta),
             Paragraph("Forord", h_fore)]
    story += [Paragraph(pdf_text(p), body) for p in src["foreword"]]
    story.append(Paragraph(pdf_text(src["foreword_signature"]), body))
    story.append(PageBreak())

    story.append(Paragraph("Innhold", h1))
    for ch in src["chapters"]:
        story.append(Paragraph(pdf_text(ch["heading"]), toc))
        for b in ch["blocks"]:
            if "h2" in b:
                story.append(Paragraph(pdf_text(b["h2"]), ParagraphStyle("toc2", parent=toc,
                                                                     leftIndent=28)))
    story.append(PageBreak())

    for ch in src["chapters"]:
        story.append(Paragraph(pdf_text(ch["heading"]), h1))
        for b in ch["blocks"]:
            if "p" in b:
                story.append(Paragraph(pdf_text(b["p"]), body))
            elif "h2" in b:
                story.append(Paragraph(pdf_text(b["h2"]), h2))
            elif "figures" in b:
                story += [Paragraph("– " + pdf_text(f), figure) for f in b["figures"]]
                story.append(Spacer(1, 6))
            else:
                raise ValueError(b)

    doc.build(story, onFirstPage=first, onLaterPages=later)


# --------------------------------------------------------------------------- storskog

def _storskog_rows(src: dict):
    """Flatten the areas into table rows plus the vertical merge ranges (0-based, body rows)."""
    rows, area_spans, goal_spans = [], [], []
    for area in src["areas"]:
        a0 = len(rows)
        for goal in area["goals"]:
            g0 = len(rows)
            for r in goal["rows"]:
                rows.append(r)
            goal_spans.append((g0, len(rows) - 1, goal["goal"]))
        area_spans.append((a0, len(rows) - 1, area["area"]))
    return rows, area_spans, goal_spans


def build_storskog_docx(src: dict, out: Path) -> None:
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm

    doc = _new_document()
    doc.add_heading(f"{src['district']}", level=0)
    doc.add_paragraph(src["title"]).runs[0].bold = True
    doc.add_paragraph(src["adopted"]).runs[0].italic = True
    for ch in src["intro"]:
        doc.add_heading(ch["heading"], level=1)
        for p in ch["paragraphs"]:
            doc.add_paragraph(p)
        for f in ch.get("figures", []):
            doc.add_paragraph(f, style="List Bullet")
        for p in ch.get("after", []):
            doc.add_paragraph(p)

    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    sec.left_margin = sec.right_margin = Cm(1.8)
    sec.top_margin = sec.bottom_margin = Cm(1.8)

    doc.add_heading(src["table_heading"], level=1)
    for p in src.get("table_intro", []):
        doc.add_paragraph(p)
    rows, area_spans, goal_spans = _storskog_rows(src)
    table = doc.add_table(rows=1 + len(rows), cols=5)
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, src["columns"]):
        bold_cell(cell, label)
    _set_repeat_header(table.rows[0])

    for i, r in enumerate(rows, start=1):
        cells = table.rows[i].cells
        tiltak = r["tiltak"]
        if isinstance(tiltak, list):
            cells[2].paragraphs[0].text = tiltak[0]
            cells[2].paragraphs[0].style = "List Bullet"
            for line in tiltak[1:]:
                cells[2].add_paragraph(line, style="List Bullet")
        else:
            cells[2].text = tiltak
        cells[3].text = r["ansvar"]
        cells[4].text = str(r["tid"])

    for col, spans in ((0, area_spans), (1, goal_spans)):
        for start, end, text in spans:
            top = table.cell(1 + start, col)
            if end > start:
                top = top.merge(table.cell(1 + end, col))
            if col == 0:
                bold_cell(top, text)
            else:
                top.text = text

    widths = (Cm(4.0), Cm(5.2), Cm(10.6), Cm(3.8), Cm(2.5))
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            cell.width = w

    doc.add_paragraph()
    for p in src.get("closing", []):
        doc.add_paragraph(p)

    save_docx(doc, out, f"{src['district']} – {src['title']}", src["district"], FIXED_DATE, ZIP_DATE)


def build_storskog_pdf(src: dict, out: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import (BaseDocTemplate, Frame, NextPageTemplate, PageBreak,
                                    PageTemplate, Paragraph, Spacer, Table, TableStyle)

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10.5, leading=14.5,
                          spaceAfter=7)
    title = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=22, leading=27,
                           spaceAfter=6)
    sub = ParagraphStyle("sub", fontName="Helvetica", fontSize=15, leading=20, spaceAfter=6)
    meta = ParagraphStyle("meta", parent=body, fontName="Helvetica-Oblique", spaceAfter=18)
    h1 = ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=13, leading=17,
                        spaceBefore=12, spaceAfter=6, keepWithNext=1)
    figure = ParagraphStyle("figure", parent=body, leftIndent=14, spaceAfter=3)
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=9.5, leading=12.5)
    cell_b = ParagraphStyle("cellb", parent=cell, fontName="Helvetica-Bold")
    head = ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold",
                          textColor=colors.white)
    bullet = ParagraphStyle("bullet", parent=cell, leftIndent=9, firstLineIndent=-9,
                            spaceAfter=3)

    running = f"{src['district']} – {src['title']}"

    def footer(canvas, doc_):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        w = canvas._pagesize[0]
        canvas.drawString(2 * cm, 1.2 * cm, running)
        canvas.drawRightString(w - 2 * cm, 1.2 * cm, f"Side {doc_.page}")
        canvas.restoreState()

    pw, ph = A4
    lw, lh = landscape(A4)
    portrait = PageTemplate("portrait", [Frame(2.3 * cm, 2.2 * cm, pw - 4.6 * cm,
                                               ph - 4.4 * cm, id="p")], onPage=footer,
                            pagesize=A4)
    land = PageTemplate("landscape", [Frame(1.8 * cm, 2.0 * cm, lw - 3.6 * cm,
                                            lh - 3.8 * cm, id="l")], onPage=footer,
                        pagesize=landscape(A4))
    doc = BaseDocTemplate(str(out), pagesize=A4, pageTemplates=[portrait, land],
                          title=running, author=src["district"],
                          subject="Ruspolitisk handlingsplan", creator="build_unseen.py",
                          invariant=1)

    story = [Paragraph(pdf_text(src["district"]), title), Paragraph(pdf_text(src["title"]), sub),
             Paragraph(pdf_text(src["adopted"]), meta)]
    for ch in src["intro"]:
        story.append(Paragraph(pdf_text(ch["heading"]), h1))
        story += [Paragraph(pdf_text(p), body) for p in ch["paragraphs"]]
        story += [Paragraph("– " + pdf_text(f), figure) for f in ch.get("figures", [])]
        story += [Paragraph(pdf_text(p), body) for p in ch.get("after", [])]

    story += [NextPageTemplate("landscape"), PageBreak(),
              Paragraph(pdf_text(src["table_heading"]), h1)]
    story += [Paragraph(pdf_text(p), body) for p in src.get("table_intro", [])]
    story.append(Spacer(1, TABLE_GAP))

    rows, area_spans, goal_spans = _storskog_rows(src)
    data = [[Paragraph(pdf_text(c), head) for c in src["columns"]]]
    for r in rows:
        tiltak = r["tiltak"]
        if isinstance(tiltak, list):
            tcell = [Paragraph("– " + pdf_text(line), bullet) for line in tiltak]
        else:
            tcell = Paragraph(pdf_text(tiltak), cell)
        data.append(["", "", tcell, Paragraph(pdf_text(r["ansvar"]), cell),
                     Paragraph(pdf_text(str(r["tid"])), cell)])
    cmds = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#2A4D69")),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#555555")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    for start, end, text in area_spans:
        data[1 + start][0] = Paragraph(pdf_text(text), cell_b)
        cmds.append(("SPAN", (0, 1 + start), (0, 1 + end)))
        cmds.append(("BACKGROUND", (0, 1 + start), (0, 1 + end), colors.HexColor("#E8EEF3")))
    for start, end, text in goal_spans:
        data[1 + start][1] = Paragraph(pdf_text(text), cell)
        if end > start:
            cmds.append(("SPAN", (1, 1 + start), (1, 1 + end)))
    widths = [3.9 * cm, 5.0 * cm, 10.6 * cm, 4.1 * cm, 2.5 * cm]
    table = Table(data, colWidths=widths, repeatRows=1, splitByRow=0, splitInRow=1)
    table.setStyle(TableStyle(cmds))
    story.append(table)
    story.append(Spacer(1, 10))
    story += [Paragraph(pdf_text(p), body) for p in src.get("closing", [])]
    doc.build(story)


# --------------------------------------------------------------------------- myrvang.docx

def build_myrvang(src: dict, out: Path) -> None:
    from docx.shared import Cm

    doc = _new_document()
    doc.add_heading(src["title"], level=0)
    doc.add_paragraph(src["adopted"]).runs[0].italic = True
    for b in src["blocks"]:
        if "h1" in b:
            doc.add_heading(b["h1"], level=1)
        elif "h2" in b:
            doc.add_heading(b["h2"], level=2)
        elif "p" in b:
            doc.add_paragraph(b["p"])
        elif "bullets" in b:
            for line in b["bullets"]:
                doc.add_paragraph(line, style="List Bullet")
        elif "caption" in b:
            doc.add_paragraph(b["caption"]).runs[0].italic = True
        elif "table" in b:
            t = b["table"]
            table = doc.add_table(rows=1, cols=len(t["header"]))
            table.style = "Table Grid"
            for c, label in zip(table.rows[0].cells, t["header"]):
                bold_cell(c, label)
            for row in t["rows"]:
                cells = table.add_row().cells
                for c, text in zip(cells, row):
                    c.text = text
            widths = (Cm(9.6), Cm(4.6), Cm(2.4))
            for row in table.rows:
                for c, w in zip(row.cells, widths):
                    c.width = w
        else:
            raise ValueError(b)
    save_docx(doc, out, src["title"], "Bydel Myrvang", FIXED_DATE, ZIP_DATE)


def main() -> None:
    build_bekkedal(load("bekkedal.yaml"), HERE / "bekkedal.pdf")
    storskog = load("storskog.yaml")
    build_storskog_docx(storskog, HERE / "storskog.docx")
    build_storskog_pdf(storskog, HERE / "storskog.pdf")
    build_myrvang(load("myrvang.yaml"), HERE / "myrvang.docx")
    for name in ("bekkedal.pdf", "storskog.docx", "storskog.pdf", "myrvang.docx"):
        print("wrote", HERE / name)


if __name__ == "__main__":
    main()
