"""The advisor's feedback letter to the district, as an editable Word document.

The HTML report is for reading; the letter is what a KoRus advisor sends,
after light editing, in the format advisors and districts work in. It is
built from the (reviewed) analysis alone and says who assessed what: a
verdict an advisor set is named as theirs, and a letter nobody reviewed says
so at the top. It is real Word structure (heading styles for the navigation
pane and a table of contents, tables whose header row repeats on each page,
page numbers, document properties, A4), and the file carries fixed times, so
the same analysis gives the same bytes.

An office can give its own Word template (a .dotx or .docx with the
letterhead, logo, contact person and reference number): the letter then
starts from that document, keeps its header, footer, styles and page setup,
and adds the body after what the template holds. Plan text quoted from an
OCR'd plan is shown repaired ("på", not "pa"), as the matcher read it, and a
decision a new draft made stale is never stated as current.
"""

from __future__ import annotations

import copy
import io
import os
import re
import zipfile
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from docx import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ..errors import InputError
from ..records import STATUS_LABELS, Analysis, Assessment, ChecklistResult, Measure, PlanVersion, TiltakVerdict
from ..review import assessment
from ..textnorm import is_caps_text, looks_ocred, repair_ocr
from ..untrusted import read_named_file
from .environment import file_name as _file_name
from .environment import model_name
from .environment import norwegian_date as _norwegian_date
from .package import FIXED_TIME, with_fixed_times

FONT = "Arial"  # Word has it everywhere; LibreOffice maps it to Liberation Sans, with æøå
HEADING_COLOUR = RGBColor(0x1F, 0x3A, 0x5F)
TABLE_STYLE = "Tabelltekst"  # a paragraph style for table cells: smaller than body text
DISTRICT_OWNERS = ("bydel", "felles")
LOCAL_MEASURES_LISTED = 15  # "briefly": the rest are in the report
LOCAL_MEASURE_CHARS = 160
UNREVIEWED = "Maskinell vurdering, ikke gjennomgått av rådgiver"
OWNER_WORDS = {"bydel": "bydelens ansvar", "felles": "felles ansvar for byen og bydelen", "by": "byens ansvar"}
STALE = "må vurderes på nytt: teksten i planen er endret"  # a decision made on an earlier draft's text
MACHINE = "maskinens vurdering"
# The table of tiltak taken up: column widths in mm (160 in all), with and without the ANSVAR column. The status
# column is wide enough for its longest word ("maskinens", "vurderes") in 9 pt Arial, so no word breaks inside.
TAKEN_UP_COLUMNS = (("Byrådets tiltak", 50), ("Bydelens tiltak", 65), ("Ansvar", 21), ("Status", 24))
TEMPLATE_VARIABLE = "ALIGNMENT_LETTER_TEMPLATE"  # the office's Word template, when --letter-template is not given
MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
MAX_TEMPLATE_UNPACKED = 100 * 1024 * 1024
WORD_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
# Units and services plans write in capitals; a title in capitals keeps these when put in sentence case.
ACRONYMS = frozenset("NAV HAP IPS ROS ROP FACT IP KE VEL BV HBU TTJ KoRus SaLTo LAR BUP DPS".split())

APP_PROPERTIES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>alignment</Application><DocSecurity>0</DocSecurity></Properties>"
)

