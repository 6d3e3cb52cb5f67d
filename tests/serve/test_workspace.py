import json

import pytest

from alignment.serve.workspace import Workspace, guess_district, plan_id, plan_id_from_url, safe_file_name


@pytest.mark.parametrize("name, safe", [
    ("../../x.txt", "x.txt"),
    ("..\\..\\Windows\\y.PDF", "y.pdf"),
    ("/etc/passwd", "passwd"),
    ("....txt", "plan.txt"),
    ("plan med æøå.docx", "plan_med_æøå.docx"),
    ("\x00ond\n.md", "ond.md"),
    (".bashrc", "bashrc"),
])
def test_upload_names_become_safe_names_inside_the_plan(name, safe):
    assert safe_file_name(name) == safe


def test_districts_name_plans_and_are_guessed_from_file_names():
    assert plan_id("Bydel Søndre Nordstrand") == "bydel-sondre-nordstrand" and plan_id("") == "plan"
    assert guess_district("sondre_nordstrand-utkast 2.docx") == "Bydel Søndre Nordstrand"
    assert guess_district("frogner.txt") == "Bydel Frogner" and guess_district("plan.txt") == ""
    assert plan_id_from_url("bydel-frogner") == "bydel-frogner"
    assert plan_id_from_url("../etc") == "" and plan_id_from_url("Bydel") == ""


def test_versions_are_stored_in_order_and_read_back(tmp_path):
    workspace = Workspace(tmp_path / "arbeidsmappe")
    for number, name in enumerate(["frogner.txt", "../frogner v2.docx"], start=1):
        with workspace.lock("bydel-frogner"):
            plan, version = workspace.next_version("bydel-frogner", "Bydel Frogner", name, f"sha{number}",
                                                   "2026-12-04T12:00:00+01:00", False)
            workspace.store_version(plan, version, f"utkast {number}".encode(), "{}\n")
    plan = workspace.plan("bydel-frogner")
    assert [v.file for v in plan.versions] == ["versjoner/1-frogner.txt", "versjoner/2-frogner_v2.docx"]
    assert workspace.version_path(plan, plan.latest).read_bytes() == b"utkast 2"
    assert (tmp_path / "arbeidsmappe" / "bydel-frogner" / "versjoner" / "2-frogner_v2.json").read_text() == "{}\n"
    assert [p.id for p in workspace.plans()] == ["bydel-frogner"]
    assert json.loads((tmp_path / "arbeidsmappe" / "bydel-frogner" / "plan.json").read_text())["district"] == "Bydel Frogner"
    assert workspace.review_path(plan).name == "bydel-frogner.review.yaml"


def test_folders_that_are_not_plans_are_left_alone(tmp_path):
    workspace = Workspace(tmp_path)
    (tmp_path / "noe-annet").mkdir()
    (tmp_path / "ødelagt").mkdir()
    (tmp_path / "ødelagt" / "plan.json").write_text("{ikke json", encoding="utf-8")
    assert workspace.plans() == [] and workspace.plan("../etc") is None
