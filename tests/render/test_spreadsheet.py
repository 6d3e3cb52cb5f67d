import io

import pandas as pd
import pytest

from alignment.compare import build_comparison
from alignment.records import Document, Measure
from alignment.render.spreadsheet import comparison_csv, comparison_xlsx, matrix_frame

from ..fakes import keyword_analysis


def _comparison(*analyses, stems=None):
    analyses = list(analyses)
    return build_comparison(analyses, stems or [a.plan.name for a in analyses], [], analyses[0].reference)


@pytest.fixture(scope="module")
def frogner_comparison(frogner_analysis):
    return _comparison(frogner_analysis)


def test_matrix_has_a_row_per_tiltak_and_columns_per_district(frogner_comparison):
    matrix = matrix_frame(frogner_comparison)
    assert len(matrix) == len(frogner_comparison.reference.tiltak)
    assert {"Bydel Frogner: status", "Bydel Frogner: skår", "Bydel Frogner: belegg"} <= set(matrix.columns)
    assert set(matrix["Bydel Frogner: status"]) <= {"Dekket", "Delvis", "Mangler"}


def test_xlsx_opens_with_pandas_with_a_sheet_per_district(frogner_comparison, frogner_analysis):
    sheets = pd.read_excel(io.BytesIO(comparison_xlsx(frogner_comparison)), sheet_name=None)
    assert list(sheets) == ["Matrise", "Bydel Frogner"]
    assert sheets["Matrise"].shape[0] == len(frogner_analysis.reference.tiltak)
    assert sheets["Bydel Frogner"].shape[0] == len(frogner_analysis.measures)
    assert "Svarer til Byrådets tiltak" in sheets["Bydel Frogner"].columns


def test_xlsx_has_frozen_header_and_widths(frogner_comparison):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(comparison_xlsx(frogner_comparison)))["Matrise"]
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["E"].width >= 40


def test_csv_has_a_bom_for_excel(frogner_comparison):
    data = comparison_csv(frogner_comparison)
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Byrådets tekst" in data.decode("utf-8-sig").splitlines()[0]


def test_same_comparison_same_bytes_whatever_the_clock(frogner_comparison, monkeypatch):
    first = comparison_xlsx(frogner_comparison)
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 86400 * 400)
    assert comparison_xlsx(frogner_comparison) == first


def test_plan_text_in_cells_is_text_not_formulas_or_control_characters():
    from openpyxl import load_workbook

    measures = [Measure("M01", "", "", '=HYPERLINK("http://x") lenke'), Measure("M02", "", "", "Kurs\x07 for foreldre")]
    comparison = _comparison(keyword_analysis(measures, Document("Bydel Testby", "testby.txt", "txt")))
    sheet = load_workbook(io.BytesIO(comparison_xlsx(comparison)))["Bydel Testby"]
    values = [cell.value for cell in sheet["D"]]
    assert '=HYPERLINK("http://x") lenke' in values and "Kurs for foreldre" in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


@pytest.mark.parametrize("hostile", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1"])
def test_names_from_a_plan_never_become_formulas_anywhere(hostile):
    from openpyxl import load_workbook

    analysis = keyword_analysis([Measure("M01", "", "", "Tilby HAP")], Document(hostile, f"{hostile}.txt", "txt"))
    comparison = _comparison(analysis)
    header = comparison_csv(comparison).decode("utf-8-sig").splitlines()[0].split(";")
    assert all(not cell.startswith(("=", "+", "-", "@", "\t")) for cell in header)
    assert f"'{hostile}: status" in header
    book = load_workbook(io.BytesIO(comparison_xlsx(comparison)))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert f"{hostile.strip()}: status" in [str(c.value).strip() for c in book["Matrise"][1]]
    assert all(not name.startswith(("=", "+", "-", "@", "'")) for name in book.sheetnames)


def test_sheet_names_differ_without_case_and_keep_excels_rules():
    from openpyxl import load_workbook

    plans = [Document(name, f"{name}.txt", "txt") for name in ("Bydel X", "BYDEL X", "matrise", "a[b]:c*d?e/f\\g" * 3)]
    analyses = [keyword_analysis([Measure("M01", "", "", "Tilby HAP")], d) for d in plans]
    names = load_workbook(io.BytesIO(comparison_xlsx(_comparison(*analyses)))).sheetnames
    assert len({n.casefold() for n in names}) == len(names) == 5
    assert all(len(n) <= 31 and not set("[]:*?/\\") & set(n) for n in names)
