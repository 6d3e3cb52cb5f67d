"""Read a plan file into lines and tables, whatever its format, and refuse what is not a plan.

District plans arrive as PDFs with a text layer, Word files, or text that
was OCR'd from a scan. Everything downstream works on `Document`: the text
as numbered lines (with the page where the format has pages) and the real
tables as rows of cell texts, so a table's columns survive when the format
keeps them.

Files come from users and, in the workbench, from uploads, so nothing about
them is trusted: only regular files are opened, reads stop at a byte limit,
the format is told by the content (a Word file named .txt is read as Word),
zip members are checked before anything inflates them, and PDF and Word
parsing runs in a capped child process (`formats`). Every refusal is one
Norwegian line naming the file and what to do.
"""

from __future__ import annotations

import errno
import io
import os
import re
import unicodedata
import zipfile
import zlib
from pathlib import Path

from .errors import InputError, InputTooLargeError, ScanWithoutTextError, UnsupportedFormatError, os_reason
from .formats import (DAMAGED, ENCRYPTED, NOT_WORD, TIMED_OUT, TOO_BIG, TOO_MANY_PAGES, MAX_PAGES,
                      PARSE_TIMEOUT_SECONDS, ParseFailure, parse_binary)
from .records import Document, Line, Table
from .untrusted import NotRegularFile, TooLarge, read_regular_file

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".txt", ".md")
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TEXT_CHARS = 2_000_000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a Word file's members inflated, pictures included
MAX_ZIP_RATIO = 100  # inflated : compressed, for any member over 1 MB (text XML compresses about 10 : 1)
MAX_ZIP_MEMBERS = 5000
MAX_CONTROL_SHARE = 0.05  # more control characters than this (and at least MIN_CONTROLS), and "text" is binary
MIN_CONTROLS = 32
# 8-bit encodings a Norwegian plan may come in besides UTF-8; multi-byte ones without a BOM are told by their NULs.
TEXT_ENCODINGS = ("utf_8", "utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be", "cp1252", "latin_1", "cp865", "mac_roman")
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_LIMITS_MB = MAX_FILE_BYTES // (1024 * 1024)


def read_document(path: str | Path, ocr: bool = False) -> Document:
    """Open a plan for reading only; every failure becomes one `InputError`.

    With `ocr`, a PDF without a text layer is OCR'd (ocrmypdf, Norwegian) into
    a temporary copy; the plan itself is never written.
    """
    path = Path(path)
    return parse_document(read_plan_bytes(path), path.name, str(path), ocr=ocr)


def read_plan_bytes(path: Path) -> bytes:
    """The file's bytes: a regular file only (links followed), never more than the size limit."""
    if os.path.isdir(path):  # False, not an error, where a folder on the way cannot be entered
        raise InputError(f"{path}: er en mappe, ikke en fil. Oppgi en planfil.")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormatError(f"{path}: ukjent filtype '{path.suffix}'. Støttede formater: "
                                     f"{', '.join(SUPPORTED_SUFFIXES)}.")
    try:
        return read_regular_file(path, MAX_FILE_BYTES)
    except TooLarge as exc:
        raise InputTooLargeError(f"{path}: filen er for stor (over {_LIMITS_MB} MB). Del opp planen.") from exc
    except NotRegularFile as exc:
        raise InputError(f"{path}: er ikke en vanlig fil (men en enhet, et rør eller lignende). Oppgi en planfil.") from exc
    except PermissionError as exc:
        raise InputError(f"{path}: mangler lesetilgang. Sjekk filens rettigheter.") from exc
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise InputError(f"{path}: finner ikke filen. Sjekk stien.") from exc
        raise InputError(f"{path}: kan ikke lese filen ({os_reason(exc)}).") from exc


