"""The feedback letter, opened with python-docx (and its XML read) as Word would read it."""

import io
import re
import zipfile
from dataclasses import replace

import docx
import pytest
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignment.records import Decision, Document, Measure, PlanVersion
from alignment.render.letter import (OWNER_WORDS, UNREVIEWED, clean, draft_label, letter_docx, model_name, norwegian_date,
                                     number, recommendation, sentence_case)
from alignment.review import apply_review, empty_review, with_decision

from ..fakes import keyword_analysis

MEASURES = [
    Measure("M01", "5.2 Strategi", "TILBY HAP", "Bydelen skal tilby HAP til unge og voksne.", ("HBU", "NAV")),
    Measure("M02", "5.2 Strategi", "", "Alle får én fast kontaktperson.", ("NAV",)),
    Measure("M03", "5.3 Strategi", "", "Sommerfest for eldre i parken.", ()),
]


def _analysis(measures=MEASURES, name="Bydel Frogner plan"):
    document = Document("frogner", "/planer/frogner.txt", "txt")
    analysis = keyword_analysis(measures, document)
    return replace(analysis, plan=replace(analysis.plan, title="Bydel Frogner", heading="Russtrategi 2021-2024"))


def _reviewed(analysis, decisions):
    review = empty_review(analysis, "frogner.review.yaml")
    for decision in decisions:
        review = with_decision(review, decision)
    return apply_review(analysis, review)


def _open(data: bytes):
    return docx.Document(io.BytesIO(data))


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _section(document, heading: str) -> list[str]:
    """The paragraphs under one Heading 1, up to the next."""
    lines, inside = [], False
    for paragraph in document.paragraphs:
        if paragraph.style.name == "Heading 1":
            inside = paragraph.text == heading
        elif inside:
            lines.append(paragraph.text)
    return lines


@pytest.fixture(scope="module")
def machine():
    return _analysis()


@pytest.fixture(scope="module")
def letter(machine):
    return _open(letter_docx(machine))


