import fcntl
import json
from datetime import datetime

import pytest

from alignment.serve.workspace import (REMOVED, PlanRemoved, Workspace, guess_district, plan_id, plan_id_from_url,
                                       safe_file_name)


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


def _store(workspace, plan_id, name="frogner.txt"):
    with workspace.lock(plan_id, create=True):
        plan, version = workspace.next_version(plan_id, "Bydel Frogner", name, "sha", "2026-12-04T12:00:00+01:00", False)
        workspace.store_version(plan, version, b"utkast", "{}\n")


def test_versions_are_stored_in_order_and_read_back(tmp_path):
    workspace = Workspace(tmp_path / "arbeidsmappe")
    for number, name in enumerate(["frogner.txt", "../frogner v2.docx"], start=1):
        with workspace.lock("bydel-frogner", create=True):
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


def test_a_removed_plan_is_moved_aside_whole_and_a_second_removal_gets_its_own_folder(tmp_path):
    workspace = Workspace(tmp_path)
    when = datetime(2026, 12, 4, 10, 15)
    _store(workspace, "bydel-frogner")
    with workspace.lock("bydel-frogner"):
        first = workspace.remove("bydel-frogner", when)
    _store(workspace, "bydel-frogner")
    with workspace.lock("bydel-frogner"):
        second = workspace.remove("bydel-frogner", when)
    assert [first.name, second.name] == ["bydel-frogner-2026-12-04-101500", "bydel-frogner-2026-12-04-101500-2"]
    assert first.parent == tmp_path / REMOVED
    assert (first / "versjoner" / "1-frogner.txt").read_bytes() == b"utkast"
    assert workspace.plans() == [] and workspace.plan(REMOVED) is None


def test_nothing_but_a_check_writes_into_a_removed_plan(tmp_path):
    workspace = Workspace(tmp_path)
    with pytest.raises(PlanRemoved):
        with workspace.lock("bydel-ukjent"):
            pass
    assert not (tmp_path / "bydel-ukjent").exists()


def test_a_plan_removed_while_a_request_waited_for_its_lock_is_not_written_into(tmp_path, monkeypatch):
    workspace = Workspace(tmp_path)
    flock, aside = fcntl.flock, []

    def removed_while_waiting(handle, operation):  # another server moves the folder aside before we get the lock
        if aside:
            (tmp_path / "bydel-frogner").rename(aside.pop())
        flock(handle, operation)

    monkeypatch.setattr(fcntl, "flock", removed_while_waiting)
    _store(workspace, "bydel-frogner")
    aside.append(tmp_path / "borte-1")
    with pytest.raises(PlanRemoved):
        with workspace.lock("bydel-frogner"):
            pass
    assert not (tmp_path / "bydel-frogner").exists()

    _store(workspace, "bydel-frogner", "andre.txt")
    aside.append(tmp_path / "borte-2")
    _store(workspace, "bydel-frogner", "tredje.txt")  # a check starts the plan afresh in a new folder
    assert [v.file for v in workspace.plan("bydel-frogner").versions] == ["versjoner/1-tredje.txt"]
    assert [v.file for v in Workspace(tmp_path).plan("borte-2").versions] == ["versjoner/1-andre.txt"]
