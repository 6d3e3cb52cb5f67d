"""Bad input, faults and safety: one line, the right exit code, nothing lost, nothing run."""

import json
import os
import socket

import pytest
from click.testing import CliRunner

from alignment import ingest
from alignment.cli import main
from alignment.errors import InputError

from .conftest import FROGNER


def _run(args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _one_line_error(result, code, *fragments):
    assert result.exit_code == code, result.output
    assert result.output.startswith("Feil: "), result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output


def test_unreadable_file(tmp_path, monkeypatch):
    path = tmp_path / "plan.txt"
    path.write_text("Tiltak 1: noe\n", encoding="utf-8")
    real_open = open

    def deny(file, *args, **kwargs):
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    _one_line_error(_run(["extract", path]), 3, str(path), "lesetilgang")


def test_encrypted_pdf(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "kryptert.pdf"
    pdf = canvas.Canvas(str(path), encrypt="hemmelig")
    pdf.drawString(72, 720, "Tiltak 1: Hemmelig tiltak")
    pdf.save()
    _one_line_error(_run(["extract", path]), 3, "kryptert")


def test_scanned_pdf_without_text_layer(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "skannet.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(72, 600, 300, 100, fill=1)
    pdf.save()
    _one_line_error(_run(["extract", path]), 3, "ikke noe tekstlag", "--ocr")


def test_ocr_without_ocrmypdf_says_how_to_install(tmp_path, monkeypatch):
    from reportlab.pdfgen import canvas

    path = tmp_path / "skannet.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(72, 600, 300, 100, fill=1)
    pdf.save()
    monkeypatch.setattr("shutil.which", lambda name: None)
    _one_line_error(_run(["extract", path, "--ocr"]), 3, "apt-get install ocrmypdf tesseract-ocr-nor")


def test_very_large_file(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 100)
    path = tmp_path / "stor.txt"
    path.write_text("x" * 200, encoding="utf-8")
    _one_line_error(_run(["extract", path]), 3, "for stor")


def test_broken_reference_names_file_entry_and_field(tmp_path, small_model):
    reference = tmp_path / "tiltak.yaml"
    reference.write_text("goals: [{id: M1, text: a}]\nstrategies: [{id: S1, text: b}]\nlists:\n"
                         "  - {section: '5.1.1', heading: h, strategy: S1, tiltak: [{id: X, letter: A, owner: staten, text: t}]}\n",
                         encoding="utf-8")
    result = _run(["check", FROGNER, "--reference", reference, "--out", tmp_path / "out", "--model", small_model])
    _one_line_error(result, 5, str(reference), "tiltak 'X'", "feltet owner")


def test_unwritable_output_keeps_nothing_half_written(tmp_path, small_model, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = _run(["check", FROGNER, "--out", tmp_path / "out", "--model", small_model])
    _one_line_error(result, 7, "kan ikke skrive rapporten", "--out")


def test_interrupt_leaves_no_partial_files(tmp_path, small_model, monkeypatch):
    from alignment import report

    out = tmp_path / "out"
    assert _run(["check", FROGNER, "--out", out, "--model", small_model]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(report.os, "fsync", interrupted)
    result = _run(["check", FROGNER, "--out", out, "--model", small_model])
    assert result.exit_code == 130
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_internal_error_is_one_line(monkeypatch, tmp_path):
    from alignment import check

    def boom(*args, **kwargs):
        raise RuntimeError("uventet")

    monkeypatch.setattr(check, "read_document", boom)
    result = _run(["extract", FROGNER])
    assert result.exit_code == 70 and "Intern feil" in result.output and "--debug" in result.output


def test_usage_error_exit_code():
    assert _run(["check"]).exit_code == 2


def test_input_plan_is_never_modified(tmp_path, small_model):
    plan = tmp_path / "frogner.txt"
    plan.write_bytes(FROGNER.read_bytes())
    before = (plan.read_bytes(), os.stat(plan).st_mtime_ns)
    assert _run(["check", plan, "--out", tmp_path, "--model", small_model]).exit_code == 0
    assert (plan.read_bytes(), os.stat(plan).st_mtime_ns) == before


def test_no_network_at_run_time(tmp_path, small_model, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    result = CliRunner().invoke(main, ["check", str(FROGNER), "--out", str(tmp_path), "--model", small_model],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_same_input_gives_byte_identical_reports(tmp_path, small_model):
    for folder in ("a", "b"):
        assert _run(["check", FROGNER, "--out", tmp_path / folder, "--model", small_model]).exit_code == 0
    for name in ("frogner.html", "frogner.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    json.loads((tmp_path / "a" / "frogner.json").read_text(encoding="utf-8"))


def test_scanned_pdf_is_an_input_error(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "skannet.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.save()
    with pytest.raises(InputError):
        ingest.read_document(path)


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


@pytest.mark.skipif(not __import__("shutil").which("ocrmypdf"), reason="ocrmypdf not installed (apt-get install ocrmypdf tesseract-ocr-nor)")
def test_ocr_reads_a_scanned_plan(tmp_path):
    path = _image_only_pdf(tmp_path / "skannet.pdf", ["Tiltak 1: Tilby kurs for pårørende", "Ansvar: NAV"])
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["extract", str(path), "--ocr"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Tilby kurs for" in result.output and "ANSVAR: NAV" in result.output
    assert path.read_bytes() == before


def test_zip_that_is_not_word(tmp_path):
    import zipfile

    path = tmp_path / "ikke-word.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hei.txt", "ikke et Word-dokument")
    _one_line_error(_run(["extract", path]), 3, "er ikke en lesbar Word-fil")


def test_truncated_docx(tmp_path):
    from .builders import make_docx

    good = make_docx(tmp_path / "god.docx")
    bad = tmp_path / "kuttet.docx"
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    _one_line_error(_run(["extract", bad]), 3, "er ikke en lesbar Word-fil")


def test_compare_without_network(tmp_path, small_model, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    result = CliRunner().invoke(main, ["compare", "--out", str(tmp_path), "--model", small_model, "--quiet"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
