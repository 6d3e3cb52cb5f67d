import os
import zipfile

import pytest

from alignment.errors import InputError
from alignment.ingest import parse_document, read_document

from .builders import TABLE_ROWS, make_docx, make_image_pdf, make_pdf


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


def test_unreadable_file(tmp_path, monkeypatch):
    from alignment import untrusted

    path = tmp_path / "plan.txt"
    path.write_text("Tiltak 1: noe\n", encoding="utf-8")

    def deny(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(untrusted.os, "open", deny)  # root reads any file, so the denial is simulated
    with pytest.raises(InputError, match="mangler lesetilgang"):
        read_document(path)


def _encrypted_pdf(path):
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), encrypt="hemmelig")
    pdf.drawString(72, 720, "Tiltak 1: Hemmelig tiltak")
    pdf.save()
    return path


def test_encrypted_pdf(tmp_path):
    with pytest.raises(InputError, match="kryptert"):
        read_document(_encrypted_pdf(tmp_path / "kryptert.pdf"))


def test_scanned_pdf_without_text_layer_says_to_use_ocr(tmp_path):
    with pytest.raises(InputError, match="ikke noe tekstlag.*--ocr"):
        read_document(make_image_pdf(tmp_path / "skannet.pdf"))


def test_ocr_without_ocrmypdf_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(InputError, match="apt-get install ocrmypdf tesseract-ocr-nor"):
        read_document(make_image_pdf(tmp_path / "skannet.pdf"), ocr=True)


def test_very_large_file(tmp_path, monkeypatch):
    from alignment import ingest

    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 100)
    path = tmp_path / "stor.txt"
    path.write_text("x" * 200, encoding="utf-8")
    with pytest.raises(InputError, match="for stor"):
        read_document(path)


def _image_only_pdf(path, lines):
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (1700, 400), 255)
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 44)
    except OSError:
        font = ImageFont.load_default(size=44)
    for i, line in enumerate(lines):
        draw.text((40, 40 + 80 * i), line, fill=0, font=font)
    pdf = canvas.Canvas(str(path))
    pdf.drawImage(ImageReader(image), 40, 500, width=520, height=122)
    pdf.save()
    return path


@pytest.mark.skipif(not __import__("shutil").which("ocrmypdf"),
                    reason="ocrmypdf not installed (apt-get install ocrmypdf tesseract-ocr-nor)")
def test_ocr_reads_a_scanned_plan(tmp_path):
    path = _image_only_pdf(tmp_path / "skannet.pdf", ["Tiltak 1: Tilby kurs for pårørende", "Ansvar: NAV"])
    before = path.read_bytes()
    document = read_document(path, ocr=True)
    assert "Tilby kurs for" in document.text and "Ansvar: NAV" in document.text
    assert path.read_bytes() == before


def test_a_scan_is_read_as_with_ocr_and_its_ocrd_copy_reads_the_same_without(tmp_path, monkeypatch):
    from alignment import ingest

    text_pdf = make_pdf(tmp_path / "tekst.pdf", ["Tiltak 1: Tilby kurs for pårørende"]).read_bytes()
    assert ingest.read_scan(text_pdf, "tekst.pdf", "tekst.pdf") == (parse_document(text_pdf, "tekst.pdf", "tekst.pdf"),
                                                                    None)  # a text layer after all: no copy
    monkeypatch.setattr(ingest, "_ocr", lambda data, source: text_pdf)  # OCR itself is tested above
    scan = make_image_pdf(tmp_path / "skannet.pdf").read_bytes()
    document, copy = ingest.read_scan(scan, "skannet.pdf", "skannet.pdf")
    assert copy == text_pdf
    assert document == parse_document(scan, "skannet.pdf", "skannet.pdf", ocr=True)
    assert parse_document(copy, "skannet.pdf", "skannet.pdf") == document


def test_an_ocr_that_finds_no_text_says_so_in_one_line(tmp_path, monkeypatch):
    from alignment import ingest

    scan = make_image_pdf(tmp_path / "skannet.pdf").read_bytes()
    monkeypatch.setattr(ingest, "_ocr", lambda data, source: data)  # OCR that read nothing
    with pytest.raises(InputError, match="OCR fant ingen tekst"):
        ingest.read_scan(scan, "skannet.pdf", "skannet.pdf")
    with pytest.raises(InputError, match="OCR fant ingen tekst"):
        parse_document(scan, "skannet.pdf", "skannet.pdf", ocr=True)


def test_zip_that_is_not_word(tmp_path):
    import zipfile

    path = tmp_path / "ikke-word.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hei.txt", "ikke et Word-dokument")
    with pytest.raises(InputError, match="er ikke en lesbar Word-fil"):
        read_document(path)


def test_truncated_docx(tmp_path):
    good = make_docx(tmp_path / "god.docx")
    bad = tmp_path / "kuttet.docx"
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    with pytest.raises(InputError, match="er ikke en lesbar Word-fil"):
        read_document(bad)


# --- hostile and awkward files -------------------------------------------------------------

@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "fifo"])
def test_devices_and_pipes_are_refused_at_once(tmp_path, special):
    path = tmp_path / "plan.txt"
    if special == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(special)
    with pytest.raises(InputError, match="er ikke en vanlig fil"):
        read_document(path)