# Characters Word refuses (XML 1.0 forbids them) or that would reorder what the reader sees (bidi controls).
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Text from a plan, a file name or a reviewer, safe for Word: one line, no control characters."""
    return re.sub(r"\s+", " ", _UNWANTED.sub("", str(text))).strip()


def letter_docx(analysis: Analysis, draft: str = "", file_name: str = "",
                template: str | Path | bytes | None = None) -> bytes:
    """The letter for `analysis`; `draft` names the draft it is about ("nr. 2, mottatt 4. desember 2026"), and
    `file_name` the plan's file as the district sent it (the workbench stores drafts under names of its own).

    `template` is the office's Word template (a path to a .dotx or .docx, or its bytes as `letter_template`
    returns them); None takes the file ALIGNMENT_LETTER_TEMPLATE names, if it is set, and "" means none.
    """
    if template is None:
        template = os.environ.get(TEMPLATE_VARIABLE, "")
    if template and not isinstance(template, bytes):
        template = letter_template(template)
    who = assessment(analysis)
    analysis = quoted(analysis)
    document = _new_document(template or None)
    _properties(document, analysis, who)
    _package_parts(document)
    _heading_block(document, analysis, who, draft)
    _opening(document, analysis, who)
    _summary(document, analysis, who)
    _to_consider(document, analysis, who)
    _taken_up(document, analysis, who)
    _guide(document, analysis)
    _local_measures(document, analysis)
    _method(document, analysis, who, file_name or _file_name(analysis.plan.source))
    _closing(document, who)
    buffer = io.BytesIO()
    document.save(buffer)
    return with_fixed_times(buffer.getvalue())


def letter_template(path: str | Path) -> bytes:
    """The office's Word template (.dotx or .docx) as a .docx package python-docx opens; one Norwegian line if not.

    A .dotx differs from a .docx only in its main part's content type, which is changed here.
    """
    shown = str(path)
    hint = "Oppgi brevmalen som Word-mal (.dotx) eller Word-dokument (.docx)."
    data = read_named_file(path, MAX_TEMPLATE_BYTES, "brevmalen", InputError, hint)
    not_word = InputError(f"{shown}: brevmalen er ikke en Word-fil. {hint}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            if len(members) > 5000 or sum(m.file_size for m in members) > MAX_TEMPLATE_UNPACKED:
                raise not_word
            types = package.read("[Content_Types].xml")
            if WORD_TEMPLATE.encode() in types:
                data = _repacked(package, types.replace(WORD_TEMPLATE.encode(), WORD_DOCUMENT.encode()))
            elif WORD_DOCUMENT.encode() not in types:
                raise not_word  # a macro-enabled .docm/.dotm, a spreadsheet, any other zip
        WordDocument(io.BytesIO(data))
    except InputError:
        raise
    except Exception as exc:  # a broken zip or XML: python-docx and zipfile raise many kinds
        raise not_word from exc
    return data


def _repacked(package: zipfile.ZipFile, content_types: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in package.infolist():
            content = content_types if info.filename == "[Content_Types].xml" else package.read(info.filename)
            target.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def quoted(analysis: Analysis) -> Analysis:
    """The analysis with the plan's text as the letter quotes it: repaired where the plan looks OCR'd."""
    if not looks_ocred([f"{m.title} {m.text}" for m in analysis.measures]):
        return analysis
    fixed: dict[str, Measure] = {}

    def repaired(measure: Measure) -> Measure:
        if measure.id not in fixed:
            fixed[measure.id] = replace(measure, title=repair_ocr(measure.title), text=repair_ocr(measure.text),
                                        ansvar=tuple(repair_ocr(unit) for unit in measure.ansvar))
        return fixed[measure.id]

    verdicts = tuple(replace(v, evidence=tuple(replace(e, measure=repaired(e.measure)) for e in v.evidence))
                     for v in analysis.verdicts)
    summary = replace(analysis.summary, local_measures=tuple(repaired(m) for m in analysis.summary.local_measures))
    plan = replace(analysis.plan, heading=repair_ocr(analysis.plan.heading))
    return replace(analysis, verdicts=verdicts, summary=summary, plan=plan)


def draft_label(version: PlanVersion) -> str:
    """How the workbench names a draft in the letter: 'nr. 2, mottatt 4. desember 2026' (the day it was uploaded)."""
    return f"nr. {version.number}, mottatt {norwegian_date(version.uploaded[:10])}"


def letter_title(analysis: Analysis) -> str:
    return f"Tilbakemelding på ruspolitisk handlingsplan – {clean(analysis.plan.title)}"


# --- the document and its styles ---------------------------------------------------------------

def _new_document(template: bytes | None = None):
    if template is not None:
        document = WordDocument(io.BytesIO(template))
        _template_styles(document)
        footer = document.sections[0].footer
        if footer.is_linked_to_previous or not any(p.text.strip() for p in footer.paragraphs) and \
                not footer._element.xpath(".//w:fldSimple | .//w:instrText | .//w:drawing"):
            _page_numbers(footer.paragraphs[0])  # an empty footer gets the page numbers; the office's is kept
        return document
    document = WordDocument()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(25), Mm(20)
    _styles(document)
    _page_numbers(section.footer.paragraphs[0])
    return document


def _template_styles(document) -> None:
    """The office's styles stay; the styles the letter uses and the template lacks come from python-docx's own."""
    names = {style.name for style in document.styles}
    default = WordDocument()
    for name in ("Title", "Heading 1", "Heading 2", "List Bullet", "Table Grid"):
        if name in names:
            continue
        element = copy.deepcopy(default.styles[name].element)
        for link in element.findall(qn("w:link")):
            element.remove(link)
        if name == "List Bullet":
            element.pPr.numPr.numId.val = _bullet_numbering(document, default)
        document.styles.element.append(element)
    if TABLE_STYLE not in names:
        table_text = document.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        table_text.base_style = document.styles["Normal"]
        table_text.paragraph_format.space_after = Pt(2)
        table_text.font.size = Pt(9)


def _bullet_numbering(document, default) -> int:
    """A bullet list definition copied from python-docx's template into the document's numbering; its id."""
    source = default.part.numbering_part.element
    num = source.xpath('./w:num[@w:numId="1"]')[0]
    abstract = source.xpath(f'./w:abstractNum[@w:abstractNumId="{num.abstractNumId.val}"]')[0]
    target = document.part.numbering_part.element
    abstract_id = max((int(a) for a in target.xpath("./w:abstractNum/@w:abstractNumId")), default=-1) + 1
    num_id = max((int(n) for n in target.xpath("./w:num/@w:numId")), default=0) + 1
    abstract = copy.deepcopy(abstract)
    abstract.set(qn("w:abstractNumId"), str(abstract_id))
    for child in abstract.findall(qn("w:nsid")) + abstract.findall(qn("w:tmpl")):
        abstract.remove(child)
    existing = target.xpath("./w:num")
    if existing:
        existing[0].addprevious(abstract)
    else:
        target.append(abstract)
    num = copy.deepcopy(num)
    num.set(qn("w:numId"), str(num_id))
    num.abstractNumId.val = abstract_id
    target.append(num)
    return num_id


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


def _package_parts(document) -> None:
    """Drop the template's thumbnail (a blank page) and say which program wrote the file."""
    relationships = document.part.package.rels
    for key, relationship in list(relationships.items()):
        if relationship.reltype.endswith("/thumbnail"):
            del relationships[key]
        elif relationship.reltype.endswith("/extended-properties"):
            relationship.target_part._blob = APP_PROPERTIES


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

