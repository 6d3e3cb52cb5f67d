"""Read a plan file into lines and tables, whatever its format.

District plans arrive as PDFs with a text layer, Word files, or text that
was OCR'd from a scan. Everything downstream works on `Document`: the text
as numbered lines (with the page where the format has pages) and the real
tables as rows of cell texts, so a table's columns survive when the format
keeps them.
"""

from __future__ import annotations

from pathlib import Path

from .errors import InputError
from .records import Document, Line, Table

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".txt", ".md")
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TEXT_CHARS = 2_000_000


def read_document(path: str | Path, ocr: bool = False) -> Document:
    """Open a plan for reading only; every failure becomes one `InputError`.

    With `ocr`, a PDF without a text layer is OCR'd (ocrmypdf, Norwegian) into
    a temporary copy; the plan itself is never written.
    """
    path = Path(path)
    _check_readable(path)
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        document = _read_text(path)
    elif suffix == ".pdf":
        try:
            document = _read_pdf(path)
        except ScannedPdfError:
            if not ocr:
                raise
            document = _read_pdf_with_ocr(path)
    else:
        document = _read_docx(path)
    if not any(line.text.strip() for line in document.lines) and not document.tables:
        raise InputError(f"{path}: filen er tom. Velg en plan med tekst.")
    return document


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: finner ikke filen. Sjekk stien.")
    if path.is_dir():
        raise InputError(f"{path}: er en mappe, ikke en fil. Oppgi en planfil.")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        formats = ", ".join(SUPPORTED_SUFFIXES)
        raise InputError(f"{path}: ukjent filtype '{path.suffix}'. Støttede formater: {formats}.")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"{path}: filen er for stor ({size // (1024 * 1024)} MB; grensen er "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB). Del opp planen."
        )
    try:
        with open(path, "rb"):
            pass
    except PermissionError as exc:
        raise InputError(f"{path}: mangler lesetilgang. Sjekk filens rettigheter.") from exc


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 first; Windows-1252, then Latin-1 for older office files."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")  # Notepad's "Unicode"
    if data[:200].count(b"\x00") > 20:
        return data.decode("utf-16-le", errors="replace")
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")


def _text_lines(text: str, page: int | None = None, start: int = 1) -> list[Line]:
    return [Line(raw.rstrip(), start + i, page) for i, raw in enumerate(text.splitlines())]


def _read_text(path: Path) -> Document:
    text = decode_text(path.read_bytes())
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"{path}: teksten er for lang (over {MAX_TEXT_CHARS} tegn). Del opp planen.")
    lines = tuple(Line(line.text, line.number, None, _markdown_heading_level(line.text)) for line in _text_lines(text))
    return Document(path.stem, str(path), path.suffix.lower().lstrip("."), lines)


def _markdown_heading_level(text: str) -> int:
    stripped = text.lstrip()
    level = len(stripped) - len(stripped.lstrip("#"))
    return level if 0 < level <= 6 and stripped[level:level + 1] == " " else 0


def _read_pdf(path: Path) -> Document:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    lines: list[Line] = []
    tables: list[Table] = []
    try:
        with pdfplumber.open(path) as pdf:
            for page_number, page in enumerate(pdf.pages, start=1):
                _read_pdf_page(page, page_number, lines, tables)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise InputError(f"{path}: PDF-en er kryptert. Lagre en kopi uten passord.") from exc
    except (PDFSyntaxError, PdfminerException) as exc:
        if isinstance(getattr(exc, "args", [None])[0], (PDFPasswordIncorrect, PDFEncryptionError)):
            raise InputError(f"{path}: PDF-en er kryptert. Lagre en kopi uten passord.") from exc
        raise InputError(f"{path}: er ikke en lesbar PDF (skadet eller feil format).") from exc
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        raise InputError(f"{path}: er ikke en lesbar PDF ({type(exc).__name__}).") from exc
    document = Document(path.stem, str(path), "pdf", tuple(lines), tuple(tables))
    if not any(line.text.strip() for line in document.lines) and not document.tables:
        raise ScannedPdfError(
            f"{path}: PDF-en har ikke noe tekstlag (trolig skannet). Kjør igjen med --ocr for å tolke teksten."
        )
    return document


