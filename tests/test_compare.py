import io

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from alignment.cli import main
from alignment.compare import compare_plans

from .conftest import ALNA, FROGNER


@pytest.fixture(scope="module")
def comparison(small_model):
    return compare_plans([FROGNER, ALNA], model=small_model)


def test_matrix_has_36_rows_and_a_column_per_district(comparison):
    matrix = comparison.matrix
    assert len(matrix) == 36
    assert [d.name for d in comparison.districts] == ["Bydel Frogner", "Bydel Alna"]
    assert {"Bydel Frogner: status", "Bydel Alna: status"} <= set(matrix.columns)
    assert set(matrix["Bydel Frogner: status"]) <= {"Dekket", "Delvis", "Mangler"}


def test_xlsx_opens_with_pandas(comparison):
    sheets = pd.read_excel(io.BytesIO(comparison.xlsx_bytes), sheet_name=None)
    assert list(sheets) == ["Matrise", "Bydel Frogner", "Bydel Alna"]
    assert sheets["Matrise"].shape[0] == 36
    assert sheets["Bydel Frogner"].shape[0] == 45 and "Svarer til Byrådets tiltak" in sheets["Bydel Frogner"].columns


def test_xlsx_has_frozen_header_and_widths(comparison):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(comparison.xlsx_bytes))
    sheet = book["Matrise"]
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["E"].width >= 40


def test_csv_has_a_bom_for_excel(comparison):
    data = comparison.csv_bytes
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Byrådets tekst" in data.decode("utf-8-sig").splitlines()[0]


def test_comparison_page_structure(comparison):
    soup = BeautifulSoup(comparison.html, "html.parser")
    rows = soup.select("table.matrix tr[data-filter-row]")
    assert len(rows) == 36
    headers = [th.get_text(strip=True) for th in soup.select("table.matrix thead th")]
    assert headers[-2:] == ["Bydel Frogner", "Bydel Alna"]
    links = [a["href"] for a in soup.select("#dekning a")]
    assert links == ["frogner.html", "alna.html"]
    assert [h.get_text() for h in soup.select("h1, h2")][:3] == [
        "Bydelenes planer mot Byrådets strategiske plan for rusfeltet", "Dekning per bydel", "Tiltak ingen bydel tar opp"
    ]


def test_unreadable_plan_is_reported_and_others_go_on(small_model, tmp_path):
    bad = tmp_path / "tom.txt"
    bad.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["compare", str(FROGNER), str(bad), "--out", str(tmp_path / "out"),
                                       "--model", small_model, "--quiet"])
    assert result.exit_code == 3
    assert "Bydel Frogner:" in result.output and "tom.txt: filen er tom" in result.output
    assert (tmp_path / "out" / "sammenligning.html").exists() and (tmp_path / "out" / "frogner.html").exists()


def test_compare_without_plans_uses_the_examples_and_format_option(small_model, tmp_path):
    result = CliRunner().invoke(main, ["compare", "--out", str(tmp_path), "--model", small_model, "--format", "csv,xlsx"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sammenligning.csv", "sammenligning.xlsx"]
    assert "Bydel Frogner:" in result.output and "Bydel Alna:" in result.output


def test_unknown_format_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["compare", "--format", "pdf", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "ukjent format pdf" in result.output


def test_plans_with_the_same_name_keep_their_own_reports(small_model, tmp_path):
    for folder in ("v1", "v2"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "plan.txt").write_bytes(FROGNER.read_bytes())
    (tmp_path / "sammenligning.txt").write_bytes(ALNA.read_bytes())
    comparison = compare_plans([tmp_path / "v1/plan.txt", tmp_path / "v2/plan.txt", tmp_path / "sammenligning.txt"],
                               model=small_model)
    out = tmp_path / "out"
    comparison.write(out)
    assert {"plan.html", "plan-2.html", "sammenligning-2.html", "sammenligning.html"} <= {p.name for p in out.iterdir()}
    names = [d.name for d in comparison.districts]
    assert len(set(names)) == 3
    assert len([c for c in comparison.matrix.columns if c.endswith(": status")]) == 3


def test_nothing_is_written_when_every_plan_fails(tmp_path, small_model):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["compare", str(tmp_path / "mangler.txt"), "--out", str(out), "--model", small_model])
    assert result.exit_code == 3 and "ingenting er skrevet" in result.output
    assert not out.exists() or not list(out.iterdir())


def test_excel_gets_text_not_formulas_or_control_characters(tmp_path, small_model):
    from openpyxl import load_workbook

    plan = tmp_path / "plan.md"
    plan.write_text("Bydel Testby\n\n## Tiltak\n- =HYPERLINK(\"http://x\") lenke\n- Kurs\x07 for foreldre\n", encoding="utf-8")
    comparison = compare_plans([plan], model=small_model)
    book = load_workbook(io.BytesIO(comparison.xlsx_bytes))
    sheet = book["Bydel Testby"]
    values = [cell.value for cell in sheet["D"]]
    assert '=HYPERLINK("http://x") lenke' in values and "Kurs for foreldre" in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert "'=HYPERLINK" in comparison.csv_bytes.decode("utf-8-sig") or "=HYPERLINK" not in comparison.csv_bytes.decode("utf-8-sig")
    import time

    time.sleep(1.1)
    assert comparison.xlsx_bytes == compare_plans([plan], model=small_model).xlsx_bytes