def _heading(document, text: str, level: int):
    """A heading kept on the page of the text that follows it (also where a template's style does not say so)."""
    paragraph = document.add_heading(text, level=level)
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _lead_in(document, text: str):
    """A paragraph that introduces a list or table, kept on the page of its first item."""
    paragraph = document.add_paragraph(text)
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _heading_block(document, analysis: Analysis, who: Assessment, draft: str) -> None:
    _heading(document, letter_title(analysis), 0)
    rows = [("Til", clean(analysis.plan.title))]
    if analysis.plan.heading:
        rows.append(("Plan", f"«{plan_heading_text(analysis)}»"))
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
    title = clean(analysis.plan.title)
    plan = (f"utkastet til ruspolitisk handlingsplan for {title}" if title.startswith("Bydel ")
            else "utkastet til bydelens ruspolitiske handlingsplan")
    if analysis.plan.heading:
        plan += f", «{plan_heading_text(analysis)}»"
    if who.reviewed:
        document.add_paragraph(
            f"KoRus Oslo har gått gjennom {plan}. I dette brevet gir vi en oversikt over hvilke av tiltakene i "
            "Byrådets strategiske plan for rusfeltet planen tar opp, hvilke tiltak vi ber bydelen vurdere å ta inn, "
            "og hvilke punkter i KoRus Oslos veileder for ruspolitiske handlingsplaner planen ikke dekker.")
    else:
        document.add_paragraph(
            f"Dette er en maskinell gjennomgang av {plan}. Den viser hvilke av tiltakene i Byrådets strategiske "
            "plan for rusfeltet planen ser ut til å ta opp, hvilke tiltak bydelen kan vurdere å ta inn, og hvilke "
            "punkter i KoRus Oslos veileder for ruspolitiske handlingsplaner verktøyet ikke fant i planen.")


