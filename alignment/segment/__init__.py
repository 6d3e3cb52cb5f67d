"""Find the district's measures (tiltak) in a plan's lines and tables.

Plans state their measures in a handful of layouts, and everything else in
them (introductions, statistics, descriptions of existing services) must not
be mistaken for a measure. Each layout has its own reader, in its own
module; a reader only looks inside the part of the document its layout
marks out. `READERS` lists them by name in the order they are tried, most
specific layout first: a line an earlier reader took is not read again.
"""

from __future__ import annotations

import re
from typing import Callable, NamedTuple

from ..records import Document, Measure
from ..textnorm import fold
from .bullets import read_bullets
from .development_lists import read_development_lists
from .draft import MeasureDraft
from .flattened import read_flattened_tables
from .numbered import read_numbered
from .ocr_columns import read_ocr_column_tables
from .patterns import split_units
from .prose import BULLET_LAYOUT, read_prose
from .prose import LAYOUT as PROSE_LAYOUT
from .tables import read_tables


class Reader(NamedTuple):
    name: str
    layout: str  # what the reader recognises, as `alignment evaluate --ablations` prints it
    read: Callable[[Document], list[MeasureDraft]]


READERS: tuple[Reader, ...] = (
    Reader("tabeller", "tabeller med en TILTAK-kolonne (Word, PDF, Markdown)", read_tables),
    Reader("flate-tabeller", "MÅL/TILTAK/ANSVAR-tabell lest rad for rad", read_flattened_tables),
    Reader("ocr-kolonner", "MÅL/TILTAK/ANSVAR-tabell som OCR leste kolonne for kolonne", read_ocr_column_tables),
    Reader("nummerert", "«Tiltak 3: …» med «Ansvar: …»", read_numbered),
    Reader("utviklingslister", "lister under «Utviklingsområde» og «Nye tiltak»", read_development_lists),
    Reader("punktlister", "punktlister under en overskrift som «Tiltak» eller «Vi vil»", read_bullets),
    Reader("prosa", "tiltak i løpende tekst («Bydelen vil …», «Vi skal …») og handlingspunkter i teksten", read_prose),
)
# The prose reader reads what the layouts left; a sentence that repeats a measure a layout found
# (the introduction announcing what the table lists) is that measure, not a second one.

READER_NAMES = tuple(reader.name for reader in READERS)

__all__ = ["READERS", "READER_NAMES", "Reader", "extract_measures", "split_units"]


PROSE_LAYOUTS = frozenset({PROSE_LAYOUT, BULLET_LAYOUT})


def drop_repeats(drafts: list[MeasureDraft], layout_drafts: list[MeasureDraft]) -> list[MeasureDraft]:
    """Prose measures that say again what a layout's measure says (most of their words are in it) are left out."""
    layout_words = [_content_words(f"{d.title} {d.text}") for d in layout_drafts]
    kept = []
    for draft in drafts:
        if draft.layout in PROSE_LAYOUTS:
            words = _content_words(draft.text)
            if words and any(len(words & other) >= 0.6 * min(len(words), len(other)) for other in layout_words
                             if other):
                continue
        kept.append(draft)
    return kept


def _content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-zæøå]{4,}", fold(text)) if w not in _STOP)


_STOP = frozenset("bydelen skal ogsa blant annet innen planperioden samarbeid andre dette disse eller".split())


def extract_measures(document: Document, without: frozenset[str] = frozenset()) -> tuple[Measure, ...]:
    """All measures in document order, numbered M01, M02, ...; `without` names readers to leave out."""
    found: list[tuple[tuple[int, int], int, MeasureDraft]] = []
    taken: set[int] = set()
    for reader in READERS:
        if reader.name in without:
            continue
        own: set[int] = set()
        for draft in reader.read(document):
            if draft.row is None and draft.line in taken:
                continue
            if draft.row is None and draft.line is not None:
                own.add(draft.line)  # a reader may find two measures on one line (two sentences of a paragraph)
            found.append(((draft.line or 0, draft.row or 0), len(found), draft))
        taken |= own
    found.sort(key=lambda item: (item[0], item[1]))
    kept = [draft for _, _, draft in found if draft.text.strip() or draft.title.strip()]
    kept = drop_repeats(kept, [draft for draft in kept if draft.layout not in PROSE_LAYOUTS])
    return tuple(draft.freeze(f"M{n:02d}") for n, draft in enumerate(kept, start=1))
