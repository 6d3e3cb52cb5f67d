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


def test_crash_leftovers_are_cleaned_at_start_and_a_half_made_draft_never_blocks_the_next(tmp_path):
    workspace = Workspace(tmp_path)
    _store(workspace, "bydel-frogner")
    folder = tmp_path / "bydel-frogner"
    half = folder / "versjoner" / "2-frogner.txt"  # kill -9 after the draft's file, before plan.json
    half.write_bytes(b"halv")
    tmp = folder / ".bydel-frogner.review.yaml.k3j2.tmp"
    tmp.write_text("halv", encoding="utf-8")
    assert sorted(p.name for p in workspace.clean()) == [tmp.name, half.name]
    assert not half.exists() and not tmp.exists()
    assert (folder / "versjoner" / "1-frogner.txt").read_bytes() == b"utkast"  # what plan.json lists stays

    half.write_bytes(b"halv")  # left while the server runs: the next draft of the plan replaces it
    _store(workspace, "bydel-frogner")
    assert half.read_bytes() == b"utkast" and len(workspace.plan("bydel-frogner").versions) == 2


def test_plan_json_stays_readable_however_many_and_however_named_the_drafts(tmp_path):
    from alignment.records import PlanVersion
    from alignment.serve import workspace as module

    workspace = Workspace(tmp_path)
    worst = "\x01" * 4096 + "." + "x" * 4096  # every character escaped in JSON, and a suffix as long
    with workspace.lock("bydel-frogner", create=True):
        plan, version = workspace.next_version("bydel-frogner", "Bydel " + "Ø" * 74, worst, "0" * 64,
                                               "2026-12-04T12:00:00+01:00", False)
    assert len(version.name) == module.MAX_UPLOAD_NAME_CHARS and len(version.file) < 120
    longest = "𝔄" * module.MAX_NAME_CHARS + "." + "x" * 20  # four-byte characters in the stored name
    versions = tuple(PlanVersion(n, f"versjoner/{n}-{safe_file_name(longest)}", version.name, version.uploaded,
                                 version.sha256, True) for n in range(1, module.MAX_VERSIONS + 1))
    workspace._write_plan(type(plan)(plan.id, plan.district, versions))
    assert (tmp_path / "bydel-frogner" / "plan.json").stat().st_size < module.MAX_PLAN_FILE_BYTES
    assert len(workspace.plan("bydel-frogner").versions) == module.MAX_VERSIONS  # still listed, still read
    with workspace.lock("bydel-frogner"):
        with pytest.raises(module.TooManyDrafts, match="400 utkast"):
            workspace.next_version("bydel-frogner", "Bydel Frogner", "ny.txt", "sha", "2026", False)


def test_a_read_only_workspace_can_still_be_read(tmp_path, monkeypatch):
    import errno

    from alignment.serve import workspace as module

    workspace = Workspace(tmp_path)
    _store(workspace, "bydel-frogner")
    (tmp_path / "bydel-frogner" / ".lock").unlink()

    def read_only(path, mode="r", *args, **kwargs):
        if "a" in mode or "w" in mode:
            raise OSError(errno.EROFS, "Read-only file system")
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(module, "open", read_only, raising=False)
    with workspace.lock("bydel-frogner"):  # no lock file, and none can be made: readers go on without
        assert workspace.plan("bydel-frogner").versions
    assert workspace.clean() == []
