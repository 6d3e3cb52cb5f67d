"""Reader: real tables with a TILTAK column (Word and PDF tables, Markdown pipe tables).

Each row under the header is a measure; the MÅL (or area), ANSVAR and FRIST
columns, where the table has them, give its title, units and deadline. An
action table ("handlingsdel") is often landscape and spans pages, so:

- a table that goes on on the next page (same columns, with or without the
  header repeated) is read as one table, and a row broken across the page
  break is put back together;
- a cell left empty under a vertically merged area or goal cell takes the
  value above it (PDF gives the merged text only in the first row);
- a TILTAK cell that holds two measures, as separate lines or bullets that
  each start an action, gives two measures.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..records import Document, Table
from ..textnorm import fold, join_lines
from .chapters import chapter_heading, is_page_furniture
from .commitments import is_action_line, read_commitment, split_sentences
from .draft import MeasureDraft
from .patterns import BULLET_MARK, section_before, split_units

_GOAL_HEADERS = ("mal", "maal", "malsetting", "delmal", "mal/tiltak", "effektmal", "resultatmal")
_AREA_HEADERS = ("omrade", "innsatsomrade", "satsingsomrade", "tema", "fokusomrade", "strategi", "malgruppe")
_UNIT_HEADERS = ("ansvar", "ansvarlig", "ansvarlige", "ansvarlig enhet", "ansvar/samarbeid")
_SENTENCE_END = (".", "!", "?", ":", ";")


@dataclass(frozen=True)
class _LogicalTable:
    """One table as the plan means it: the parts a PDF's page breaks cut it into, under one header."""

    first: Table
    columns: dict[str, int]
    rows: tuple[tuple[Table, int, tuple[str, ...]], ...]  # (the part it is on, row number, cells)


def read_tables(document: Document) -> list[MeasureDraft]:
    measures = []
    for table in document.tables:
        measures.extend(_measures_from_card(document, table))
    for table in logical_tables(document):
        measures.extend(_measures_from_table(document, table))
    return measures


def _field_of(label: str) -> str | None:
    """Which field a label names: 'Tiltak' → tiltak, 'Mål' → title, 'Ansvar' → ansvar, 'Frist' → frist."""
    key = fold(" ".join(label.split())).strip(" :")
    if key in ("tiltak", "tiltak/aktivitet", "aktiviteter", "aktivitet") or key.startswith("tiltak "):
        return "tiltak"
    if key in _GOAL_HEADERS or key.startswith("mal "):
        return "title"
    if key in _AREA_HEADERS:
        return "area"
    if key in _UNIT_HEADERS or key.startswith("ansvar"):
        return "ansvar"
    if key.startswith(("frist", "tidsplan", "tidsramme", "nar", "tidsperspektiv")):
        return "frist"
    return None


def _card_fields(table: Table) -> dict[str, str] | None:
    """A table read down its first column, a label a row ('Mål' | …, 'Tiltak' | …): a card for one goal."""
    rows = [row for row in table.rows if any(cell.strip() for cell in row)]
    if len(rows) < 2 or any(len(row) < 2 for row in rows):
        return None
    fields = {}
    for row in rows:
        field = _field_of(row[0])
        if field is None:
            return None
        fields[field] = "\n".join(cell for cell in row[1:] if cell.strip())
    return fields if "tiltak" in fields and len(fields) >= 2 else None


def _measures_from_card(document: Document, table: Table) -> list[MeasureDraft]:
    fields = _card_fields(table)
    if fields is None:
        return []
    line_number = document.lines[table.after_line - 1].number if table.after_line else 0
    flat = {name: " ".join(value.split()) for name, value in fields.items()}
    return [MeasureDraft(section=section_before(document.lines, table.after_line),
                         title=flat.get("area") or flat.get("title", ""), text=piece,
                         ansvar=split_units(flat.get("ansvar", "")), line=line_number, page=table.page,
                         layout=f"tabell {table.index}", group=flat.get("title", "") if flat.get("area") else "",
                         frist=flat.get("frist", ""), row=k)
            for k, piece in enumerate(split_cell(fields["tiltak"]), start=1)]


def logical_tables(document: Document) -> list[_LogicalTable]:
    """Tables with a TILTAK column, each continued by the parts that follow it on the next pages."""
    result: list[_LogicalTable] = []
    previous: Table | None = None
    for table in document.tables:
        if _card_fields(table) is not None:
            previous = table
            continue
        header_index, columns = _find_header(table.rows)
        if header_index is None and result and _continues(previous, table, document):
            last = result[-1]
            width = max(last.columns.values()) + 1
            if all(len(row) >= width for row in table.rows if any(row)):
                numbered = tuple((table, len(last.rows) + k + 1, tuple(row)) for k, row in enumerate(table.rows))
                result[-1] = _LogicalTable(last.first, last.columns, last.rows + numbered)
                previous = table
                continue
        if header_index is not None:
            body = table.rows[header_index + 1:]
            if result and _continues(previous, table, document) and _same_header(result[-1], columns):
                last = result[-1]
                numbered = tuple((table, len(last.rows) + k + 1, tuple(row)) for k, row in enumerate(body))
                result[-1] = _LogicalTable(last.first, last.columns, last.rows + numbered)
            else:
                result.append(_LogicalTable(table, columns,
                                            tuple((table, k + 1, tuple(row)) for k, row in enumerate(body))))
        previous = table
    return result