def _assessed_by(who: Assessment) -> str:
    if not who.reviewed:
        return UNREVIEWED
    names = clean(", ".join(who.reviewers)) or "rådgiver (navn ikke oppgitt)"
    if who.complete:
        return names
    return f"{names} ({who.decided} av {who.total} tiltak gjennomgått; resten er maskinens vurdering)"


def _summary(document, analysis: Analysis, who: Assessment) -> None:
    _heading(document, "Sammendrag", 1)
    counts = analysis.summary.counts
    sentences = [
        f"Planen tar helt eller delvis opp {counts.covered + counts.partial} av Byrådets {counts.total} tiltak: "
        f"{counts.covered} er dekket og {counts.partial} delvis dekket."
        + (f" De øvrige {counts.missing} {'ble ikke funnet' if _uncertain(analysis) else 'er ikke tatt opp'}."
           if counts.missing else "")
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
                         + (f", men planen tar likevel opp {number(taken)} av dem." if taken else "."))
    local = len(analysis.summary.local_measures)
    if local:
        own = "ett eget" if local == 1 else f"{local} egne"
        sentences.append(f"Planen har i tillegg {own} tiltak som ikke svarer direkte til noen av Byrådets tiltak.")
    if not analysis.measures:
        sentences.append("Verktøyet fant ingen tiltak i planen, så alle Byrådets tiltak står som manglende; "
                         "se over at det er riktig fil.")
    document.add_paragraph(" ".join(sentences))
    if _uncertain(analysis) and analysis.measures:
        warnings = " ".join(clean(w.message) for w in analysis.extraction.warnings)
        document.add_paragraph(
            f"Verktøyet kan ha lest planen ufullstendig. {warnings} Tiltak som står som manglende i dette brevet, er "
            "ikke funnet av verktøyet; det betyr ikke nødvendigvis at planen mangler dem.").runs[0].bold = True
    if not who.reviewed:
        document.add_paragraph(
            "Vurderingene i dette brevet er gjort maskinelt og er ikke gjennomgått av en rådgiver. "
            "Les dem som et utgangspunkt, ikke som KoRus' vurdering.").runs[0].italic = True
    stale = len(_stale(analysis))
    if stale:
        document.add_paragraph(
            f"{'Én' if stale == 1 else stale} av rådgiverens vurderinger må vurderes på nytt "
            "fordi teksten i planen er endret siden vurderingen ble gjort. De er merket «må vurderes på nytt» der de "
            "står i brevet, og er ikke endelige.").runs[0].bold = True


def _stale(analysis: Analysis) -> list[str]:
    """The tiltak whose decision was made on text a newer draft changed: not to be stated as current."""
    notes = analysis.review.notes if analysis.review else {}
    return [tiltak_id for tiltak_id, note in notes.items() if note.needs_new_look]


def _uncertain(analysis: Analysis) -> bool:
    """The extraction may have missed measures: a "missing" then means "not found", and the letter says so."""
    return bool(analysis.extraction and analysis.extraction.uncertain)


def _asked(analysis: Analysis) -> list[TiltakVerdict]:
    """The tiltak the district is asked to consider: its own or shared, missing or partly covered."""
    return [v for v in analysis.verdicts if v.tiltak.owner in DISTRICT_OWNERS and v.status != "covered"]


def _to_consider(document, analysis: Analysis, who: Assessment) -> None:
    _heading(document, "Tiltak bydelen bør vurdere", 1)
    asked = _asked(analysis)
    if not asked:
        document.add_paragraph("Planen tar opp alle Byrådets tiltak som bydelen skal følge opp.")
        return
    request = ("Vi ber bydelen vurdere om disse tiltakene bør tas inn i planen." if who.reviewed
               else "Bydelen kan vurdere om disse tiltakene bør tas inn i planen.")
    document.add_paragraph(
        "Dette er Byrådets tiltak som bydelen har ansvar for alene eller sammen med byen, og som planen ikke tar opp, "
        f"eller bare delvis tar opp. {request}")
    missing = "Ikke funnet i planen" if _uncertain(analysis) else "Mangler i planen"
    for status, heading in (("missing", missing), ("partial", "Delvis dekket i planen")):
        verdicts = [v for v in asked if v.status == status]
        if verdicts:
            _heading(document, f"{heading} ({len(verdicts)})", 2)
        for verdict in verdicts:
            _tiltak_item(document, analysis, verdict, who)


