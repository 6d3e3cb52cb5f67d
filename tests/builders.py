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


# A plan that states its measures in running text, the way many districts write: background chapters (status,
# the city's and the state's initiatives, follow-up) and measure chapters with one or two commitments per
# paragraph, a lead-in with bullets, a unit as the actor. Twelve measures; the comments say which sentences.
PROSE_PLAN = """Bydel Testdal
Ruspolitisk handlingsplan 2025–2028

1 Innledning
Denne planen beskriver hvordan Bydel Testdal skal arbeide med rusfeltet i perioden 2025–2028. Planen bygger på \
Byrådets strategiske plan for rusfeltet. Bydelen vil blant annet opprette et eget pårørendetilbud.

2 Status og utfordringer
Ungdata 2023 viser at 12 prosent av elevene i videregående har brukt hasj siste år. BrukerPlan viser 143 personer \
med rusproblemer. Bydelen har i dag to ruskonsulenter og en utekontakt.

3 Byens og statens satsinger
Velferdsetaten skal i 2025 etablere flere plasser i botiltak. Regjeringen vil styrke arbeidet mot overdoser. \
Politiet skal øke innsatsen mot salg av narkotika i sentrum.

4 Forebygging
Målet er at færre unge begynner å ruse seg. Bydelen vil i planperioden tilby kurs til foreldre med barn på \
ungdomsskolen om cannabis og nye rusmidler. Vi skal også ha faste åpne timer med helsesykepleier på \
fritidsklubben, og ruskonsulenten vil delta på foreldremøter på åttende trinn.

Helsestasjon for ungdom skal innen 2026 utvide åpningstiden til to kvelder i uken.

5 Tidlig innsats
Unge som blir tatt med narkotika, skal få tilbud om samtale med ruskonsulent samme uke. Bydelen skal innføre et \
system som sikrer at bekymringsmeldinger om rus hos barn og unge blir fulgt opp av en fast ansvarlig.
I planperioden vil vi:
- tilby et kurs for å slutte med cannabis for ungdom og voksne
- etablere en pårørendegruppe i samarbeid med frivilligsentralen
- gi alle brukere en fast kontaktperson

6 Bolig og arbeid
Boligkontoret vil kjøpe åtte nye boliger i ordinære bomiljøer. NAV Testdal skal tilby individuell jobbstøtte (IPS) \
til personer med rusproblemer. Det skal opprettes en ordning med vakttelefon for beboere i bydelens boliger.

7 Oppfølging og evaluering
Planen skal evalueres hvert år, og bydelsutvalget skal få en årlig rapport. Tiltakene skal følges opp i \
virksomhetsplanen.
"""

PROSE_MEASURES = (
    "tilby kurs til foreldre", "faste åpne timer med helsesykepleier", "delta på foreldremøter",
    "utvide åpningstiden", "samtale med ruskonsulent samme uke", "innføre et system", "slutte med cannabis",
    "pårørendegruppe", "fast kontaktperson", "kjøpe åtte nye boliger", "individuell jobbstøtte", "vakttelefon",
)


def make_prose_plan(path: Path) -> Path:
    path.write_text(PROSE_PLAN, encoding="utf-8")
    return path