def parse_document(data: bytes, filename: str, source: str, ocr: bool = False) -> Document:
    """A plan's bytes → Document; the format is told by the content, the file name only names it."""
    suffix = Path(filename).suffix.lower()
    name = Path(filename).stem
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFormatError(f"{source}: ukjent filtype '{suffix or filename}'. Støttede formater: "
                                     f"{', '.join(SUPPORTED_SUFFIXES)}.")
    if len(data) > MAX_FILE_BYTES:
        raise InputTooLargeError(f"{source}: filen er for stor (over {_LIMITS_MB} MB). Del opp planen.")
    kind = sniff_format(data)
    if kind == "pdf":
        document = _read_pdf(data, name, source, ocr)
    elif kind == "docx":
        document = _read_docx(data, name, source)
    elif kind in ("zip", "doc", "odt"):
        raise UnsupportedFormatError(f"{source}: {_wrong_format(kind, suffix)}")
    elif suffix in (".pdf", ".docx"):
        raise InputError(f"{source}: {_wrong_format(kind, suffix)}")
    else:
        document = _read_text(data, name, source, suffix.lstrip("."))
    if not _has_text(document):
        raise InputError(f"{source}: filen er tom. Velg en plan med tekst.")
    return document


def sniff_format(data: bytes) -> str:
    """'pdf', 'docx', 'odt', 'zip', 'doc' (old Word) or 'text', by the file's first bytes."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, KeyError, ValueError):
            return "docx"  # a damaged Word file is the likeliest; its parser says so
        if "word/document.xml" in names:
            return "docx"
        return "odt" if b"opendocument" in mimetype else "zip"
    return "text"


def _wrong_format(kind: str, suffix: str) -> str:
    formats = ", ".join(SUPPORTED_SUFFIXES)
    if kind == "doc":
        return "er en eldre Word-fil (.doc). Åpne den i Word og lagre som .docx."
    if kind == "odt":
        return "er et OpenDocument-dokument (.odt). Lagre det som .docx eller PDF."
    if kind == "zip":
        return ("er ikke en lesbar Word-fil (.docx). Åpne og lagre den på nytt i Word." if suffix == ".docx"
                else f"er en zip-fil, ikke en plan. Støttede formater: {formats}.")
    if suffix == ".pdf":
        return "er ikke en lesbar PDF (skadet eller feil format)."
    return "er ikke en lesbar Word-fil (.docx). Åpne og lagre den på nytt i Word."


# --- text ---------------------------------------------------------------------------------------

def decode_text(data: bytes) -> str | None:
    """The text in `data`, or None when it is not text.

    A BOM decides; then UTF-8; otherwise charset-normalizer picks among the
    encodings a Norwegian plan comes in, and where several read equally
    cleanly the one that gives the most æ, ø and å wins (Windows-1252 and
    DOS code page 865 are both clean on Norwegian, but only one has the letters).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if data.count(b"\x00") <= len(data) // 8:  # UTF-16/32 without a BOM is full of NULs
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    import charset_normalizer

    matches = list(charset_normalizer.from_bytes(data, cp_isolation=list(TEXT_ENCODINGS)))
    if not matches:
        return None
    cleanest = min(match.chaos for match in matches)
    candidates = [match for match in matches if match.chaos <= cleanest + 0.01]
    return str(max(candidates, key=lambda match: sum(ch in "æøåÆØÅ" for ch in str(match))))


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for ch in text if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v"))
    return controls >= MIN_CONTROLS and controls > MAX_CONTROL_SHARE * len(text)


def _text_lines(text: str, page: int | None = None, start: int = 1) -> list[Line]:
    return [Line(raw.rstrip(), start + i, page) for i, raw in enumerate(text.splitlines())]


def _read_text(data: bytes, name: str, source: str, fmt: str) -> Document:
    text = decode_text(data)
    if text is not None:
        text = text.replace("\x00", "")  # stray NULs (a damaged save) are not text
    if text is None or _looks_binary(text):
        raise UnsupportedFormatError(f"{source}: ser ikke ut som tekst (binærdata). Støttede formater: "
                                     f"{', '.join(SUPPORTED_SUFFIXES)}.")
    if len(text) > MAX_TEXT_CHARS:
        raise InputTooLargeError(f"{source}: teksten er for lang (over {MAX_TEXT_CHARS} tegn). Del opp planen.")
    lines = [Line(line.text, line.number, None, _markdown_heading_level(line.text)) for line in _text_lines(text)]
    lines, tables = _markdown_tables(lines)
    return Document(name, source, fmt, tuple(lines), tuple(tables))