def test_letter_has_word_headings_in_order(letter):
    headings = [(p.style.name, p.text) for p in letter.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == ("Title", "Tilbakemelding på ruspolitisk handlingsplan – Bydel Frogner")
    assert [text for style, text in headings if style == "Heading 1"] == [
        "Sammendrag", "Tiltak bydelen bør vurdere", "Tiltak planen tar opp", "Fra KoRus Oslos veileder",
        "Bydelens egne tiltak", "Om vurderingen"]
    assert {text.split(" (")[0] for style, text in headings if style == "Heading 2"} == {"Mangler i planen"}


def test_missing_district_and_shared_tiltak_are_listed_with_their_ids(machine, letter):
    listed = "\n".join(_section(letter, "Tiltak bydelen bør vurdere"))
    asked = [v for v in machine.verdicts if v.tiltak.owner in ("bydel", "felles") and v.status != "covered"]
    assert asked
    for verdict in asked:
        assert f"{verdict.tiltak.id} ({OWNER_WORDS[verdict.tiltak.owner]}): {verdict.tiltak.text}" in listed
    for verdict in machine.verdicts:
        if verdict.tiltak.owner == "by" or verdict.status == "covered":
            assert f"{verdict.tiltak.id} (" not in listed


def test_taken_up_table_names_the_district_measures_and_ansvar(machine, letter):
    table = letter.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Byrådets tiltak", "Bydelens tiltak", "Ansvar", "Status"]
    hap = next(row for row in table.rows[1:] if row.cells[0].text.startswith("5.2.1 H"))
    assert hap.cells[1].text == "Tilby HAP: Bydelen skal tilby HAP til unge og voksne."  # no M-numbers: they are ours
    assert hap.cells[2].text == "HBU, NAV" and hap.cells[3].text == "Dekket"
    header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
    assert header is not None and header.get(qn("w:val")) == "true"  # repeats on every page
    assert len(table.rows) - 1 == sum(v.status != "missing" for v in machine.verdicts)


def test_header_names_district_plan_and_file(machine, letter):
    text = _text(letter)
    assert "Til: Bydel Frogner\nPlan: «Russtrategi 2021–2024»\nVurdert av:" in text
    assert "Den gjelder filen frogner.txt." in text
    untitled = _text(_open(letter_docx(replace(machine, plan=replace(machine.plan, heading="")))))
    assert "Plan:" not in untitled and "for Bydel Frogner." in untitled


def test_unreviewed_letter_never_passes_for_an_advisors(letter):
    text = _text(letter)
    assert f"Vurdert av: {UNREVIEWED}" in text
    assert "Ingen rådgiver har gått gjennom vurderingene" in text
    assert "Med vennlig hilsen" not in text and "KoRus Oslo har gått gjennom" not in text
    assert "Bydelen kan vurdere om disse tiltakene" in text and "Vi ber" not in text
    assert letter.core_properties.author == "alignment"


def test_reviewer_name_date_status_and_comments_are_carried_through(machine):
    missing = next(v for v in machine.verdicts if v.tiltak.owner == "bydel" and v.status == "missing")
    decisions = [replace(Decision(v.tiltak.id, status=v.status), reviewer="Kari Nordmann", date="2026-12-03")
                 for v in machine.verdicts]
    decisions.append(Decision(missing.tiltak.id, status="missing", comment="Bør inn i planen <nå>.",
                              reviewer="Kari Nordmann", date="2026-12-03"))
    letter = _open(letter_docx(_reviewed(machine, decisions)))
    text = _text(letter)
    assert "Vurdert av: Kari Nordmann" in text and "Dato: 3. desember 2026" in text
    assert "Vår kommentar: Bør inn i planen <nå>." in text and "Kommentar: se over." not in text
    assert "Kari Nordmann har gått gjennom vurderingene av Byrådets 36 tiltak 3. desember 2026." in text
    assert "Punktene fra veilederen og tellingen av ansvar og frister er gjort maskinelt." in text
    assert "KoRus Oslo har gått gjennom utkastet" in text and "Vi ber bydelen vurdere" in text
    assert "Med vennlig hilsen\nKari Nordmann" in text and "(maskinens vurdering)" not in text
    assert letter.core_properties.author == "Kari Nordmann"


def test_a_partly_reviewed_letter_marks_the_machines_verdicts(machine):
    verdict = next(v for v in machine.verdicts if v.tiltak.owner == "bydel" and v.status == "missing")
    letter = _open(letter_docx(_reviewed(machine, [Decision(verdict.tiltak.id, status="partial", reviewer="Ola")])))
    text = _text(letter)
    assert "Vurdert av: Ola (1 av 36 tiltak gjennomgått; resten er maskinens vurdering)" in text
    assert "(maskinens vurdering)" in text
    assert f"{verdict.tiltak.id} (bydelens ansvar)" in "\n".join(_section(letter, "Tiltak bydelen bør vurdere"))


def test_page_setup_footer_font_language_and_properties(letter):
    section = letter.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert round(section.left_margin.mm) == 25
    footer = section.footer.paragraphs[0]._p
    assert [f.get(qn("w:instr")) for f in footer.iter(qn("w:fldSimple"))] == ["PAGE", "NUMPAGES"]
    assert letter.styles["Normal"].font.name == "Arial" and letter.styles["Heading 1"].font.name == "Arial"
    assert letter.core_properties.title == "Tilbakemelding på ruspolitisk handlingsplan – Bydel Frogner"
    assert letter.core_properties.language == "nb-NO"
    assert 'w:lang w:val="nb-NO"' in letter.styles.element.xml


def test_the_same_analysis_gives_the_same_bytes(machine):
    first = letter_docx(machine)
    assert letter_docx(_analysis()) == first
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = package.read("docProps/core.xml").decode()
    assert re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core) == ["2000-01-01T00:00:00Z"] * 2


NASTY = "<script>alert(1)</script>\x00\x07 {PAGE} \u202eevil\ufffe &amp; «æøå»\r\n\tneste linje"