def make_prose_pdf(path: Path) -> Path:
    """The same plan as a PDF with a text layer: headings in bold, paragraphs wrapped, a page number in the foot."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10.5, leading=14, spaceAfter=6)
    heading = ParagraphStyle("heading", fontName="Helvetica-Bold", fontSize=13, leading=17, spaceBefore=8)
    story = []
    for block in PROSE_PLAN.split("\n\n"):
        lines = block.splitlines()
        first, rest = (lines[0], lines[1:]) if lines[0][:1].isdigit() else ("", lines)
        if first:
            story.append(Paragraph(first, heading))
        for line in rest:
            story.append(Paragraph(line.replace("&", "&amp;"), body))

    def footer(canvas, doc):
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(500, 30, f"Side {doc.page}")

    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build(story, onFirstPage=footer, onLaterPages=footer)
    return path


# An action table as districts lay it out: Innsatsområde and Mål merged down over their rows, a cell that holds
# two measures on two lines. (area, goal, measure text, unit, time); None = merged with the cell above.
ACTION_ROWS = (
    ("Forebygging", "Færre unge ruser seg", "Etablere foreldrekurs om cannabis for foreldre på 8. trinn.", "HBU", "2025"),
    (None, None, "Tilby samtale med ruskonsulent til unge som tas med narkotika.\nOpprette en fast kontakt for "
                 "politiet i bydelen.", "SLT", "2025"),
    (None, "Flere får hjelp tidlig", "Videreføre åpen helsestasjon for ungdom.", "HBU", "2026"),
    ("Bolig", "Alle har et trygt hjem", "Kjøpe ti nye kommunale boliger.", "Boligkontoret", "2027"),
    (None, None, "Prøve ut vakttelefon for beboere.", "Bo-oppfølging", "2026"),
)
ACTION_HEADER = ("Innsatsområde", "Mål", "Tiltak", "Ansvar", "Tidsramme")


def make_action_docx(path: Path, rows=ACTION_ROWS) -> Path:
    """A landscape Word table with vertically merged area and goal cells."""
    import docx
    from docx.enum.section import WD_ORIENT

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading("4 Handlingsdel", level=1)
    table = document.add_table(rows=1, cols=5)
    for cell, label in zip(table.rows[0].cells, ACTION_HEADER):
        cell.text = label
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = value or ""
    for column in (0, 1):
        top = 1
        for k, row in enumerate(rows, start=1):
            if row[column] is not None:
                top = k
            elif k > top:
                table.cell(top, column).merge(table.cell(k, column))
    document.save(path)
    return path


def make_action_pdf(path: Path, rows=ACTION_ROWS, repeat: int = 1, split_at: int | None = None) -> Path:
    """The same table in a landscape PDF, merged cells as spans; `repeat` copies the rows to run over pages,
    and `split_at` (a row number) breaks that row's text across a page boundary as a long row does."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=9, leading=11)
    data, spans = [list(ACTION_HEADER)], []
    for copy in range(repeat):
        for column in (0, 1):
            top = None
            for k, row in enumerate(rows):
                index = len(data) + k
                if row[column] is not None:
                    top = index
                elif top is not None:
                    spans.append((column, top, index))
        for row in rows:
            data.append([Paragraph((value or "").replace("\n", "<br/>"), cell) for value in row])
    merged = {}
    for column, top, bottom in spans:
        merged[(column, top)] = max(bottom, merged.get((column, top), top))
    style = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    style += [("SPAN", (column, top), (column, bottom)) for (column, top), bottom in merged.items()]
    widths = [90, 120, 360, 100, 70]
    story = []
    if split_at is None:
        story.append(Table(data, colWidths=widths, repeatRows=1, style=TableStyle(style)))
    else:
        first, second = data[:split_at], [list(ACTION_HEADER)] + data[split_at:]
        words = rows[split_at - 1][2].split()
        half = len(words) // 2
        first.append([Paragraph("", cell), Paragraph("", cell), Paragraph(" ".join(words[:half]), cell),
                      Paragraph(rows[split_at - 1][3], cell), Paragraph(rows[split_at - 1][4], cell)])
        second[1] = [Paragraph("", cell), Paragraph("", cell), Paragraph(" ".join(words[half:]), cell),
                     Paragraph("", cell), Paragraph("", cell)]
        story += [Table(first, colWidths=widths, style=TableStyle(style[:2])), PageBreak(),
                  Table(second, colWidths=widths, style=TableStyle(style[:2]))]
    SimpleDocTemplate(str(path), pagesize=landscape(A4), invariant=1).build(story)
    return path
