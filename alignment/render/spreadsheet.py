"""The comparison as spreadsheets: a CSV for any tool, and an XLSX for Excel.

Both come from one pandas frame of the matrix (one row per tiltak, status,
score and evidence per district); the XLSX adds a sheet per district with
its measures. Text a spreadsheet would run as a formula stays text, and the
XLSX carries fixed timestamps so the same input gives the same bytes.
"""

from __future__ import annotations

import io
import re

import pandas as pd

from ..records import STATUS_LABELS, Comparison, District
from .package import FIXED_TIME, with_fixed_times

MEASURE_COLUMNS = ["Nr.", "Seksjon", "Mål", "Tiltak", "Ansvar", "Svarer til Byrådets tiltak", "Skår"]


def matrix_frame(comparison: Comparison) -> pd.DataFrame:
    """One row per tiltak; per district its status (Norwegian word) and score."""
    rows = []
    for tiltak in comparison.reference.tiltak:
        row = {
            "Tiltak": tiltak.id,
            "Strategi": comparison.reference.strategy_text(tiltak.strategy),
            "Liste": f"{tiltak.section} {tiltak.heading}",
            "Hvem skal handle": tiltak.owner_label,
            "Byrådets tekst": tiltak.text,
        }
        for district in comparison.districts:
            verdict = district.verdict(tiltak.id)
            row[f"{district.name}: status"] = STATUS_LABELS[verdict.status] + (
                " (rådgiver)" if verdict.decided_by == "reviewer" else "")
            row[f"{district.name}: skår"] = verdict.score
            row[f"{district.name}: belegg"] = "; ".join(e.measure.id for e in verdict.evidence)
        rows.append(row)
    return pd.DataFrame(rows)


def measures_frame(district: District) -> pd.DataFrame:
    rows = []
    for match in district.analysis.matches:
        m = match.measure
        rows.append({
            "Nr.": m.id,
            "Seksjon": m.section,
            "Mål": m.title,
            "Tiltak": m.text,
            "Ansvar": ", ".join(m.ansvar),
            "Svarer til Byrådets tiltak": ", ".join(tiltak_id for tiltak_id, _ in match.matches) or "(eget tiltak)",
            "Skår": max((score for _, score in match.matches), default=None),
        })
    return pd.DataFrame(rows, columns=MEASURE_COLUMNS)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value):
    """A CSV cell that a spreadsheet shows as text: one starting like a formula gets a leading apostrophe."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def comparison_csv(comparison: Comparison) -> bytes:
    """UTF-8 with a BOM, so Excel shows æøå right; every text cell, headers included, goes through `csv_text`."""
    frame = matrix_frame(comparison)
    frame = frame.map(csv_text).rename(columns=csv_text)
    return frame.to_csv(index=False, sep=";", lineterminator="\r\n").encode("utf-8-sig")


def comparison_xlsx(comparison: Comparison) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        _sheet(writer, "Matrise", matrix_frame(comparison))
        used: set[str] = {"matrise"}
        for district in comparison.districts:
            _sheet(writer, _sheet_name(district.name, used), measures_frame(district))
        book = writer.book
        book.properties.creator = "alignment"
        book.properties.created = book.properties.modified = FIXED_TIME
    return with_fixed_times(buffer.getvalue())


def _sheet(writer, name: str, frame: pd.DataFrame) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    def clean(value):
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    frame = frame.map(clean).rename(columns=clean)
    frame.to_excel(writer, sheet_name=name, index=False)
    sheet = writer.sheets[name]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":  # text from a plan (or its file name) that starts with '=' stays text
                cell.data_type = "s"
    sheet.freeze_panes = "B2"
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(frame.columns, start=1):
        values = [str(column), *("" if pd.isna(v) else str(v) for v in frame[column])]
        width = min(max(len(v) for v in values) + 2, 60)
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(width, 8)
        if width >= 60:
            for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                row[0].alignment = Alignment(wrap_text=True, vertical="top")


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel allows 31 characters, no []:*?/\\ or control characters, no leading apostrophe, no duplicates.

    A leading formula character goes too: a sheet name is never evaluated, but every text from a plan's
    name is kept free of them.
    """
    base = re.sub(r"[\[\]:*?/\\\x00-\x1f\x7f]", "", name).lstrip("'=+-@ ")[:31].rstrip("'") or "Plan"
    candidate, n = base, 2
    while candidate.casefold() in used:  # Excel compares sheet names without case
        suffix = f" {n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.casefold())
    return candidate
