"""Reader: a MÅL / TILTAK / ANSVAR table that OCR read column by column.

Starts at a lone 'MÅL' over a goal in capitals (Frogner's scanned copy):
several goal titles come first, then the measure texts, then the units; the
columns are put back together by `table_text`'s alignment of texts to titles.
"""

from __future__ import annotations

from ..records import Document
from .draft import MeasureDraft
from .table_text import COLUMNS, read_regions


def read_ocr_column_tables(document: Document) -> list[MeasureDraft]:
    return read_regions(document, COLUMNS)