def _tiltak_item(document, analysis: Analysis, verdict: TiltakVerdict, who: Assessment) -> None:
    paragraph = document.add_paragraph(style="List Bullet")
    paragraph.add_run(f"{verdict.tiltak.id} ").bold = True
    paragraph.add_run(f"({OWNER_WORDS[verdict.tiltak.owner]}): {clean(verdict.tiltak.text)}")
    if verdict.tiltak.id in _stale(analysis):
        paragraph.add_run(f" ({STALE})").italic = True
    elif who.reviewed and not who.complete and verdict.decided_by != "reviewer":
        paragraph.add_run(f" ({MACHINE})").italic = True
    touched = _distinct(verdict)[:2]
    if verdict.status == "partial" and touched:
        _indented(document, f"Planen berører dette i {' og '.join(_measure_reference(m) for m in touched)}.")
    comment = _comment(analysis, verdict, who)
    if comment:
        _indented(document, comment, italic=True)


def _comment(analysis: Analysis, verdict: TiltakVerdict, who: Assessment, label: str = "Vår kommentar") -> str:
    """The advisor's comment, named by its writer only when several advisors reviewed the plan."""
    note = analysis.review.notes.get(verdict.tiltak.id) if analysis.review else None
    if not note or not clean(note.comment):
        return ""
    if len(who.reviewers) > 1 and clean(note.reviewer):
        label = f"Kommentar fra {clean(note.reviewer)}"
    return f"{label}: {clean(note.comment)}"


