"""PDF and Word parsing in a capped child process: bombs, hangs and damage end as a reason, not a crash."""

import zlib

import pytest

from alignment.formats import DAMAGED, ENCRYPTED, NOT_WORD, TIMED_OUT, TOO_BIG, TOO_MANY_PAGES, ParseFailure, parse_binary

from .builders import make_docx, make_pdf

MB = 1024 * 1024


def flate_bomb_pdf(inflated_mb: int) -> bytes:
    """A one-page PDF whose content stream is small packed and `inflated_mb` MB unpacked."""
    packer = zlib.compressobj(9)
    chunk = b"0 0 m 1 1 l S\n" * (MB // 14)
    stream = b"".join(packer.compress(chunk) for _ in range(inflated_mb)) + packer.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    pdf, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return pdf + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def _failure(data, kind, **limits):
    with pytest.raises(ParseFailure) as failure:
        parse_binary(data, kind, **limits)
    return failure.value.kind


def test_a_pdf_gives_its_lines_with_pages(tmp_path):
    answer = parse_binary(make_pdf(tmp_path / "plan.pdf", ["Tiltak 1: Kurs for foreldre"]).read_bytes(), "pdf")
    assert answer["lines"][0][:3] == ["Tiltak 1: Kurs for foreldre", 1, 1] and answer["tables"] == []


def test_a_word_file_gives_its_lines_and_tables(tmp_path):
    answer = parse_binary(make_docx(tmp_path / "plan.docx").read_bytes(), "docx")
    assert answer["lines"][0][0] == "Strategi 2: Tidligere innsats" and answer["lines"][0][3] == 1
    assert answer["tables"][0][0][0] == ["MÅL", "TILTAK", "ANSVAR"]


def test_a_decompression_bomb_hits_the_memory_cap():
    assert _failure(flate_bomb_pdf(150), "pdf", memory=200 * MB) == TOO_BIG


def test_a_parse_that_runs_too_long_is_stopped(tmp_path):
    assert _failure(make_pdf(tmp_path / "plan.pdf", ["Tekst"]).read_bytes(), "pdf", timeout=0.001) == TIMED_OUT


def test_too_many_pages(tmp_path):
    pdf = make_pdf(tmp_path / "plan.pdf", [f"Linje {n}" for n in range(200)]).read_bytes()
    assert _failure(pdf, "pdf", max_pages=1) == TOO_MANY_PAGES


def test_encrypted_damaged_and_not_word(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "kryptert.pdf"
    pdf = canvas.Canvas(str(path), encrypt="hemmelig")
    pdf.drawString(72, 720, "Tiltak 1: Hemmelig")
    pdf.save()
    assert _failure(path.read_bytes(), "pdf") == ENCRYPTED
    assert _failure(b"%PDF-1.4\nnot really", "pdf") == DAMAGED
    assert _failure(b"PK\x03\x04 not a zip", "docx") == NOT_WORD
