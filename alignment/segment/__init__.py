"""Find the district's measures (tiltak) in a plan's lines and tables.

Plans state their measures in a handful of layouts, and everything else in
them (introductions, statistics, descriptions of existing services) must not
be mistaken for a measure. Each layout has its own reader, in its own
module; a reader only looks inside the part of the document its layout
marks out. `READERS` lists them by name in the order they are tried, most
specific layout first: a line an earlier reader took is not read again.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

from ..records import Document, Measure
from .bullets import read_bullets
from .development_lists import read_development_lists
from .draft import MeasureDraft
from .flattened import read_flattened_tables
from .numbered import read_numbered
from .ocr_columns import read_ocr_column_tables
from .patterns import split_units
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
)
READER_NAMES = tuple(reader.name for reader in READERS)

__all__ = ["READERS", "READER_NAMES", "Reader", "extract_measures", "split_units"]


def extract_measures(document: Document, without: frozenset[str] = frozenset()) -> tuple[Measure, ...]:
    """All measures in document order, numbered M01, M02, ...; `without` names readers to leave out."""
    found: list[tuple[tuple[int, int], int, MeasureDraft]] = []
    taken: set[int] = set()
    for reader in READERS:
        if reader.name in without:
            continue
        for draft in reader.read(document):
            if draft.row is None and draft.line in taken:
                continue
            if draft.row is None and draft.line is not None:
                taken.add(draft.line)
            found.append(((draft.line or 0, draft.row or 0), len(found), draft))
    found.sort(key=lambda item: (item[0], item[1]))
    kept = [draft for _, _, draft in found if draft.text.strip() or draft.title.strip()]
    return tuple(draft.freeze(f"M{n:02d}") for n, draft in enumerate(kept, start=1))
