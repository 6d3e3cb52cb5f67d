"""Reader: lists under 'Utviklingsområde' and 'Nye tiltak' (Bydel Alna's layout).

Each item is a measure, whether it has a bullet, a number, an OCR'd bullet
('e', 'o') or none; a line that starts in lower case continues the item
above. The list ends at the next section heading, another list, or the
plan's challenge description and appendices. 'Tiltak 3:' items inside such a
list are left to the numbered reader.
"""

from __future__ import annotations

import re

from ..records import Document, Line
from ..textnorm import fold, join_lines, repair_ocr
from .draft import MeasureDraft
from .patterns import FIELD, NUMBERED_MEASURE, OCR_BULLET, heading_of, is_measure_heading, starts_lower

_LIST_STARTS = ("utviklingsomrade", "utviklingsomrader", "nye tiltak")
_LIST_STOPS = ("utfordringsbilde", "vedlegg", "sentrale foringer")


def read_development_lists(document: Document) -> list[MeasureDraft]:
    lines = document.lines
    measures: list[MeasureDraft] = []
    i = 0
    while i < len(lines):
        group = _list_heading(lines[i].text) if not lines[i].heading_level else None
        if not group:
            i += 1
            continue
        section = _section_with_continuation(lines, i)
        j = i + 1
        numbered = False
        items: list[tuple[list[str], Line]] = []
        while j < len(lines):
            line = lines[j]
            text = line.text.strip()
            if _ends_list(line) or _list_heading(text) or fold(text).startswith(_LIST_STOPS) or _is_signature(text):
                break
            if NUMBERED_MEASURE.match(text):
                numbered = True  # from here the list holds "Tiltak 3: ..." items: the numbered reader's
            if numbered or FIELD.match(text):
                j += 1
                continue
            if text and sum(ch.isalpha() for ch in text) >= 3:
                bullet = OCR_BULLET.match(text)
                body = text[bullet.end():] if bullet else text
                repaired = repair_ocr(body[:3])
                if items and not bullet and starts_lower(repaired):
                    items[-1][0].append(body)
                else:
                    items.append(([body], line))
            j += 1
        for parts, line in items:
            text = join_lines(parts)
            if len(text.split()) >= 2:
                measures.append(MeasureDraft(section, "", text, line=line.number, page=line.page, layout="liste",
                                             group=group))
        i = j
    return measures


def _list_heading(text: str) -> str | None:
    folded = fold(text).strip(" :")
    for start in _LIST_STARTS:
        if folded == start:
            return text.strip(" :")
    return None


def _ends_list(line: Line) -> bool:
    """A section heading ends a list; a long numbered item ('1. Bydelen skal tilby ...') does not."""
    heading = heading_of(line)
    if not heading:
        return False
    return not (re.match(r"^\s*\d{1,2}[.)]\s", line.text) and len(heading.split()) > 7)


def _is_signature(text: str) -> bool:
    return bool(re.match(r"^[A-ZÆØÅ][\wæøå]+,\s*\d{1,2}\.", text))


def _section_with_continuation(lines: tuple[Line, ...], index: int) -> str:
    """The section heading above a list, with a wrapped second line put back."""
    for k in range(index - 1, -1, -1):
        heading = heading_of(lines[k])
        if heading and not is_measure_heading(heading):
            for follow in lines[k + 1:index]:
                text = follow.text.strip()
                if not text:
                    continue
                if starts_lower(text) and len(text.split()) <= 6:
                    heading = f"{heading} {text}"
                break
            return heading
    return ""