def _continues(previous: Table | None, table: Table, document: Document) -> bool:
    """The table starts the page after the one `previous` ends on, with no heading or paragraph between them."""
    if previous is None or previous.page is None or table.page != previous.page + 1:
        return False
    between = [line for line in document.lines[previous.after_line:table.after_line] if line.text.strip()]
    return all(is_page_furniture(line) or (chapter_heading(line) is None and len(line.text.split()) <= 10)
               for line in between) and len(between) <= 3


def _same_header(table: _LogicalTable, columns: dict[str, int]) -> bool:
    return table.columns == columns


def _measures_from_table(document: Document, table: _LogicalTable) -> list[MeasureDraft]:
    columns = table.columns
    section = section_before(document.lines, table.first.after_line)
    line_number = document.lines[table.first.after_line - 1].number if table.first.after_line else 0
    measures: list[MeasureDraft] = []
    above = {"title": "", "area": ""}
    previous_part = table.first
    for part, row_number, row in table.rows:
        def cell(name: str, keep_lines: bool = False) -> str:
            i = columns.get(name)
            if i is None or i >= len(row):
                return ""
            return row[i].strip() if keep_lines else " ".join(row[i].split())

        text = cell("tiltak", keep_lines=True)
        if _is_header_again(text):
            continue
        starts_part, previous_part = part is not previous_part, part
        if measures and starts_part and _continues_row(text, row, columns, measures[-1]):
            measures[-1].text = join_lines([measures[-1].text, " ".join(text.split())])
            continue
        for name in ("title", "area"):
            above[name] = cell(name) or above[name]  # a merged cell is empty below its first row
        if not text:
            continue
        for piece in split_cell(text):
            measures.append(
                MeasureDraft(
                    section=section,
                    # the area ("Forebygging") as the title when the table has one: a goal sentence shared
                    # by several rows pulls them all towards the same tiltak (storskog: 0.86 → 0.75 with the goal)
                    title=above["area"] or above["title"],
                    text=piece,
                    ansvar=split_units(cell("ansvar")),
                    line=line_number,
                    page=part.page,
                    layout=f"tabell {table.first.index}",
                    group=above["title"] if above["area"] else "",
                    frist=cell("frist"),
                    row=row_number,
                )
            )
    return measures


def _is_header_again(text: str) -> bool:
    folded = fold(" ".join(text.split())).strip(" :")
    return folded == "tiltak" or folded.startswith("tiltak (")


def _continues_row(text: str, row: tuple[str, ...], columns: dict[str, int], last: MeasureDraft) -> bool:
    """A row broken across a page: the rest of the text, with the other cells empty or starting in lower case."""
    flat = " ".join(text.split())
    if not flat:
        return False
    others = [row[i] for name, i in columns.items() if name != "tiltak" and i < len(row) and row[i].strip()]
    if flat[:1].islower():
        return True
    return not others and not last.text.rstrip().endswith(_SENTENCE_END) and not is_action_line(flat)


def split_cell(text: str) -> list[str]:
    """A cell's measures: one per line or bullet when each line starts an action, else the whole cell."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    items: list[str] = []
    for line in lines:
        mark = BULLET_MARK.match(line)
        body = line[mark.end():].strip() if mark else line
        if items and not mark and (body[:1].islower() or not items[-1].rstrip().endswith(_SENTENCE_END)
                                   and not _starts_measure(body)):
            items[-1] = join_lines([items[-1], body])
        else:
            items.append(body)
    if len(items) > 1 and (all(_starts_measure(item) for item in items[1:])
                           or any(BULLET_MARK.match(line) for line in lines)):
        return [piece for item in items for piece in _sentences_as_measures(item)]
    return _sentences_as_measures(join_lines(lines)) if lines else []


def _sentences_as_measures(text: str) -> list[str]:
    """'Etablere X. Tilby Y.' in one cell is two measures; a sentence that explains the one before is not."""
    sentences = split_sentences(text)
    if len(sentences) > 1 and all(_starts_measure(sentence) for sentence in sentences):
        return sentences
    return [text]


def _starts_measure(text: str) -> bool:
    return is_action_line(text) or read_commitment(text) is not None


def _find_header(rows: tuple[tuple[str, ...], ...]) -> tuple[int | None, dict[str, int]]:
    for index, row in enumerate(rows[:3]):
        columns: dict[str, int] = {}
        for i, value in enumerate(row):
            key = fold(" ".join(value.split())).strip(" :")
            if key == "tiltak" or key.startswith("tiltak ") or key in ("tiltak/aktivitet", "aktivitet", "aktiviteter"):
                columns.setdefault("tiltak", i)
            elif key in _GOAL_HEADERS or key.startswith("mal "):
                columns.setdefault("title", i)
            elif key in _AREA_HEADERS or key.startswith(_AREA_HEADERS):
                columns.setdefault("area", i)
            elif key in _UNIT_HEADERS or key.startswith("ansvar"):
                columns.setdefault("ansvar", i)
            elif key.startswith(("frist", "tidsplan", "tidsramme", "nar", "tidsperspektiv", "periode", "tid")):
                columns.setdefault("frist", i)
        if "tiltak" in columns:
            return index, columns
    return None, {}
