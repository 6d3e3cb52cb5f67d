"""An advisor's corrections of the extraction, applied before matching.

No reader is right about every plan, so an advisor can say that a passage
of the plan is a measure the readers missed, or that something they found is
not a measure. Corrections name the text, not a measure number, so they hold
for a new draft where the text is the same: an added passage is found in the
plan again (and keeps its place and chapter), and a rejected find is left out
wherever it turns up.
"""

from __future__ import annotations

from dataclasses import replace

from ..records import Document, Measure, MeasureCorrection
from ..textnorm import fold
from .chapters import split_chapters

ADDED_LAYOUT = "lagt til av rådgiver"


def correction_key(text: str) -> str:
    """A passage's identity: its words, ignoring case, accents, spacing and the full stop."""
    return " ".join(fold(text).split()).strip(" .")


def apply_corrections(document: Document, measures: tuple[Measure, ...], added: tuple[MeasureCorrection, ...],
                      rejected: tuple[MeasureCorrection, ...]) -> tuple[Measure, ...]:
    """The measures with rejected finds left out and added passages put in at their place, numbered anew."""
    if not added and not rejected:
        return measures
    refused = {correction_key(c.text) for c in rejected}
    kept = [m for m in measures if correction_key(m.text) not in refused]
    present = {correction_key(m.text) for m in kept}
    for correction in added:
        key = correction_key(correction.text)
        if key and key not in present and key not in refused:
            kept.append(added_measure(document, correction.text))
            present.add(key)
    ordered = sorted(enumerate(kept), key=lambda item: (item[1].line is None, item[1].line or 0, item[1].row or 0,
                                                        item[0]))
    return tuple(replace(m, id=f"M{n:02d}") for n, (_, m) in enumerate(ordered, start=1))


def added_measure(document: Document, text: str) -> Measure:
    """A passage as a measure: where it stands in the plan (line, page, chapter), when it can be found there."""
    text = " ".join(text.split())
    line, page = locate(document, text)
    heading = ""
    if line is not None:
        index = next((k for k, candidate in enumerate(document.lines) if candidate.number == line), None)
        chapter = next((c for c in split_chapters(document) if index is not None and c.start <= index < c.end), None)
        heading = chapter.heading if chapter else ""
    title = heading.split(" ", 1)[1] if heading[:1].isdigit() and " " in heading else heading
    return Measure("", heading, title, text, (), line, page, ADDED_LAYOUT)


def locate(document: Document, text: str) -> tuple[int | None, int | None]:
    """The line (and page) where the passage starts, searching the text and then the tables' cells."""
    needle = correction_key(text)[:60]
    if not needle:
        return None, None
    joined, starts = "", []
    for line in document.lines:
        starts.append((len(joined), line))
        joined += correction_key(line.text) + " "
    position = joined.find(needle)
    if position >= 0:
        line = next(ln for offset, ln in reversed(starts) if offset <= position)
        return line.number, line.page
    for table in document.tables:
        if any(needle in correction_key(cell) for row in table.rows for cell in row):
            before = document.lines[table.after_line - 1] if table.after_line else None
            return (before.number if before else 0), table.page
    return None, None
