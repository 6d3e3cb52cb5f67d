"""The advisor's feedback letter to the district, as an editable Word document.

The HTML report is for reading; the letter is what a KoRus advisor sends,
after light editing, in the format advisors and districts work in. It is
built from the (reviewed) analysis alone and says who assessed what: a
verdict an advisor set is named as theirs, and a letter nobody reviewed says
so at the top. It is real Word structure (heading styles for the navigation
pane and a table of contents, tables whose header row repeats on each page,
page numbers, document properties, A4), and the file carries fixed times, so
the same analysis gives the same bytes.
"""

from __future__ import annotations

import datetime
import io
import re
from importlib.metadata import PackageNotFoundError, version

from docx import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ..records import STATUS_LABELS, Analysis, Assessment, ChecklistResult, Measure, PlanVersion, TiltakVerdict
from ..review import assessment
from ..textnorm import recase_title
from .package import FIXED_TIME, with_fixed_times

FONT = "Arial"  # Word has it everywhere; LibreOffice maps it to Liberation Sans, with æøå
HEADING_COLOUR = RGBColor(0x1F, 0x3A, 0x5F)
TABLE_STYLE = "Tabelltekst"  # a paragraph style for table cells: smaller than body text
DISTRICT_OWNERS = ("bydel", "felles")
LOCAL_MEASURES_LISTED = 15  # "briefly": the rest are in the report
LOCAL_MEASURE_CHARS = 160
MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")
UNREVIEWED = "Maskinell vurdering, ikke gjennomgått av rådgiver"

# Characters Word refuses (XML 1.0 forbids them) or that would reorder what the reader sees (bidi controls).
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Text from a plan, a file name or a reviewer, safe for Word: one line, no control characters."""
    return re.sub(r"\s+", " ", _UNWANTED.sub("", str(text))).strip()


def letter_docx(analysis: Analysis, draft: str = "") -> bytes:
    """The letter for `analysis`; `draft` names the draft it is about ("utkast 2, lastet opp 4. desember 2026")."""
    who = assessment(analysis)
    document = _new_document()
    _properties(document, analysis, who)
    _heading_block(document, analysis, who, draft)
    _opening(document, analysis, who)
    _summary(document, analysis, who)
    _to_consider(document, analysis, who)
    _taken_up(document, analysis, who)
    _guide(document, analysis)
    _local_measures(document, analysis)
    _method(document, analysis, who)
    _closing(document, who)
    buffer = io.BytesIO()
    document.save(buffer)
    return with_fixed_times(buffer.getvalue())


def draft_label(version: PlanVersion) -> str:
    """How the workbench names a draft in the letter: 'utkast 2 (frogner.pdf), lastet opp 4. desember 2026'."""
    return f"utkast {version.number} ({version.name}), lastet opp {norwegian_date(version.uploaded[:10])}"


def letter_title(analysis: Analysis) -> str:
    return f"Tilbakemelding på ruspolitisk handlingsplan – {clean(analysis.plan.title)}"


# --- the document and its styles ---------------------------------------------------------------

def _new_document():
    document = WordDocument()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    _styles(document)
    _page_numbers(section.footer.paragraphs[0])
    return document


def _styles(document) -> None:
    """One font with æøå everywhere (theme fonts removed, so Word does not swap in its own), Norwegian spelling."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    language = run_defaults.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_defaults.append(language)
    language.set(qn("w:val"), "nb-NO")
    table_text = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = document.styles["Normal"]
    table_text.paragraph_format.space_after = Pt(2)
    for name, size in (("Normal", 10.5), ("Title", 20), ("Heading 1", 14), ("Heading 2", 12), ("List Bullet", 10.5),
                       (TABLE_STYLE, 9)):
        style = document.styles[name]
        style.font.size = Pt(size)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), FONT)
        if name.startswith(("Title", "Heading")):
            style.font.color.rgb = HEADING_COLOUR
    document.styles["Normal"].paragraph_format.space_after = Pt(6)


def _page_numbers(paragraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Side ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" av ")
    _field(paragraph, "NUMPAGES", "1")


