"""Reader: real tables with a TILTAK column (Word and PDF tables, Markdown pipe tables).

Each row under the header is one measure; the MÅL, ANSVAR and FRIST columns,
where the table has them, give its title, units and deadline.
"""

from __future__ import annotations

from ..records import Document, Table
from ..textnorm import fold
from .draft import MeasureDraft
from .patterns import section_before, split_units

_TITLE_HEADERS = ("mal", "maal", "malsetting", "delmal", "mal/tiltak", "omrade", "innsatsomrade")
_UNIT_HEADERS = ("ansvar", "ansvarlig", "ansvarlige", "ansvarlig enhet", "ansvar/samarbeid")


def read_tables(document: Document) -> list[MeasureDraft]:
    measures = []
    for table in document.tables:
        measures.extend(_measures_from_table(document, table))
    return measures


def _measures_from_table(document: Document, table: Table) -> list[MeasureDraft]:
    header_index, columns = _find_header(table.rows)
    if header_index is None:
        return []
    section = section_before(document.lines, table.after_line)
    line_number = document.lines[table.after_line - 1].number if table.after_line else 0
    measures = []
    for row_number, row in enumerate(table.rows[header_index + 1:], start=1):
        def cell(name: str) -> str:
            i = columns.get(name)
            return " ".join(row[i].split()) if i is not None and i < len(row) else ""

        text = cell("tiltak")
        if not text or fold(text) == "tiltak":
            continue
        measures.append(
            MeasureDraft(
                section=section,
                title=cell("title"),
                text=text,
                ansvar=split_units(cell("ansvar")),
                line=line_number,
                page=table.page,
                layout=f"tabell {table.index}",
                frist=cell("frist"),
                row=row_number,
            )
        )
    return measures


def _find_header(rows: tuple[tuple[str, ...], ...]) -> tuple[int | None, dict[str, int]]:
    for index, row in enumerate(rows[:3]):
        columns: dict[str, int] = {}
        for i, value in enumerate(row):
            key = fold(value).strip(" :")
            if key == "tiltak" or key.startswith("tiltak "):
                columns.setdefault("tiltak", i)
            elif key in _TITLE_HEADERS:
                columns.setdefault("title", i)
            elif key in _UNIT_HEADERS or key.startswith("ansvar"):
                columns.setdefault("ansvar", i)
            elif key.startswith(("frist", "tidsplan", "tidsramme", "nar")):
                columns.setdefault("frist", i)
        if "tiltak" in columns:
            return index, columns
    return None, {}
