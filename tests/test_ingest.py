import os

import pytest

from alignment.errors import InputError
from alignment.ingest import read_document

from .builders import TABLE_ROWS, make_docx, make_pdf


def test_utf8_text_keeps_line_numbers(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("Første linje\n\nTiltak 1: Økt innsats på rusfeltet\n", encoding="utf-8")
    document = read_document(path)
    assert [(l.number, l.text) for l in document.lines][2] == (3, "Tiltak 1: Økt innsats på rusfeltet")
    assert document.name == "plan" and document.format == "txt"


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encodings_keep_norwegian_letters(tmp_path, encoding):
    path = tmp_path / "plan.txt"
    path.write_bytes("Pårørende får økt støtte – ÆØÅ\n".encode(encoding, errors="replace"))
    assert read_document(path).lines[0].text.startswith("Pårørende får økt støtte")


def test_bom_and_mixed_line_endings(tmp_path):
    path = tmp_path / "plan.md"
    path.write_bytes("\ufeffEn\r\nTo\rTre\nFire".encode("utf-8"))
    assert [l.text for l in read_document(path).lines] == ["En", "To", "Tre", "Fire"]


def test_markdown_headings_are_marked(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text("## Forebygging\n### Tiltak\n- Et tiltak\n", encoding="utf-8")
    assert [l.heading_level for l in read_document(path).lines] == [2, 3, 0]


def test_docx_paragraphs_and_tables(tmp_path):
    document = read_document(make_docx(tmp_path / "plan.docx"))
    assert document.format == "docx"
    assert document.lines[0].heading_level == 1
    assert [list(r) for r in document.tables[0].rows] == [list(r) for r in TABLE_ROWS]
    assert document.tables[0].after_line == 2


def test_pdf_text_and_tables_are_not_doubled(tmp_path):
    path = make_pdf(tmp_path / "plan.pdf", ["Strategi 1: Forebygging", "Bydelen vil styrke samarbeidet."], TABLE_ROWS)
    document = read_document(path)
    assert "Bydelen vil styrke samarbeidet." in document.text
    assert document.tables and document.tables[0].rows[1][1].startswith("Bydelen skal tilby")
    assert "hasjavvenningsprogram" not in document.text  # the table's text comes only as a table
    assert document.lines[0].page == 1


def test_input_file_is_not_modified(tmp_path):
    path = make_docx(tmp_path / "plan.docx")
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    read_document(path)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("mangler.txt", None, "finner ikke filen"),
        ("plan.odt", b"x", "ukjent filtype '.odt'. Støttede formater: .pdf, .docx, .txt, .md"),
        ("tom.txt", b"  \n\t\n", "filen er tom"),
        ("falsk.pdf", os.urandom(2000), "er ikke en lesbar PDF"),
        ("falsk.docx", b"PK\x03\x04 not really a zip", "er ikke en lesbar Word-fil"),
    ],
)
def test_unreadable_inputs_give_one_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as error:
        read_document(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)
    assert "\n" not in str(error.value)


def test_folder_is_not_a_plan(tmp_path):
    with pytest.raises(InputError, match="er en mappe"):
        read_document(tmp_path)


def test_truncated_pdf(tmp_path):
    good = make_pdf(tmp_path / "god.pdf", ["Tekst"])
    bad = tmp_path / "kuttet.pdf"
    bad.write_bytes(good.read_bytes()[:300])
    with pytest.raises(InputError, match="PDF"):
        read_document(bad)


def test_utf16_text_from_notepad(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes("Tiltak 1: Økt innsats for pårørende\n".encode("utf-16"))
    assert read_document(path).lines[0].text == "Tiltak 1: Økt innsats for pårørende"
