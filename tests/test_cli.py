import json

import pytest
from click.testing import CliRunner

from alignment.cli import main

from .conftest import ALNA, FROGNER


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", list(_commands(main)))
def test_every_command_has_help(path):
    result = CliRunner().invoke(main, [*path, "--help"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_extract_prints_the_measures():
    result = CliRunner().invoke(main, ["extract", str(FROGNER)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("frogner: 45 tiltak")
    assert "MÅL: TILBY HAP (HASJAVVENNINGS-PROGRAM)" in result.output
    assert "ANSVAR: HBU, NAV" in result.output


def test_extract_json():
    result = CliRunner().invoke(main, ["extract", str(ALNA), "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["measures"]) == 45 and data["plan"]["name"] == "alna"


def test_check_writes_html_and_json(small_model, tmp_path):
    result = CliRunner().invoke(main, ["check", str(FROGNER), "--out", str(tmp_path), "--model", small_model],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "45 tiltak funnet" in result.output and "dekket" in result.output
    data = json.loads((tmp_path / "frogner.json").read_text(encoding="utf-8"))
    assert len(data["tiltak"]) == 36
    assert (tmp_path / "frogner.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_check_without_model_says_how_to_install(no_default_model, tmp_path):
    result = CliRunner().invoke(main, ["check", str(FROGNER), "--out", str(tmp_path)])
    assert result.exit_code == 6
    assert "alignment model install" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("name, code", [("finnes-ikke.txt", 3), ("plan.xls", 3)])
def test_bad_input_is_one_line_with_exit_code(tmp_path, name, code):
    path = tmp_path / name
    if name.endswith(".xls"):
        path.write_bytes(b"x")
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == code
    assert result.output.startswith("Feil: ") and len(result.output.strip().splitlines()) == 1


def test_debug_shows_the_traceback(tmp_path):
    result = CliRunner().invoke(main, ["--debug", "extract", str(tmp_path / "nei.txt")])
    assert result.exit_code != 0 and result.exception is not None


def test_model_info_mentions_the_licence(no_default_model):
    result = CliRunner().invoke(main, ["model", "info"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Gemma Terms of Use" in result.output and "alignment model install" in result.output


def test_plan_without_measures_still_gets_a_report(small_model, tmp_path):
    plan = tmp_path / "roman.txt"
    plan.write_text("Det var en gang en bydel med en park.\n\nSlutt.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(plan), "--out", str(tmp_path / "out"), "--model", small_model])
    assert result.exit_code == 4
    assert "fant ingen tiltak" in result.output
    html = (tmp_path / "out" / "roman.html").read_text(encoding="utf-8")
    assert "Fant ingen tiltak i planen" in html
