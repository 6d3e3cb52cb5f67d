"""Reader: a MÅL / TILTAK / ANSVAR table flattened row by row, as a text export leaves it.

Starts at a 'MÅL TILTAK ANSVAR' header line (Frogner's clean text); each
goal in capitals is followed by its measure's text and a trailing unit code.
"""

from __future__ import annotations

from ..records import Document
from .draft import MeasureDraft
from .table_text import ROWS, read_regions


def read_flattened_tables(document: Document) -> list[MeasureDraft]:
    return read_regions(document, ROWS)