def _indented(document, text: str, italic: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.left_indent = Mm(6.35)
    run = paragraph.add_run(text)
    run.italic = italic


def _taken_up(document, analysis: Analysis, who: Assessment) -> None:
    _heading(document, "Tiltak planen tar opp", 1)
    verdicts = [v for v in analysis.verdicts if v.status != "missing"]
    if not verdicts:
        document.add_paragraph("Planen tar ikke opp noen av Byrådets tiltak.")
        return
    # A plan that names no responsible units at all gets no column saying "ikke oppgitt" on every row.
    with_ansvar = any(clean(unit) for measure in analysis.measures for unit in measure.ansvar)
    columns = TAKEN_UP_COLUMNS if with_ansvar else _without_ansvar(TAKEN_UP_COLUMNS)
    _lead_in(document, "Tabellen viser hvilke av bydelens tiltak som svarer til Byrådets tiltak"
             + (", og hvem som har ansvaret for dem ifølge planen." if with_ansvar else "."))
    table = _table(document, tuple(name for name, _ in columns), tuple(width for _, width in columns))
    stale = set(_stale(analysis))
    listed_above = {v.tiltak.id for v in _asked(analysis)}
    for verdict in verdicts:
        cells = table.add_row().cells
        _cell_lines(cells[0], [(verdict.tiltak.id, clean(verdict.tiltak.text))])
        _cell_lines(cells[1], [_measure_line(m) for m in _distinct(verdict)]
                    or [("", "(ingen av planens tiltak er knyttet til)")])
        comment = _comment(analysis, verdict, who, label="Kommentar")
        if comment:
            shown = "Kommentar: se over." if verdict.tiltak.id in listed_above else comment
            cells[1].add_paragraph().add_run(shown).italic = True
        if with_ansvar:
            ansvar = dict.fromkeys(clean(a) for e in verdict.evidence for a in e.measure.ansvar if clean(a))
            cells[2].text = ", ".join(ansvar) or "ikke oppgitt"
        status = cells[-1]
        status.text = STATUS_LABELS[verdict.status]
        if verdict.tiltak.id in stale:
            status.add_paragraph().add_run(STALE.split(":")[0]).italic = True
        elif who.reviewed and not who.complete and verdict.decided_by != "reviewer":
            status.add_paragraph().add_run(MACHINE).italic = True
    for cell in (cell for row in table.rows for cell in row.cells):
        for paragraph in cell.paragraphs:
            paragraph.style = document.styles[TABLE_STYLE]


def _without_ansvar(columns: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    """The columns without ANSVAR, its width given to the district's measures."""
    freed = dict(columns)["Ansvar"]
    return tuple((name, width + freed if name == "Bydelens tiltak" else width) for name, width in columns
                 if name != "Ansvar")


def _guide(document, analysis: Analysis) -> None:
    _heading(document, "Fra KoRus Oslos veileder", 1)
    missing: list[ChecklistResult] = [result for result in analysis.checklist if not result.found]
    total = len(analysis.checklist)
    if missing:
        _lead_in(document,
                 f"KoRus Oslos veileder for ruspolitiske handlingsplaner har {total} punkter en plan bør ha med. "
                 f"Verktøyet fant ikke disse {len(missing)} punktene i planen:")
        for result in missing:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(clean(result.item.title)).bold = True
            if result.item.description:
                paragraph.add_run(f": {recommendation(clean(result.item.description))}")
    elif total:
        document.add_paragraph(f"Planen tar med alle de {total} punktene i KoRus Oslos veileder.")
    if analysis.measures:
        document.add_paragraph(_ansvar_and_deadlines(len(analysis.measures), analysis.with_ansvar,
                                                     analysis.with_deadline))


def _ansvar_and_deadlines(measures: int, ansvar: int, deadline: int) -> str:
    """'Alle de 45 tiltakene i planen sier hvem som har ansvaret, men 8 av planens 45 tiltak har en frist …'."""
    def how_many(count: int) -> str:
        if count == measures:
            return f"alle de {measures} tiltakene i planen" if measures > 1 else "planens ene tiltak"
        return f"ingen av planens {measures} tiltak" if count == 0 else f"{count} av planens {measures} tiltak"

    if ansvar == measures and 0 < deadline < measures:
        second = f"men bare {deadline}"
    else:
        second = f"{'men' if deadline < ansvar else 'og'} {how_many(deadline)}"
    text = f"{how_many(ansvar)} sier hvem som har ansvaret, {second} har en frist eller et tidspunkt."
    advice = " Veilederen anbefaler at hvert tiltak har begge deler." if min(ansvar, deadline) < measures else ""
    return text[:1].upper() + text[1:] + advice


def _local_measures(document, analysis: Analysis) -> None:
    local = analysis.summary.local_measures
    if not local:
        return
    _heading(document, "Bydelens egne tiltak", 1)
    _lead_in(document, f"Planen har {number(len(local))} tiltak som ikke svarer direkte til noen av Byrådets "
                       "tiltak. De viser bydelens egne prioriteringer:")
    for measure in local[:LOCAL_MEASURES_LISTED]:
        paragraph = document.add_paragraph(style="List Bullet")
        title, text = _measure_parts(measure)
        if title:
            paragraph.add_run(f"{title}: ").bold = True
        paragraph.add_run(_short(text))
    if len(local) > LOCAL_MEASURES_LISTED:
        document.add_paragraph(f"… og {len(local) - LOCAL_MEASURES_LISTED} til; alle står i rapporten.")


def _method(document, analysis: Analysis, who: Assessment, file_name: str) -> None:
    _heading(document, "Om vurderingen", 1)
    total = len(analysis.verdicts)
    text = (f"Vurderingen er gjort med støtte fra verktøyet alignment (versjon {_tool_version()}), som sammenligner "
            f"hvert tiltak i planen med Byrådets {total} tiltak etter innhold (språkmodellen "
            f"{clean(model_name(analysis.model))}) og ordlyd. Den gjelder filen {clean(file_name)}. Tiltaksnumrene "
            "(som 5.2.1 A) viser til kapitlet i Byrådets plan og bokstaven tiltaket har i listen der. ")
    names = _subject(who.reviewers)
    when = f" {norwegian_date(who.date)}" if who.date else ""
    if not who.reviewed:
        text += "Ingen rådgiver har gått gjennom vurderingene; de er maskinelle og kan ta feil."
    elif who.complete:
        text += (f"{names} har gått gjennom vurderingene av Byrådets {total} tiltak{when}. Punktene fra veilederen "
                 "og tellingen av ansvar og frister er gjort maskinelt.")
    else:
        text += (f"{names} har gått gjennom {who.decided} av de {total} vurderingene{when}; de øvrige, punktene fra "
                 "veilederen og tellingen av ansvar og frister er maskinelle og kan ta feil.")
    stale = len(_stale(analysis))
    if stale:
        text += (f" {'Én' if stale == 1 else stale} av vurderingene ble gjort på et tidligere utkast og må gjøres på "
                 "nytt fordi teksten i planen er endret.")
    review = analysis.review
    if review is not None and (review.added or review.rejected):
        parts = []
        if review.added:
            parts.append(f"lagt til {number(len(review.added))} tiltak fra planens tekst som verktøyet ikke fant selv")
        if review.rejected:
            parts.append(f"tatt ut {number(len(review.rejected))} funn som ikke er tiltak")
        text += f" Rådgiveren har {' og '.join(parts)}."
    document.add_paragraph(text)


def _subject(reviewers: tuple[str, ...]) -> str:
    """Reviewers as the subject of a sentence: 'Kari Nordmann, KoRus Oslo,' closes the apposition with a comma."""
    names = " og ".join(clean(name) for name in reviewers if clean(name)) or "En rådgiver"
    return f"{names}," if "," in names.rsplit(" og ", 1)[-1] else names


def _closing(document, who: Assessment) -> None:
    if not who.reviewed:
        return
    document.add_paragraph("Ta gjerne kontakt dersom bydelen ønsker å gå gjennom tilbakemeldingen sammen med oss.")
    document.add_paragraph()
    document.add_paragraph("Med vennlig hilsen")
    for reviewer in who.reviewers or ("KoRus Oslo",):
        name, _, unit = clean(reviewer).partition(",")
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(name.strip())
        if unit.strip():
            paragraph.add_run().add_break()
            paragraph.add_run(unit.strip())


# --- how plan text reads in a letter -----------------------------------------------------------

def plan_heading_text(analysis: Analysis) -> str:
    """The plan's title as a reader expects it: 'Russtrategi 2021–2024 Bydel Frogner' (a dash between years)."""
    return re.sub(r"(\d{4})\s*[-–—]\s*(\d{4})", "\\1–\\2", clean(analysis.plan.heading))


def _distinct(verdict: TiltakVerdict) -> list[Measure]:
    """The evidence's measures, one per distinct text (an OCR'd plan may repeat a line many times)."""
    seen: dict[str, Measure] = {}
    for evidence in verdict.evidence:
        seen.setdefault(clean(evidence.measure.text).casefold(), evidence.measure)
    return list(seen.values())


def _measure_parts(measure: Measure) -> tuple[str, str]:
    """(title, text) as the letter shows them: capitals put in sentence case, no stray full stop after a title."""
    text = clean(measure.text)
    title = sentence_case(clean(measure.title), f"{text} {' '.join(measure.ansvar)}").rstrip(" .:")
    return title, text


def _measure_line(measure: Measure) -> tuple[str, str]:
    title, text = _measure_parts(measure)
    return (f"{title}:", text) if title else ("", text)


def _measure_reference(measure: Measure) -> str:
    """How the letter points at a district measure: by its title, or by its opening words (the M-numbers are ours)."""
    title, text = _measure_parts(measure)
    return f"tiltaket «{title}»" if title else f"tiltaket «{_short(text, 100).rstrip('.')}»"


def sentence_case(title: str, context: str) -> str:
    """A title in capitals in sentence case, keeping the words that are acronyms: known ones, and those the
    measure's own text or ANSVAR also writes in capitals ('TILBY HAP' -> 'Tilby HAP')."""
    if not is_caps_text(title):
        return title
    capitals = {word for word in re.findall(r"\w+", context) if len(word) > 1 and word.isupper()} | ACRONYMS
    words = [word if re.sub(r"\W", "", word) in capitals else word.lower() for word in title.split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def recommendation(description: str) -> str:
    """A checklist point ('Planen sier hvem …') as the guide's advice ('Veilederen anbefaler at planen sier hvem …')."""
    return f"Veilederen anbefaler at {description[:1].lower()}{description[1:]}" if description.startswith("Planen") \
        else description


def number(count: int) -> str:
    """Counts of neuter nouns (tiltak, punkt) as a letter writes them: 'ingen', 'ett', then digits."""
    return {0: "ingen", 1: "ett"}.get(count, str(count))


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


def norwegian_date(value: str) -> str:
    """'30. november 2026' for '2026-11-30'; other spellings as the reviewer wrote them (made safe for Word)."""
    return clean(_norwegian_date(value))


def _tool_version() -> str:
    try:
        return version("alignment")
    except PackageNotFoundError:
        return "(utviklingsversjon)"
