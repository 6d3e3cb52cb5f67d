"""The letter as PDF through LibreOffice: page 1 rendered and looked at, same bytes each time, a clear line without it."""

import shutil
import subprocess

import pytest

from alignment.errors import OutputError
from alignment.render import pdf
from alignment.render.letter import letter_docx

from .test_letter import _analysis

needs_libreoffice = pytest.mark.skipif(pdf.libreoffice() is None, reason="LibreOffice is not installed")


@pytest.fixture(scope="module")
def letter_pdf():
    return pdf.pdf_from_docx(letter_docx(_analysis()))


@needs_libreoffice
def test_page_one_is_a4_and_not_blank(letter_pdf, tmp_path):
    from PIL import Image

    assert letter_pdf.startswith(b"%PDF-")
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    (tmp_path / "brev.pdf").write_bytes(letter_pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "brev.pdf"),
                    str(tmp_path / "side")], check=True)
    page = Image.open(tmp_path / "side.png").convert("L")
    assert abs(page.width / page.height - 210 / 297) < 0.01
    dark = sum(page.histogram()[:128])
    assert dark > 0.01 * page.width * page.height  # text on the page, not a blank sheet


@needs_libreoffice
def test_the_same_letter_gives_the_same_pdf_also_two_at_once(letter_pdf):
    from concurrent.futures import ThreadPoolExecutor

    letter = letter_docx(_analysis())
    with ThreadPoolExecutor(2) as pool:  # the workbench and a `check` converting at the same time
        assert list(pool.map(pdf.pdf_from_docx, [letter, letter])) == [letter_pdf, letter_pdf]
    assert b"/CreationDate(D:20000101000000" in letter_pdf


def test_without_libreoffice_one_norwegian_line(monkeypatch):
    monkeypatch.setattr(pdf, "libreoffice", lambda: None)
    with pytest.raises(OutputError, match="PDF krever LibreOffice") as error:
        pdf.pdf_from_docx(b"")
    assert "\n" not in str(error.value) and "apt-get install libreoffice-writer-nogui" in str(error.value)


def test_fixed_times_keep_the_length_of_every_stamp():
    stamped = b"/CreationDate(D:20261204151500+01'00')/ID [ <ab12> <CD34> ] /DocChecksum /9F3A"
    fixed = pdf.with_fixed_times(stamped)
    assert len(fixed) == len(stamped)
    assert fixed == b"/CreationDate(D:20000101000000+00'00')/ID [ <0000> <0000> ] /DocChecksum /0000"