def test_plan_text_is_kept_as_text_and_cleaned_of_what_word_refuses():
    measures = [Measure("M01", "5.2", "TILBY HAP\x0b", f"Bydelen skal tilby HAP {NASTY}", ("NAV\x1f",)),
                Measure("M02", "5.3", "", f"Eget tiltak {NASTY}", ())]
    analysis = replace(_analysis(measures), plan=replace(_analysis(measures).plan, title="Bydel <b>\x01"))
    data = letter_docx(analysis)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xml and "<script>" not in xml
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\u202e\ufffe]", xml)
    text = _text(_open(data))
    assert "<script>alert(1)</script> {PAGE} evil &amp; «æøå» neste linje" in text
    assert "Bydel <b>" in text


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=80))
def test_any_plan_text_gives_a_letter_word_opens(text):
    measures = [Measure("M01", text, text, f"HAP {text}", (text,)), Measure("M02", "", "", text or "x", ())]
    assert _open(letter_docx(_analysis(measures))).paragraphs


def test_a_plan_without_measures_says_so():
    text = _text(_open(letter_docx(_analysis([]))))
    assert "Verktøyet fant ingen tiltak i planen" in text
    assert "Planen tar ikke opp noen av Byrådets tiltak." in text


def test_two_reviewers_are_named_on_their_comments_and_signed_one_by_one(machine):
    missing = [v for v in machine.verdicts if v.tiltak.owner == "bydel" and v.status == "missing"][:2]
    decisions = [Decision(missing[0].tiltak.id, status="missing", comment="Ta med.", reviewer="Kari, KoRus Oslo"),
                 Decision(missing[1].tiltak.id, status="missing", comment="Vurder.", reviewer="Ola")]
    text = _text(_open(letter_docx(_reviewed(machine, decisions))))
    assert "Kommentar fra Kari, KoRus Oslo: Ta med." in text and "Kommentar fra Ola: Vurder." in text
    assert "Med vennlig hilsen\nKari\nKoRus Oslo\nOla" in text
    assert "Kari, KoRus Oslo og Ola har gått gjennom 2 av de 36 vurderingene" in text


def test_the_package_has_no_template_leftovers(machine):
    with zipfile.ZipFile(io.BytesIO(letter_docx(machine))) as package:
        assert "docProps/thumbnail.jpeg" not in package.namelist()
        assert b"<Application>alignment</Application>" in package.read("docProps/app.xml")
        assert b"thumbnail" not in package.read("_rels/.rels")


def test_small_helpers():
    assert sentence_case("TILBY HAP OG HA ÉN FAST KONTAKTPERSON", "Bydelen skal tilby HAP.") == (
        "Tilby HAP og ha én fast kontaktperson")
    assert sentence_case("SAMARBEID MED NAV", "") == "Samarbeid med NAV" and sentence_case("Allerede fint", "") == "Allerede fint"
    assert recommendation("Planen sier hvem.") == "Veilederen anbefaler at planen sier hvem."
    assert [number(n) for n in (0, 1, 2)] == ["ingen", "ett", "2"]
    assert clean(" a\x00b\n\tc \u202e") == "ab c"
    assert norwegian_date("2026-12-03") == "3. desember 2026" and norwegian_date("uke 49") == "uke 49"
    assert model_name("embeddinggemma-300m-cbf5a78393b6") == "embeddinggemma-300m"
    version = PlanVersion(2, "versjoner/2-frogner.pdf", "frogner.pdf", "2026-12-04T10:11:12+00:00", "ab")
    assert draft_label(version) == "nr. 2, mottatt 4. desember 2026"


def test_a_thin_reading_is_said_and_missing_tiltak_are_called_not_found():
    from alignment.records import ExtractionWarning

    analysis = _analysis()
    warning = ExtractionWarning("few_measures", "Verktøyet fant bare 3 tiltak i en plan på 9 000 ord.")
    thin = replace(analysis, extraction=replace(analysis.extraction, warnings=(warning,)))
    word = docx.Document(io.BytesIO(letter_docx(thin)))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Verktøyet kan ha lest planen ufullstendig. Verktøyet fant bare 3 tiltak" in text
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.startswith("Ikke funnet i planen") for h in headings)
    assert not any(h.startswith("Mangler i planen") for h in headings)
    plain = docx.Document(io.BytesIO(letter_docx(analysis)))
    assert any(p.text.startswith("Mangler i planen") for p in plain.paragraphs)
    assert "ufullstendig" not in "\n".join(p.text for p in plain.paragraphs)
