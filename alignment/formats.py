"""Parse a PDF or Word file into lines and tables, in a separate process with a memory cap and a time limit.

PDF and DOCX parsers inflate compressed streams and build trees in memory;
a hostile or broken file (a decompression bomb, a pathological page) can
make them take gigabytes or run for ever. `parse_binary` therefore runs the
parser in a child process (`python -m alignment.formats`) that caps its own
address space and is killed after a time limit, so the tool, or the server
that holds every advisor's work, never pays for a bad file.

The child reads the file's bytes on stdin and writes one JSON object on
stdout: {"lines": [...], "tables": [...]} or {"error": kind}.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys

PARSE_TIMEOUT_SECONDS = 120
PARSE_MEMORY_BYTES = 3 * 1024 ** 3
MAX_PAGES = 1000

# Kinds of failure the child reports; `ingest` turns each into a Norwegian message.
ENCRYPTED, DAMAGED, NOT_WORD, TOO_MANY_PAGES, TOO_BIG, TIMED_OUT = (
    "encrypted", "damaged", "not-word", "too-many-pages", "too-big", "timed-out")


class ParseFailure(Exception):
    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind)
        self.kind = kind
        self.detail = detail


def parse_binary(data: bytes, kind: str, timeout: float = PARSE_TIMEOUT_SECONDS, memory: int = PARSE_MEMORY_BYTES,
                 max_pages: int = MAX_PAGES) -> dict:
    """Lines and tables of a "pdf" or "docx" file's bytes, parsed in a capped child process."""
    command = [sys.executable, "-m", "alignment.formats", kind, str(memory), str(max_pages)]
    try:
        result = subprocess.run(command, input=data, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise ParseFailure(TIMED_OUT) from exc
    try:
        answer = json.loads(result.stdout)
    except ValueError:
        # The child died without answering: it hit its memory cap (MemoryError or killed) or crashed.
        raise ParseFailure(TOO_BIG if result.returncode else DAMAGED, result.stderr.decode(errors="replace")[-300:])
    if "error" in answer:
        raise ParseFailure(answer["error"], answer.get("detail", ""))
    return answer


# --- in the child -------------------------------------------------------------------------

def _limit_memory(limit: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _pdf(data: bytes, max_pages: int) -> dict:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    lines: list[list] = []
    tables: list[list] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) > max_pages:
                return {"error": TOO_MANY_PAGES, "detail": str(len(pdf.pages))}
            for page_number, page in enumerate(pdf.pages, start=1):
                _pdf_page(page, page_number, lines, tables)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        return {"error": ENCRYPTED}
    except MemoryError:
        return {"error": TOO_BIG}
    except Exception as exc:  # pdfminer raises many kinds on damaged files; pdfplumber wraps them
        causes = _causes(exc)
        if any(isinstance(c, (PDFPasswordIncorrect, PDFEncryptionError)) for c in causes):
            return {"error": ENCRYPTED}
        if any(isinstance(c, MemoryError) for c in causes):
            return {"error": TOO_BIG}
        return {"error": DAMAGED, "detail": type(exc).__name__}
    return {"lines": lines, "tables": tables}


def _causes(exc: BaseException) -> list:
    """The exception, what it wraps (args, __cause__, __context__), and so on down."""
    seen, todo = [], [exc]
    while todo:
        current = todo.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [current.__cause__, current.__context__, *(a for a in current.args if isinstance(a, BaseException))]
    return seen


def _pdf_page(page, page_number: int, lines: list[list], tables: list[list]) -> None:
    """Text lines outside tables, and tables placed after the lines above them on the page."""
    found = page.find_tables()
    if found:
        # A row split at a page break has no rule under it, and pdfplumber would drop it (text and all):
        # rule off every table at the top and bottom of its box.
        edges = sorted({round(edge, 2) for table in found for edge in _vertical_extent(page, table.bbox)})
        found = page.find_tables({"explicit_horizontal_lines": edges})
    boxes = [table.bbox for table in found]

    def outside_tables(obj) -> bool:
        x = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
        y = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    source = page.filter(outside_tables) if boxes else page
    text_lines = source.extract_text_lines(return_chars=True)
    text = source.extract_text() or ""
    start = len(lines)
    raw_lines = text.splitlines()
    levels = _pdf_heading_levels(text_lines, raw_lines)
    page_lines = [[raw.rstrip(), start + 1 + i, page_number, levels[i], False] for i, raw in enumerate(raw_lines)]
    for table in sorted(found, key=lambda t: t.bbox[1]):
        above = sum(1 for line in text_lines if line["top"] < table.bbox[1])
        rows = [[(cell or "").strip() for cell in row] for row in table.extract()]
        tables.append([rows, len(tables) + 1, page_number, start + min(above, len(page_lines))])
    lines.extend(page_lines)


def _pdf_heading_levels(text_lines: list[dict], raw_lines: list[str]) -> list[int]:
    """A heading level per line of the page's text, told by type size and weight (a PDF has no styles).

    Larger type than the page's body text is a heading (level 1 or 2 by how much larger); a short line set
    wholly in bold at body size is level 3. Lines are matched to the text by their words, in order.
    """
    from collections import Counter

    levels = [0] * len(raw_lines)
    sizes = Counter(round(c["size"], 1) for line in text_lines for c in line.get("chars", ()) if c["text"].strip())
    if not sizes:
        return levels
    body = sizes.most_common(1)[0][0]
    k = 0
    for line in text_lines:
        words = " ".join(line["text"].split())
        while k < len(raw_lines) and " ".join(raw_lines[k].split()) != words:
            k += 1
        if k == len(raw_lines):
            break
        levels[k] = _pdf_line_level(line, words, body)
        k += 1
    return levels


def _pdf_line_level(line: dict, words: str, body: float) -> int:
    chars = [c for c in line.get("chars", ()) if c["text"].strip()]
    if not chars or not words[:1].isupper() and not words[:1].isdigit() or len(words.split()) > 14:
        return 0
    if words.endswith((".", ",", ";")) or not any(ch.isalpha() for ch in words):
        return 0
    size = sorted(c["size"] for c in chars)[len(chars) // 2]
    if size >= 1.6 * body:
        return 1
    if size >= 1.15 * body:
        return 2
    bold = all(any(mark in c.get("fontname", "") for mark in ("Bold", "Black", "Heavy", "Semibold")) for c in chars)
    return 3 if bold and size >= 0.95 * body and not words.endswith(":") else 0


def _vertical_extent(page, bbox) -> tuple[float, float]:
    """Top and bottom of the table's column rules, which run on past a row that has no rule under it."""
    x0, top, x1, bottom = bbox
    rules = [edge for edge in page.vertical_edges
             if x0 - 1 <= edge["x0"] <= x1 + 1 and edge["top"] <= bottom + 1 and edge["bottom"] >= top - 1]
    return (min([top, *(edge["top"] for edge in rules)]), max([bottom, *(edge["bottom"] for edge in rules)]))


def _docx(data: bytes) -> dict:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        word = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError):
        return {"error": NOT_WORD}
    except MemoryError:
        return {"error": TOO_BIG}
    except Exception as exc:  # lxml and zipfile raise many kinds on damaged files
        return {"error": NOT_WORD, "detail": type(exc).__name__}
    lines: list[list] = []
    tables: list[list] = []
    _docx_blocks(word.element.body, word, lines, tables)
    return {"lines": lines, "tables": tables}


def _docx_blocks(parent, word, lines: list[list], tables: list[list]) -> None:
    """Paragraphs and tables in order, also inside content controls (w:sdt) that templates use."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for block in parent.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(block, word)
            bullet = _docx_is_list_item(paragraph)
            for text in (paragraph.text or "").splitlines() or [""]:
                lines.append([text.rstrip(), len(lines) + 1, None, _docx_heading_level(paragraph), bullet])
        elif tag == "tbl":
            tables.append([_docx_table_rows(Table(block, word)), len(tables) + 1, None, len(lines)])
        elif tag in ("sdt", "sdtContent", "customXml"):
            _docx_blocks(block, word, lines, tables)


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


def _docx_cell_text(cell) -> str:
    """A cell's paragraphs, one a line; a list item keeps a bullet, so a cell of two listed measures reads as two."""
    lines = []
    for paragraph in cell.paragraphs:
        text = paragraph.text.strip()
        if text:
            lines.append(f"• {text}" if _docx_is_list_item(paragraph) and not text.startswith("•") else text)
    return "\n".join(lines)


def _docx_table_rows(table) -> list[list[str]]:
    """Cell texts per row, one per grid column, so a column means the same in every row.

    A cell merged across columns (python-docx repeats it) keeps its text in its first column and leaves the
    others empty; a cell merged down over rows repeats its text in each, which is what the rows mean.
    """
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            cells.append("" if id(cell._tc) in seen else _docx_cell_text(cell))
            seen.add(id(cell._tc))
        rows.append(cells)
    return rows


def _main() -> None:
    kind, memory, max_pages = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    _limit_memory(memory)
    data = sys.stdin.buffer.read()
    try:
        answer = _pdf(data, max_pages) if kind == "pdf" else _docx(data)
    except MemoryError:
        answer = {"error": TOO_BIG}
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    _main()