def test_a_link_to_a_plan_is_read(tmp_path):
    target = tmp_path / "ekte.txt"
    target.write_text("Tiltak 1: Kurs for foreldre\n", encoding="utf-8")
    (tmp_path / "lenke.txt").symlink_to(target)
    assert read_document(tmp_path / "lenke.txt").lines[0].text == "Tiltak 1: Kurs for foreldre"


def _docx_with(path, name, data, compress=zipfile.ZIP_DEFLATED):
    good = make_docx(path)
    with zipfile.ZipFile(good, "a", compression=compress) as archive:
        archive.writestr(name, data)
    return path


def test_a_word_file_that_inflates_past_the_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    from alignment import ingest

    monkeypatch.setattr(ingest, "MAX_UNZIPPED_BYTES", 3 * 1024 * 1024)
    path = _docx_with(tmp_path / "stor.docx", "word/media/bilde.bin", os.urandom(4 * 1024 * 1024),
                      zipfile.ZIP_STORED)
    with pytest.raises(InputError, match="pakker seg ut til mer enn 3 MB"):
        read_document(path)


def test_a_word_file_packed_far_harder_than_text_packs_is_refused(tmp_path):
    path = _docx_with(tmp_path / "bombe.docx", "word/bombe.xml", b"\0" * (20 * 1024 * 1024))
    assert path.stat().st_size < 200 * 1024
    with pytest.raises(InputError, match="uvanlig hardt pakket"):
        read_document(path)


def test_a_zip_member_that_lies_about_its_size_is_refused(tmp_path):
    path = _docx_with(tmp_path / "lyver.docx", "word/løgn.xml", b"<x/>" * 100_000)
    data = bytearray(path.read_bytes())
    real = (400_000).to_bytes(4, "little")
    for at in [i for i in range(len(data) - 3) if data[i:i + 4] == real]:
        data[at:at + 4] = (1000).to_bytes(4, "little")  # the declared size, local header and directory alike
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="er ikke en lesbar Word-fil"):
        read_document(path)


@pytest.mark.parametrize("encoding", ["utf-16-be", "utf-16-le", "utf-32-le"])
def test_utf16_and_utf32_without_a_bom(tmp_path, encoding):
    path = tmp_path / "plan.txt"
    path.write_bytes("Tiltak 1: Kurs for foreldre\nAnsvar: NAV\n".encode(encoding))
    assert [line.text for line in read_document(path).lines] == ["Tiltak 1: Kurs for foreldre", "Ansvar: NAV"]


def test_nul_bytes_at_the_start_and_after_each_line_are_dropped(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(b"\x00\x00Tiltak 1: Kurs for foreldre\x00\n\x00Ansvar: NAV\x00\n")
    assert [line.text for line in read_document(path).lines] == ["Tiltak 1: Kurs for foreldre", "Ansvar: NAV"]


def test_dos_nordic_code_page_keeps_norwegian_letters(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes("Pårørende får økt støtte og hjelp fra bydelen\n".encode("cp865"))
    assert read_document(path).lines[0].text == "Pårørende får økt støtte og hjelp fra bydelen"


def test_binary_data_is_not_read_as_text(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(InputError, match="ser ikke ut som tekst"):
        read_document(path)


def test_a_word_file_named_txt_is_read_as_word(tmp_path):
    renamed = tmp_path / "plan.txt"
    renamed.write_bytes(make_docx(tmp_path / "plan.docx").read_bytes())
    document = read_document(renamed)
    assert document.format == "docx" and document.tables[0].rows[0] == ("MÅL", "TILTAK", "ANSVAR")


@pytest.mark.parametrize("content, message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, r"eldre Word-fil \(\.doc\)"),
    (None, "OpenDocument"),
])
def test_other_office_formats_say_how_to_save_them(tmp_path, content, message):
    path = tmp_path / "plan.docx"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<office/>")
    else:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_document(path)


def test_markdown_pipe_tables_are_tables(tmp_path):
    path = tmp_path / "plan.md"
    path.write_text("## Strategi 2: Tidligere innsats\n\n| MÅL | TILTAK | ANSVAR |\n|---|:---|---:|\n"
                    "| Tilby HAP | Bydelen skal tilby HAP \\| kurs | HBU, NAV |\n| Kontakt | Én fast kontaktperson | NAV |\n\n"
                    "Etter tabellen.\n", encoding="utf-8")
    document = read_document(path)
    assert document.tables[0].rows == (("MÅL", "TILTAK", "ANSVAR"), ("Tilby HAP", "Bydelen skal tilby HAP | kurs", "HBU, NAV"),
                                       ("Kontakt", "Én fast kontaktperson", "NAV"))
    assert [line.text for line in document.lines] == ["## Strategi 2: Tidligere innsats", "", "", "Etter tabellen."]
    assert document.tables[0].after_line == 2


def test_the_same_bytes_uploaded_read_as_from_disk(tmp_path):
    from alignment.ingest import parse_document

    path = make_docx(tmp_path / "plan.docx")
    assert parse_document(path.read_bytes(), "plan.docx", str(path)) == read_document(path)


def test_a_plan_in_a_folder_that_cannot_be_entered(tmp_path, monkeypatch):
    from alignment import untrusted

    plan = tmp_path / "låst" / "plan.txt"
    real_stat = os.stat

    def no_entry(path, *args, **kwargs):  # what a user who cannot enter the folder sees (root always can)
        if str(path).startswith(str(tmp_path / "låst")):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", no_entry)
    monkeypatch.setattr(untrusted.os, "stat", no_entry)
    with pytest.raises(InputError, match="mangler lesetilgang"):
        read_document(plan)