class ScannedPdfError(InputError):
    """A PDF of page images only."""


def _read_pdf_with_ocr(path: Path) -> Document:
    import shutil
    import subprocess
    import tempfile

    if not shutil.which("ocrmypdf"):
        raise InputError(
            f"{path}: OCR krever ocrmypdf med norsk Tesseract. Installer med: "
            "sudo apt-get install ocrmypdf tesseract-ocr-nor"
        )
    with tempfile.TemporaryDirectory(prefix="alignment-ocr-") as tmp:
        target = Path(tmp) / path.name
        result = subprocess.run(
            ["ocrmypdf", "-l", "nor", "--force-ocr", "--quiet", str(path), str(target)],
            capture_output=True, text=True,
        )
        if result.returncode != 0 or not target.is_file():
            reason = (result.stderr.strip().splitlines() or ["ukjent feil"])[-1]
            raise InputError(f"{path}: OCR mislyktes ({reason}).")
        try:
            document = _read_pdf(target)
        except ScannedPdfError as exc:
            raise InputError(f"{path}: OCR fant ingen tekst i PDF-en. Sjekk at skanningen er lesbar.") from exc
    return Document(path.stem, str(path), "pdf", document.lines, document.tables)


def _read_pdf_page(page, page_number: int, document_lines: list[Line], tables: list[Table]) -> None:
    """Text lines outside tables, and tables placed after the lines above them on the page."""
    found = page.find_tables()
    boxes = [table.bbox for table in found]

    def outside_tables(obj) -> bool:
        x = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
        y = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    source = page.filter(outside_tables) if boxes else page
    text_lines = source.extract_text_lines() if boxes else []
    text = source.extract_text() or ""
    start = len(document_lines)
    lines = _text_lines(text, page_number, start + 1)
    for table in sorted(found, key=lambda t: t.bbox[1]):
        above = sum(1 for line in text_lines if line["top"] < table.bbox[1])
        rows = tuple(tuple((cell or "").strip() for cell in row) for row in table.extract())
        tables.append(Table(rows, len(tables) + 1, page_number, start + min(above, len(lines))))
    document_lines.extend(lines)


def _read_docx(path: Path) -> Document:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    try:
        word = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(f"{path}: er ikke en lesbar Word-fil (.docx). Åpne og lagre den på nytt i Word.") from exc
    except Exception as exc:  # lxml and zipfile raise many kinds on damaged files
        raise InputError(f"{path}: er ikke en lesbar Word-fil ({type(exc).__name__}).") from exc
    lines: list[Line] = []
    tables: list[Table] = []
    _read_docx_blocks(word.element.body, word, lines, tables, Paragraph, DocxTable)
    return Document(path.stem, str(path), "docx", tuple(lines), tuple(tables))


def _read_docx_blocks(parent, word, lines: list[Line], tables: list[Table], Paragraph, DocxTable) -> None:
    """Paragraphs and tables in order, also inside content controls (w:sdt) that templates use."""
    for block in parent.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(block, word)
            bullet = _docx_is_list_item(paragraph)
            for text in (paragraph.text or "").splitlines() or [""]:
                lines.append(Line(text.rstrip(), len(lines) + 1, None, _docx_heading_level(paragraph), bullet))
        elif tag == "tbl":
            rows = _docx_table_rows(DocxTable(block, word))
            tables.append(Table(rows, len(tables) + 1, None, len(lines)))
        elif tag in ("sdt", "sdtContent", "customXml"):
            _read_docx_blocks(block, word, lines, tables, Paragraph, DocxTable)


def _docx_is_list_item(paragraph) -> bool:
    properties = paragraph._p.pPr
    if properties is not None and properties.numPr is not None:
        return True
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    return name.lower().startswith(("list", "liste"))


def _docx_heading_level(paragraph) -> int:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    if name.lower().startswith(("heading", "overskrift")):
        digits = "".join(ch for ch in name if ch.isdigit())
        return int(digits) if digits else 1
    if name.lower() == "title":
        return 1
    return 0


def _docx_table_rows(table) -> tuple[tuple[str, ...], ...]:
    """Cell texts per row; a merged cell (repeated by python-docx) counts once."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text.strip())
        rows.append(tuple(cells))
    return tuple(rows)
