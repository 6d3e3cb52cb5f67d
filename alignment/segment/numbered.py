"""Reader: numbered 'Tiltak 3: ...' items with 'Ansvar:', 'Frist:' and 'Mål:' lines under them.

The item's text runs on until a blank line, a field line or a heading; an
'Ansvar:' value may wrap onto the next lines.
"""

from __future__ import annotations

from ..records import Document
from ..textnorm import fold, join_lines
from .draft import MeasureDraft
from .patterns import FIELD, NUMBERED_MEASURE, heading_of, section_before, split_units


def read_numbered(document: Document) -> list[MeasureDraft]:
    lines = document.lines
    measures: list[MeasureDraft] = []
    current: MeasureDraft | None = None
    field_open: str | None = None
    for index, line in enumerate(lines):
        text = line.text.strip()
        match = NUMBERED_MEASURE.match(text)
        if match:
            current = MeasureDraft(
                section_before(lines, index), "", match.group(2).strip(), line=line.number,
                page=line.page, layout="nummerert liste", group=f"Tiltak {match.group(1)}",
            )
            measures.append(current)
            field_open = "text"
            continue
        if current is None:
            continue
        field_match = FIELD.match(text)
        if field_match:
            name = fold(field_match.group(1))
            value = field_match.group(2).strip()
            if name.startswith("ansvar"):
                current.ansvar = split_units(value)
                field_open = "ansvar"
            elif name.startswith(("frist", "tid")):
                current.frist = value
                field_open = None
            else:
                current.title = value
                field_open = None
            continue
        if not text or heading_of(line):
            field_open = None
            if heading_of(line):
                current = None
            continue
        if field_open == "text":
            current.text = join_lines([current.text, text])
        elif field_open == "ansvar":
            current.ansvar = split_units(", ".join([*current.ansvar, text]))
    return measures
