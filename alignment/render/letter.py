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
from ..textnorm import is_caps_text
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
OWNER_WORDS = {"bydel": "bydelens ansvar", "felles": "felles ansvar for byen og bydelen", "by": "byens ansvar"}
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


def letter_docx(analysis: Analysis, draft: str = "", file_name: str = "") -> bytes:
    """The letter for `analysis`; `draft` names the draft it is about ("nr. 2, mottatt 4. desember 2026"), and
    `file_name` the plan's file as the district sent it (the workbench stores drafts under names of its own)."""
    who = assessment(analysis)
    document = _new_document()
    _properties(document, analysis, who)
    _package_parts(document)
    _heading_block(document, analysis, who, draft)
    _opening(document, analysis, who)
    _summary(document, analysis, who)
    _to_consider(document, analysis, who)
    _taken_up(document, analysis, who)
    _guide(document, analysis)
    _local_measures(document, analysis)
    _method(document, analysis, who, file_name or analysis.plan.source.replace("\\", "/").rsplit("/", 1)[-1])
    _closing(document, who)
    buffer = io.BytesIO()
    document.save(buffer)
    return with_fixed_times(buffer.getvalue())


def draft_label(version: PlanVersion) -> str:
    """How the workbench names a draft in the letter: 'nr. 2, mottatt 4. desember 2026' (the day it was uploaded)."""
    return f"nr. {version.number}, mottatt {norwegian_date(version.uploaded[:10])}"


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

def _heading_block(document, analysis: Analysis, who: Assessment, draft: str) -> None:
    document.add_heading(letter_title(analysis), level=0)
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
    document.add_heading("Sammendrag", level=1)
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
        sentences.append(f"Planen har i tillegg {number(local)} egne tiltak som ikke svarer direkte til noen av "
                         "Byrådets tiltak.")
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


def _uncertain(analysis: Analysis) -> bool:
    """The extraction may have missed measures: a "missing" then means "not found", and the letter says so."""
    return bool(analysis.extraction and analysis.extraction.uncertain)


def _asked(analysis: Analysis) -> list[TiltakVerdict]:
    """The tiltak the district is asked to consider: its own or shared, missing or partly covered."""
    return [v for v in analysis.verdicts if v.tiltak.owner in DISTRICT_OWNERS and v.status != "covered"]


def _to_consider(document, analysis: Analysis, who: Assessment) -> None:
    document.add_heading("Tiltak bydelen bør vurdere", level=1)
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
            document.add_heading(f"{heading} ({len(verdicts)})", level=2)
        for verdict in verdicts:
            _tiltak_item(document, analysis, verdict, who)


def _tiltak_item(document, analysis: Analysis, verdict: TiltakVerdict, who: Assessment) -> None:
    paragraph = document.add_paragraph(style="List Bullet")
    paragraph.add_run(f"{verdict.tiltak.id} ").bold = True
    paragraph.add_run(f"({OWNER_WORDS[verdict.tiltak.owner]}): {clean(verdict.tiltak.text)}")
    if who.reviewed and not who.complete and verdict.decided_by != "reviewer":
        paragraph.add_run(" (maskinens vurdering)").italic = True
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
    document.add_heading("Tiltak planen tar opp", level=1)
    verdicts = [v for v in analysis.verdicts if v.status != "missing"]
    if not verdicts:
        document.add_paragraph("Planen tar ikke opp noen av Byrådets tiltak.")
        return
    document.add_paragraph("Tabellen viser hvilke av bydelens tiltak som svarer til Byrådets tiltak, og hvem som har "
                           "ansvaret for dem ifølge planen.")
    table = _table(document, ("Byrådets tiltak", "Bydelens tiltak", "Ansvar", "Status"), (52, 71, 20, 17))
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
        ansvar = dict.fromkeys(clean(a) for e in verdict.evidence for a in e.measure.ansvar if clean(a))
        cells[2].text = ", ".join(ansvar) or "ikke oppgitt"
        cells[3].text = STATUS_LABELS[verdict.status]
        if who.reviewed and not who.complete and verdict.decided_by != "reviewer":
            cells[3].add_paragraph().add_run("maskinens vurdering").italic = True
    for cell in (cell for row in table.rows for cell in row.cells):
        for paragraph in cell.paragraphs:
            paragraph.style = document.styles[TABLE_STYLE]


def _guide(document, analysis: Analysis) -> None:
    document.add_heading("Fra KoRus Oslos veileder", level=1)
    missing: list[ChecklistResult] = [result for result in analysis.checklist if not result.found]
    total = len(analysis.checklist)
    if missing:
        document.add_paragraph(
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
    document.add_heading("Bydelens egne tiltak", level=1)
    document.add_paragraph(f"Planen har {number(len(local))} tiltak som ikke svarer direkte til noen av Byrådets "
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
    document.add_heading("Om vurderingen", level=1)
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
