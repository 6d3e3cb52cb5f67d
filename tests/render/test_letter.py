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


# --- issue 21: a review you can trust, and the letter an advisor sends after light editing ---------------------


def _district_verdict_with_evidence(analysis):
    return next(v for v in analysis.verdicts if v.tiltak.owner in ("bydel", "felles") and v.evidence)


def test_mangler_over_the_machines_evidence_leaves_no_evidence_in_the_letter(machine):
    hap = _district_verdict_with_evidence(machine)
    reviewed = _reviewed(machine, [Decision(hap.tiltak.id, status="missing", reviewer="Kari")])
    assert reviewed.verdict(hap.tiltak.id).evidence == ()
    letter = _open(letter_docx(reviewed))
    listed = "\n".join(_section(letter, "Tiltak bydelen bør vurdere"))
    assert f"{hap.tiltak.id} (" in listed and "Planen berører" not in listed
    assert not any(row.cells[0].text.startswith(hap.tiltak.id) for row in letter.tables[0].rows)


def _stale_review(analysis, tiltak_id, **fields):
    """A review whose decision on `tiltak_id` was made on an earlier draft's text (as a rebased review file says)."""
    review = with_decision(empty_review(analysis, "frogner.review.yaml"), Decision(tiltak_id, **fields))
    decision = replace(review.decisions[tiltak_id], stale="teksten i M01 er endret eller borte siden vurderingen")
    return replace(review, decisions={**review.decisions, tiltak_id: decision})


def test_a_stale_decision_is_marked_and_counted_until_confirmed(machine):
    missing = next(v for v in machine.verdicts if v.tiltak.owner == "bydel" and v.status == "missing")
    covered = next(v for v in machine.verdicts if v.status == "covered")
    review = _stale_review(machine, missing.tiltak.id, status="missing", comment="Gammel kommentar.", reviewer="Kari")
    review = replace(review, decisions={**review.decisions, covered.tiltak.id: replace(
        _stale_review(machine, covered.tiltak.id, status="covered", reviewer="Kari").decisions[covered.tiltak.id])})
    letter = _open(letter_docx(apply_review(machine, review)))
    text = _text(letter)
    assert "2 av rådgiverens vurderinger må vurderes på nytt fordi teksten i planen er endret" in text
    listed = "\n".join(_section(letter, "Tiltak bydelen bør vurdere"))
    item = next(line for line in listed.splitlines() if line.startswith(f"{missing.tiltak.id} ("))
    assert item.endswith("(må vurderes på nytt: teksten i planen er endret)")
    assert "Vår kommentar: Gammel kommentar." in listed  # kept, but under the mark
    row = next(r for r in letter.tables[0].rows if r.cells[0].text.startswith(covered.tiltak.id))
    assert row.cells[-1].text == "Dekket\nmå vurderes på nytt"
    assert "2 av vurderingene ble gjort på et tidligere utkast" in "\n".join(_section(letter, "Om vurderingen"))
    confirmed = with_decision(review, review.decisions[missing.tiltak.id])  # the advisor saves it again
    confirmed = with_decision(confirmed, confirmed.decisions[covered.tiltak.id])
    text = _text(_open(letter_docx(apply_review(machine, confirmed))))
    assert "på nytt" not in text and "Vår kommentar: Gammel kommentar." in text


OCRED = [
    Measure("M01", "5.2", "@KT SAMARBEID", "Bydelen skal tilby HAP pa tvers av tjenestene.", ("NAV",)),
    Measure("M02", "5.3", "", "@kt oppfelging av unge med rusproblemer i bydelen.", ()),
    Measure("M03", "5.3", "", "Sommerfest for eldre i parken med oppfelging.", ()),
]


def test_quotes_from_an_ocred_plan_are_shown_repaired():
    text = _text(_open(letter_docx(_analysis(OCRED))))
    assert "Økt samarbeid: Bydelen skal tilby HAP på tvers av tjenestene." in text
    assert "Sommerfest for eldre i parken med oppfølging." in text
    assert not re.search(r"\bpa\b|@|oppfelging", text)