def _markdown_heading_level(text: str) -> int:
    stripped = text.lstrip()
    level = len(stripped) - len(stripped.lstrip("#"))
    return level if 0 < level <= 6 and stripped[level:level + 1] == " " else 0


_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")


def _markdown_tables(lines: list[Line]) -> tuple[list[Line], list[Table]]:
    """Pipe tables ('| MÅL | TILTAK | ANSVAR |' over '|---|---|---|') become tables; their lines leave the text."""
    kept: list[Line] = []
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        if "|" in lines[i].text and i + 1 < len(lines) and _PIPE_SEPARATOR.match(lines[i + 1].text):
            rows = [_pipe_cells(lines[i].text)]
            j = i + 2
            while j < len(lines) and "|" in lines[j].text and lines[j].text.strip():
                rows.append(_pipe_cells(lines[j].text))
                j += 1
            tables.append(Table(tuple(rows), len(tables) + 1, None, len(kept)))
            i = j
        else:
            kept.append(lines[i])
            i += 1
    return kept, tables


def _pipe_cells(text: str) -> tuple[str, ...]:
    text = text.strip()
    text = text[1:] if text.startswith("|") else text
    text = text[:-1] if text.endswith("|") and not text.endswith("\\|") else text
    return tuple(cell.replace("\\|", "|").strip() for cell in re.split(r"(?<!\\)\|", text))


# --- PDF and Word ----------------------------------------------------------------------------

def _document_from(answer: dict, name: str, source: str, fmt: str) -> Document:
    lines = tuple(Line(text, number, page, level, bool(bullet)) for text, number, page, level, bullet in answer["lines"])
    tables = tuple(Table(tuple(tuple(row) for row in rows), index, page, after)
                   for rows, index, page, after in answer["tables"])
    return Document(name, source, fmt, lines, tables)


def _parse(data: bytes, kind: str, source: str) -> dict:
    try:
        return parse_binary(data, kind)
    except ParseFailure as failure:
        error = InputTooLargeError if failure.kind in (TOO_BIG, TOO_MANY_PAGES) else InputError
        raise error(f"{source}: {_failure_message(failure, kind)}") from failure


def _failure_message(failure: ParseFailure, kind: str) -> str:
    what = "PDF-en" if kind == "pdf" else "Word-filen"
    if failure.kind == ENCRYPTED:
        return "PDF-en er kryptert. Lagre en kopi uten passord."
    if failure.kind == NOT_WORD:
        return "er ikke en lesbar Word-fil (.docx). Åpne og lagre den på nytt i Word."
    if failure.kind == TOO_MANY_PAGES:
        return f"PDF-en har for mange sider ({failure.detail}; grensen er {MAX_PAGES}). Del opp planen."
    if failure.kind == TOO_BIG:
        return f"{what} krever for mye minne å lese (trolig skadet eller laget for å sprenge). Lagre den på nytt."
    if failure.kind == TIMED_OUT:
        return f"{what} tok over {PARSE_TIMEOUT_SECONDS} sekunder å lese og ble stoppet. Lagre den på nytt."
    if failure.kind == DAMAGED and kind == "pdf":
        return "er ikke en lesbar PDF (skadet eller feil format)."
    return f"er ikke en lesbar {'PDF' if kind == 'pdf' else 'Word-fil'} ({failure.detail or 'skadet'})."


def _read_pdf(data: bytes, name: str, source: str, ocr: bool) -> Document:
    if ocr:
        return _read_scan(data, name, source)[0]
    document = _document_from(_parse(data, "pdf", source), name, source, "pdf")
    if not _has_text(document):
        raise ScanWithoutTextError(f"{source}: PDF-en har ikke noe tekstlag (trolig skannet). Tolk teksten med OCR "
                                   "(--ocr, eller «Skannet PDF» i arbeidsbenken).")
    return document