def _field(paragraph, instruction: str, shown: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _properties(document, analysis: Analysis, who: Assessment) -> None:
    properties = document.core_properties
    properties.title = letter_title(analysis)
    properties.subject = "Samsvar med Byrådets strategiske plan for rusfeltet i Oslo"
    properties.author = properties.last_modified_by = clean(", ".join(who.reviewers)) or "alignment"
    properties.keywords = "rusfeltet; handlingsplan; KoRus Oslo"
    properties.comments = UNREVIEWED if not who.reviewed else ""
    properties.language = "nb-NO"
    properties.revision = 1
    properties.created = properties.modified = FIXED_TIME
    properties.last_printed = FIXED_TIME


# --- the letter, section by section ------------------------------------------------------------

def _heading_block(document, analysis: Analysis, who: Assessment, draft: str) -> None:
    document.add_heading(letter_title(analysis), level=0)
    file_name = clean(analysis.plan.source.rsplit("/", 1)[-1])
    plan = f"{clean(analysis.plan.heading)} (fil: {file_name})" if analysis.plan.heading else file_name
    rows = [("Bydel", clean(analysis.plan.title)), ("Plan", plan)]
    if draft:
        rows.append(("Utkast", clean(draft)))
    rows.append(("Vurdert av", _assessed_by(who)))
    if who.date:
        rows.append(("Dato", norwegian_date(who.date)))
    for label, value in rows:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    document.add_paragraph()


def _opening(document, analysis: Analysis, who: Assessment) -> None:
    plan = clean(analysis.plan.heading) or "bydelens ruspolitiske handlingsplan"
    whose = "KoRus Oslos tilbakemelding" if who.reviewed else "en maskinell gjennomgang"
    document.add_paragraph(
        f"Her er {whose} på {plan}: hvilke av tiltakene i Byrådets strategiske plan for rusfeltet i Oslo planen "
        "tar opp, hvilke bydelen bør vurdere å ta inn, og hva planen mangler etter KoRus' veileder for "
        "ruspolitiske handlingsplaner.")


def _assessed_by(who: Assessment) -> str:
    if not who.reviewed:
        return UNREVIEWED
    names = clean(", ".join(who.reviewers)) or "rådgiver (navn ikke oppgitt)"
    if who.complete:
        return names
    return f"{names} ({who.decided} av {who.total} tiltak gjennomgått; resten er maskinens vurdering)"


def _summary(document, analysis: Analysis, who: Assessment) -> None:
    document.add_heading("Sammendrag", level=1)
    counts = analysis.summary.counts
    sentences = [
        f"Planen tar opp {counts.covered + counts.partial} av Byrådets {counts.total} tiltak helt eller delvis: "
        f"{counts.covered} er dekket, {counts.partial} er delvis dekket, og {counts.missing} mangler."
    ]
    district, city = analysis.summary.by_owner
    if district.total:
        sentences.append(
            f"Av de {district.total} tiltakene bydelen skal følge opp alene eller sammen med byen, er {district.covered} "
            f"dekket og {district.partial} delvis dekket, mens {district.missing} mangler.")
        if district.missing + district.partial:
            sentences.append(f"De {district.missing + district.partial} som mangler eller bare er delvis dekket, står "
                             "under «Tiltak bydelen bør vurdere».")
    if city.total:
        taken = city.covered + city.partial
        sentences.append(f"Byen har ansvaret for {city.total} av tiltakene; de trenger ikke stå i bydelens plan"
                         + (f", men planen tar likevel opp {taken} av dem." if taken else "."))
    local = len(analysis.summary.local_measures)
    if local:
        sentences.append(f"Planen har i tillegg {local} egne tiltak uten motstykke hos Byrådet.")
    if not analysis.measures:
        sentences.append("Verktøyet fant ingen tiltak i planen, så alle Byrådets tiltak står som manglende; "
                         "se over at det er riktig fil.")
    document.add_paragraph(" ".join(sentences))
    if not who.reviewed:
        document.add_paragraph(
            "Vurderingene i dette brevet er gjort maskinelt og er ikke gjennomgått av en rådgiver. "
            "Les dem som et utgangspunkt, ikke som KoRus' vurdering.").runs[0].italic = True


def _to_consider(document, analysis: Analysis, who: Assessment) -> None:
    document.add_heading("Tiltak bydelen bør vurdere", level=1)
    asked = [v for v in analysis.verdicts if v.tiltak.owner in DISTRICT_OWNERS and v.status != "covered"]
    if not asked:
        document.add_paragraph("Planen tar opp alle Byrådets tiltak som bydelen skal følge opp.")
        return
    document.add_paragraph(
        "Dette er Byrådets tiltak som bydelen har ansvar for alene eller sammen med byen, og som planen ikke tar opp "
        "eller bare tar opp delvis. Vi ber bydelen vurdere om de bør inn i planen.")
    partly_reviewed = who.reviewed and not who.complete
    for status, heading in (("missing", "Mangler i planen"), ("partial", "Delvis tatt opp")):
        verdicts = [v for v in asked if v.status == status]
        if not verdicts:
            continue
        document.add_heading(f"{heading} ({len(verdicts)})", level=2)
        for verdict in verdicts:
            _tiltak_item(document, analysis, verdict, partly_reviewed)


def _tiltak_item(document, analysis: Analysis, verdict: TiltakVerdict, partly_reviewed: bool) -> None:
    paragraph = document.add_paragraph(style="List Bullet")
    paragraph.add_run(f"{verdict.tiltak.id} ").bold = True
    paragraph.add_run(f"({verdict.tiltak.owner_label.lower()}): {clean(verdict.tiltak.text)}")
    if partly_reviewed and verdict.decided_by != "reviewer":
        paragraph.add_run(" (maskinens vurdering)").italic = True
    if verdict.status == "partial" and verdict.evidence:
        shown = verdict.evidence[:2]
        words = " og ".join(f"{e.measure.id} («{_short(clean(e.measure.text))}»)" for e in shown)
        _indented(document, f"Planen berører dette i {words}.")
    note = analysis.review.notes.get(verdict.tiltak.id) if analysis.review else None
    if note and note.comment:
        by = f" ({clean(note.reviewer)})" if note.reviewer.strip() else ""
        _indented(document, f"Rådgivers kommentar{by}: {clean(note.comment)}", italic=True)


def _indented(document, text: str, italic: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.left_indent = Mm(6.35)
    run = paragraph.add_run(text)
    run.italic = italic


def _taken_up(document, analysis: Analysis, who: Assessment) -> None:
    document.add_heading("Tiltak planen tar opp", level=1)
    verdicts = [v for v in analysis.verdicts if v.status != "missing"]
    if not verdicts:
        document.add_paragraph("Planen tar ikke opp noen av Byrådets tiltak.")
        return
    document.add_paragraph("Tabellen viser hvilke av bydelens tiltak som svarer til Byrådets tiltak, og hvem "
                           "planen gir ansvaret.")
    table = _table(document, ("Byrådets tiltak", "Bydelens tiltak", "Ansvar", "Status"), (52, 71, 20, 17))
    partly_reviewed = who.reviewed and not who.complete
    for verdict in verdicts:
        cells = table.add_row().cells
        _cell_lines(cells[0], [(verdict.tiltak.id, clean(verdict.tiltak.text))])
        _cell_lines(cells[1], [(e.measure.id, _measure_text(e.measure)) for e in verdict.evidence]
                    or [("", "(ingen av planens tiltak er knyttet til)")])
        note = analysis.review.notes.get(verdict.tiltak.id) if analysis.review else None
        if note and note.comment:
            cells[1].add_paragraph().add_run(f"Rådgivers kommentar: {clean(note.comment)}").italic = True
        ansvar = dict.fromkeys(clean(a) for e in verdict.evidence for a in e.measure.ansvar if clean(a))
        cells[2].text = ", ".join(ansvar) or "ikke oppgitt"
        cells[3].text = STATUS_LABELS[verdict.status]
        if partly_reviewed and verdict.decided_by != "reviewer":
            cells[3].add_paragraph().add_run("maskinens vurdering").italic = True
    for cell in (cell for row in table.rows for cell in row.cells):
        for paragraph in cell.paragraphs:
            paragraph.style = document.styles[TABLE_STYLE]


def _measure_text(measure: Measure) -> str:
    title = recase_title(clean(measure.title))
    return f"{title}: {clean(measure.text)}" if title else clean(measure.text)


def _guide(document, analysis: Analysis) -> None:
    document.add_heading("Fra KoRus' veileder", level=1)
    missing: list[ChecklistResult] = [result for result in analysis.checklist if not result.found]
    total = len(analysis.checklist)
    if missing:
        document.add_paragraph(
            f"KoRus Oslos veileder for ruspolitiske handlingsplaner har {total} punkter en plan bør ha med. "
            f"Vi fant ikke disse {len(missing)} i planen:")
        for result in missing:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(clean(result.item.title)).bold = True
            if result.item.description:
                paragraph.add_run(f": {clean(result.item.description)}")
    elif total:
        document.add_paragraph(f"Planen tar med alle de {total} punktene i KoRus Oslos veileder.")
    if analysis.measures:
        measures = len(analysis.measures)
        document.add_paragraph(
            f"{analysis.with_ansvar} av planens {measures} tiltak sier hvem som har ansvaret, og "
            f"{analysis.with_deadline} har en frist eller et tidspunkt."
            + (" Veilederen anbefaler at hvert tiltak har begge deler."
               if min(analysis.with_ansvar, analysis.with_deadline) < measures else ""))


def _local_measures(document, analysis: Analysis) -> None:
    local = analysis.summary.local_measures
    if not local:
        return
    document.add_heading("Bydelens egne tiltak", level=1)
    document.add_paragraph(f"Planen har {len(local)} tiltak som ikke svarer til noen av Byrådets tiltak. "
                           "De viser bydelens egne prioriteringer:")
    for measure in local[:LOCAL_MEASURES_LISTED]:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{measure.id}: ").bold = True
        paragraph.add_run(_short(_measure_text(measure)))
    if len(local) > LOCAL_MEASURES_LISTED:
        document.add_paragraph(f"… og {len(local) - LOCAL_MEASURES_LISTED} til; alle står i rapporten.")


def _method(document, analysis: Analysis, who: Assessment) -> None:
    document.add_heading("Om vurderingen", level=1)
    total = len(analysis.verdicts)
    text = (f"Vurderingen er laget med verktøyet alignment {_tool_version()}, som sammenligner hvert tiltak i "
            f"planen med Byrådets {total} tiltak, både i mening (språkmodellen {clean(model_name(analysis.model))}) "
            "og i ordlyd. ")
    names = clean(", ".join(who.reviewers)) or "En rådgiver"
    when = f" ({norwegian_date(who.date)})" if who.date else ""
    if not who.reviewed:
        text += "Ingen rådgiver har gått gjennom vurderingene; de er maskinelle og kan ta feil."
    elif who.complete:
        text += f"{names} har gått gjennom alle vurderingene{when}."
    else:
        text += (f"{names} har gått gjennom {who.decided} av {total} vurderinger{when}; "
                 "de øvrige er maskinens og kan ta feil.")
    document.add_paragraph(text)


def _closing(document, who: Assessment) -> None:
    if who.reviewed:
        document.add_paragraph()
        document.add_paragraph("Med vennlig hilsen")
        document.add_paragraph(clean(", ".join(who.reviewers)) or "KoRus Oslo")


# --- small helpers -----------------------------------------------------------------------------

def _table(document, headers: tuple[str, ...], widths_mm: tuple[int, ...]):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    header = table.rows[0]
    properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for cell, text in zip(header.cells, headers):
        cell.paragraphs[0].add_run(text).bold = True
        _shade(cell, "D9E2F3")
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
    return table


def _shade(cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _cell_lines(cell, items: list[tuple[str, str]]) -> None:
    """One paragraph per (id, text) in a table cell, the id in bold."""
    for index, (number, text) in enumerate(items):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        if number:
            paragraph.add_run(f"{number} ").bold = True
        paragraph.add_run(text)


def _short(text: str, limit: int = LOCAL_MEASURE_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + " …"


def model_name(model_key: str) -> str:
    """'embeddinggemma-300m' for the cache key 'embeddinggemma-300m-cbf5a78393b6' (the hash says nothing to a reader)."""
    return re.sub(r"-[0-9a-f]{12}(?=$|-)", "", model_key)


def norwegian_date(value: str) -> str:
    """'30. november 2026' for '2026-11-30'; other spellings as the reviewer wrote them."""
    try:
        day = datetime.date.fromisoformat(value.strip())
    except ValueError:
        return clean(value)
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def _tool_version() -> str:
    try:
        return version("alignment")
    except PackageNotFoundError:
        return "(utviklingsversjon)"