def test_quotes_from_a_clean_plan_are_left_as_written():
    clean_plan = [replace(m, text=m.text.replace("@kt", "Økt").replace("pa tvers", "på tvers"), title="Økt samarbeid")
                  for m in OCRED]
    clean_plan.append(Measure("M04", "5.3", "", "Både små og større tiltak for pårørende, også når de bor langt unna.", ()))
    text = _text(_open(letter_docx(_analysis(clean_plan))))
    assert "Sommerfest for eldre i parken med oppfelging." in text  # a clean plan's typo is the district's own


def test_no_ansvar_column_when_the_plan_names_no_units(machine):
    bare = [replace(m, ansvar=()) for m in MEASURES]
    letter = _open(letter_docx(_analysis(bare)))
    table = letter.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Byrådets tiltak", "Bydelens tiltak", "Status"]
    assert "ikke oppgitt" not in _text(letter) and "hvem som har ansvaret for dem" not in _text(letter)
    assert round(sum(column.width.mm for column in table.columns)) == 160
    named = _open(letter_docx(machine)).tables[0]
    assert [c.text for c in named.rows[0].cells][2] == "Ansvar"


def test_the_status_column_holds_maskinens_vurdering_without_breaking_a_word(machine):
    verdict = next(v for v in machine.verdicts if v.status != "missing")
    other = next(v for v in machine.verdicts if v.tiltak.id != verdict.tiltak.id)
    letter = _open(letter_docx(_reviewed(machine, [Decision(other.tiltak.id, status="partial", reviewer="Ola")])))
    table = letter.tables[0]
    row = next(r for r in table.rows if r.cells[0].text.startswith(verdict.tiltak.id))
    assert row.cells[-1].text.endswith("maskinens vurdering")
    # "maskinens" in 9 pt Arial is about 15.2 mm; the cell's text area is its width less 2 × 1.9 mm of margin
    assert all(cell.width.mm - 3.8 >= 16 for cell in table.columns[-1].cells)