def read_scan(data: bytes, filename: str, source: str) -> tuple[Document, bytes | None]:
    """A PDF read as `parse_document(..., ocr=True)` reads it, and the OCR'd copy when OCR was needed.

    OCR takes minutes; the workbench keeps the copy, so a scanned draft is read again (by it, or by
    `alignment check` without --ocr) from the copy's text layer instead of being OCR'd again.
    """
    return _read_scan(data, Path(filename).stem, source)


def _read_scan(data: bytes, name: str, source: str) -> tuple[Document, bytes | None]:
    document = _document_from(_parse(data, "pdf", source), name, source, "pdf")
    if _has_text(document):
        return document, None
    copy = _ocr(data, source)
    document = _document_from(_parse(copy, "pdf", source), name, source, "pdf")
    if not _has_text(document):
        raise InputError(f"{source}: OCR fant ingen tekst i PDF-en. Sjekk at skanningen er lesbar.")
    return document, copy


def _has_text(document: Document) -> bool:
    return any(line.text.strip() for line in document.lines) or bool(document.tables)


def _ocr(data: bytes, source: str) -> bytes:
    """The scanned PDF with a Norwegian text layer, made in a temporary folder (the plan is never written)."""
    import shutil
    import subprocess
    import tempfile

    if not shutil.which("ocrmypdf"):
        raise InputError(f"{source}: OCR krever ocrmypdf med norsk Tesseract. Installer med: "
                         "sudo apt-get install ocrmypdf tesseract-ocr-nor")
    if not _tesseract_reads_norwegian():
        raise InputError(f"{source}: OCR krever Tesseracts norske språkdata. Installer med: "
                         "sudo apt-get install tesseract-ocr-nor")
    with tempfile.TemporaryDirectory(prefix="alignment-ocr-") as tmp:
        scanned, target = Path(tmp) / "skannet.pdf", Path(tmp) / "tolket.pdf"
        scanned.write_bytes(data)
        result = subprocess.run(["ocrmypdf", "-l", "nor", "--force-ocr", "--quiet", str(scanned), str(target)],
                                capture_output=True, text=True)
        if result.returncode != 0 or not target.is_file():
            reason = (result.stderr.strip().splitlines() or ["ukjent feil"])[-1]
            raise InputError(f"{source}: OCR mislyktes ({reason}). Sjekk at skanningen er lesbar.")
        return target.read_bytes()


def _tesseract_reads_norwegian() -> bool:
    import shutil
    import subprocess

    if not shutil.which("tesseract"):
        return False
    listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    return "nor" in (listed.stdout + listed.stderr).split()


def _read_docx(data: bytes, name: str, source: str) -> Document:
    _check_zip(data, source)
    return _document_from(_parse(data, "docx", source), name, source, "docx")


def _check_zip(data: bytes, source: str) -> None:
    """Refuse a zip whose members would inflate beyond the limits, before any parser inflates them.

    The declared sizes are checked first; then every member is inflated once,
    in chunks, counting the real bytes (zipfile stops at the declared size and
    checks the CRC, so a member that lies about its size fails here).
    """
    bomb = (f"{source}: Word-filen pakker seg ut til mer enn {MAX_UNZIPPED_BYTES // (1024 * 1024)} MB eller er "
            f"uvanlig hardt pakket, og blir ikke lest. Lagre den på nytt i Word.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise InputTooLargeError(bomb)
            if any(m.file_size > 1024 * 1024 and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1) for m in members):
                raise InputTooLargeError(bomb)
            inflated = 0
            for member in members:
                with archive.open(member) as handle:
                    while chunk := handle.read(1024 * 1024):
                        inflated += len(chunk)
                        if inflated > MAX_UNZIPPED_BYTES:
                            raise InputTooLargeError(bomb)
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError,
            NotImplementedError) as exc:
        raise InputError(f"{source}: er ikke en lesbar Word-fil (.docx). Åpne og lagre den på nytt i Word.") from exc
