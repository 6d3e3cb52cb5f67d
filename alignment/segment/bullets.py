"""Reader: bullet items under a heading that names measures ('Tiltak', 'Vi vil').

The heading is a real one (markdown '#', a Word heading style) or a line
that says only that; after such a plain line the list ends at the first
line that is not an item. A trailing '(Ansvar: HBU)' gives the units.
"""

from __future__ import annotations

import re

from ..records import Document, Line
from ..textnorm import is_caps_text, join_lines
from .draft import MeasureDraft
from .patterns import BULLET_MARK, is_measure_heading, section_before, split_units


def read_bullets(document: Document) -> list[MeasureDraft]:
    lines = document.lines
    measures: list[MeasureDraft] = []
    active = plain = False
    section = ""
    current: MeasureDraft | None = None
    for index, line in enumerate(lines):
        text = line.text.strip()
        if line.heading_level:
            active, plain = is_measure_heading(text.lstrip("#").strip()), False
            section = _parent_heading(lines, index) if active else section
            current = None
            continue
        if text and not line.bullet and is_measure_heading(text) and not is_caps_text(text):
            active, plain, current = True, True, None
            section = section_before(lines, index)
            continue
        if not active or not text:
            continue
        mark = BULLET_MARK.match(line.text)
        if mark or line.bullet:
            body = line.text[mark.end():] if mark else text
            current = MeasureDraft(section, "", body.strip(), line=line.number, page=line.page, layout="punktliste")
            _split_trailing_fields(current)
            measures.append(current)
        elif current is not None and line.text.startswith((" ", "\t")):
            current.text = join_lines([current.text, text])
            _split_trailing_fields(current)
        elif plain:
            active = False
    return measures


def _parent_heading(lines: tuple[Line, ...], index: int) -> str:
    """The nearest heading above of a higher level ('## Forebygging' over '### Tiltak')."""
    level = lines[index].heading_level
    for line in reversed(lines[:index]):
        if 0 < line.heading_level < level:
            return line.text.lstrip("#").strip()
    return ""


def _split_trailing_fields(measure: MeasureDraft) -> None:
    """'Kurs i HAP (Ansvar: HBU, NAV)' → text and units."""
    match = re.search(r"\(\s*ansvar(?:lig)?\s*:\s*([^)]*)\)\s*\.?$", measure.text, re.IGNORECASE)
    if not match:
        match = re.search(r"[–-]\s*ansvar(?:lig)?\s*:\s*(.+)$", measure.text, re.IGNORECASE)
    if match:
        measure.ansvar = split_units(match.group(1))
        measure.text = measure.text[: match.start()].strip(" –-")