def test_headings_and_lead_ins_are_kept_with_what_follows(letter):
    headings = [p for p in letter.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings and all(p.paragraph_format.keep_with_next for p in headings)
    lead_ins = [p for p in letter.paragraphs if p.text.endswith(":") and p.style.name == "Normal"]
    assert lead_ins and all(p.paragraph_format.keep_with_next for p in lead_ins)


# --- the office's own Word template ---


def _office_template(path, dotx=True, drop_styles=("ListBullet", "TableGrid", "Heading2"), main=b"template.main+xml"):
    """A letterhead as an office makes one: header, footer with contact person and reference, a line in the body;
    saved as .dotx (the template content type) or .docx, and without some styles the letter uses."""
    template = docx.Document()
    template.sections[0].header.paragraphs[0].text = "KoRus Oslo – brevhode"
    template.sections[0].footer.paragraphs[0].text = "Kontaktperson: Kari Nordmann · Vår ref. 26/123"
    template.add_paragraph("Vår referanse: 26/123")
    styles = template.styles.element
    for style in list(styles.findall(qn("w:style"))):
        if style.get(qn("w:styleId")) in drop_styles:
            styles.remove(style)
    buffer = io.BytesIO()
    template.save(buffer)
    data = buffer.getvalue()
    if dotx:
        source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for info in source.infolist():
                content = source.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    content = content.replace(b"document.main+xml", main)
                target.writestr(info, content)
        data = out.getvalue()
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("suffix", ["dotx", "docx"])
def test_the_letter_starts_from_the_offices_template(machine, tmp_path, suffix):
    template = _office_template(tmp_path / f"mal.{suffix}", dotx=suffix == "dotx")
    data = letter_docx(machine, template=template)
    letter = _open(data)
    section = letter.sections[0]
    assert section.header.paragraphs[0].text == "KoRus Oslo – brevhode"
    assert section.footer.paragraphs[0].text == "Kontaktperson: Kari Nordmann · Vår ref. 26/123"
    assert [p.text for p in letter.paragraphs[:2]] == [
        "Vår referanse: 26/123", "Tilbakemelding på ruspolitisk handlingsplan – Bydel Frogner"]
    bullets = [p for p in letter.paragraphs if p.style.name == "List Bullet"]
    assert bullets and [p.text for p in letter.paragraphs if p.style.name == "Heading 2"]
    num_id = letter.styles["List Bullet"].element.pPr.numPr.numId.val
    assert letter.part.numbering_part.element.xpath(f'./w:num[@w:numId="{num_id}"]')  # the bullets are defined
    assert letter.tables[0].style.name == "Table Grid"
    assert letter_docx(machine, template=template) == data  # still the same bytes each time
    assert data != letter_docx(machine, template="")


def test_the_template_comes_from_the_environment_unless_told_otherwise(machine, tmp_path, monkeypatch):
    template = _office_template(tmp_path / "mal.dotx")
    monkeypatch.setenv("ALIGNMENT_LETTER_TEMPLATE", str(template))
    assert _open(letter_docx(machine)).sections[0].header.paragraphs[0].text == "KoRus Oslo – brevhode"
    assert _open(letter_docx(machine, template="")).sections[0].header.paragraphs[0].text == ""
    monkeypatch.delenv("ALIGNMENT_LETTER_TEMPLATE")
    assert letter_docx(machine) == letter_docx(machine, template="")


def test_a_template_footer_without_text_gets_the_page_numbers(machine, tmp_path):
    template = docx.Document()
    template.sections[0].header.paragraphs[0].text = "Brevhode"
    template.save(tmp_path / "mal.docx")
    letter = _open(letter_docx(machine, template=tmp_path / "mal.docx"))
    assert letter.sections[0].header.paragraphs[0].text == "Brevhode"
    footer = letter.sections[0].footer.paragraphs[0]._p
    assert [f.get(qn("w:instr")) for f in footer.iter(qn("w:fldSimple"))] == ["PAGE", "NUMPAGES"]


def test_a_bad_template_is_one_norwegian_line(machine, tmp_path):
    from alignment.errors import InputError
    from alignment.render.letter import letter_template

    with pytest.raises(InputError, match=r"finnes-ikke\.dotx: finner ikke brevmalen\. Oppgi brevmalen som Word-mal"):
        letter_template(tmp_path / "finnes-ikke.dotx")
    (tmp_path / "brev.txt").write_text("Kjære bydel", encoding="utf-8")
    spreadsheet = io.BytesIO()
    with zipfile.ZipFile(spreadsheet, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
    (tmp_path / "ark.dotx").write_bytes(spreadsheet.getvalue())
    _office_template(tmp_path / "makro.dotm", main=b"macroEnabledTemplate.main+xml")
    for name in ("brev.txt", "ark.dotx", "makro.dotm"):
        with pytest.raises(InputError, match="brevmalen er ikke en Word-fil") as caught:
            letter_docx(machine, template=tmp_path / name)
        assert "\n" not in str(caught.value)
    with pytest.raises(InputError, match="ikke en vanlig fil"):
        letter_template(tmp_path)


def test_check_takes_the_letter_template_and_refuses_a_missing_one(small_model, tmp_path):
    from click.testing import CliRunner

    from alignment.cli import main

    from ..conftest import FROGNER

    missing = CliRunner().invoke(main, ["check", str(FROGNER), "--out", str(tmp_path / "a"), "--format", "docx",
                                        "--letter-template", str(tmp_path / "mal.dotx")])
    assert missing.exit_code == 3 and not (tmp_path / "a").exists()
    assert missing.output.strip().count("\n") == 0 and "finner ikke brevmalen" in missing.output
    template = _office_template(tmp_path / "mal.dotx")
    result = CliRunner().invoke(main, ["check", str(FROGNER), "--out", str(tmp_path / "b"), "--model", small_model,
                                       "--format", "docx", "--letter-template", str(template)])
    assert result.exit_code == 0, result.output
    letter = _open((tmp_path / "b" / "frogner.tilbakemelding.docx").read_bytes())
    assert letter.sections[0].header.paragraphs[0].text == "KoRus Oslo – brevhode"
    compared = CliRunner().invoke(main, ["compare", str(FROGNER), "--out", str(tmp_path / "c"), "--quiet",
                                         "--format", "docx", "--letter-template", str(tmp_path / "ingen.dotx")])
    assert compared.exit_code == 3 and "finner ikke brevmalen" in compared.output
