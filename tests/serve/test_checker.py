import time

import pytest

from alignment.errors import ModelError
from alignment.records import CheckState
from alignment.serve.checker import DONE, FAILED, Checker, Upload, read_upload
from alignment.serve.workspace import Workspace

from ..builders import make_image_pdf, make_pdf
from ..conftest import FROGNER


def _wait(checker, plan_id, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = checker.state(plan_id)
        if state and state.check.state != "running":
            return state
        time.sleep(0.05)
    raise AssertionError("still running")


@pytest.fixture
def started():
    """Start checkers, and stop them after the test (no worker thread outlives it)."""
    checkers = []

    def start(checker):
        checkers.append(checker)
        checker.start()
        return checker

    yield start
    for checker in checkers:
        checker.stop()


def test_a_checked_upload_is_stored_and_reloaded_by_a_new_checker(small_model, tmp_path, started):
    checker = started(Checker(Workspace(tmp_path), small_model))
    upload = read_upload("frogner.txt", FROGNER.read_bytes(), "", False)
    assert (upload.plan_id, upload.district) == ("bydel-frogner", "Bydel Frogner")
    checker.submit(upload)
    state = _wait(checker, "bydel-frogner")
    assert state.check == CheckState(DONE) and len(state.machine.measures) == len(upload.measures)
    assert state.machine.plan.source.endswith("bydel-frogner/versjoner/1-frogner.txt")
    assert checker.submit(upload).state == DONE  # the same draft again: nothing to do
    again = started(Checker(Workspace(tmp_path), small_model))
    assert _wait(again, "bydel-frogner").machine.verdicts == state.machine.verdicts


def test_a_scanned_draft_is_ocrd_once_and_its_copy_read_after_a_restart(small_model, tmp_path, started, monkeypatch):
    from alignment import ingest

    text_pdf = make_pdf(tmp_path / "tekst.pdf", ["Tiltak 1: Tilby kurs for pårørende", "Ansvar: NAV"]).read_bytes()
    scans = []
    monkeypatch.setattr(ingest, "_ocr", lambda data, source: scans.append(source) or text_pdf)
    scan = make_image_pdf(tmp_path / "skannet.pdf").read_bytes()
    checker = started(Checker(Workspace(tmp_path / "arbeidsmappe"), small_model))
    checker.submit(Upload("bydel-alna", "Bydel Alna", "skannet.pdf", scan, True, None, ()))
    state = _wait(checker, "bydel-alna")
    assert state.check == CheckState(DONE) and scans == ["skannet.pdf"]
    versions = tmp_path / "arbeidsmappe/bydel-alna/versjoner"
    assert (versions / "1-skannet.pdf").read_bytes() == scan  # the upload as it came
    assert (versions / "1-skannet.tolket.pdf").read_bytes() == text_pdf
    again = started(Checker(Workspace(tmp_path / "arbeidsmappe"), small_model))
    assert _wait(again, "bydel-alna").machine.measures == state.machine.measures
    assert scans == ["skannet.pdf"]  # not OCR'd again


def test_the_workbench_runs_an_onnx_backend_with_the_same_verdicts(small_onnx_model, tmp_path, started):
    verdicts = {}
    for backend in ("torch", "onnx"):
        checker = started(Checker(Workspace(tmp_path / backend), small_onnx_model, backend))
        checker.submit(read_upload("frogner.txt", FROGNER.read_bytes(), "", False))
        verdicts[backend] = [(v.tiltak.id, v.status) for v in _wait(checker, "bydel-frogner").machine.verdicts]
        assert checker.embedder.backend == backend and checker.embedder._model is not None  # loaded once, kept
    assert verdicts["onnx"] == verdicts["torch"]


def test_a_failing_check_leaves_the_workspace_as_it_was(small_model, tmp_path, monkeypatch, started):
    checker = Checker(Workspace(tmp_path), small_model)

    def no_model():
        raise ModelError("Standardmodellen er ikke installert. Installer modellen med: alignment model install")

    monkeypatch.setattr(checker, "matcher", no_model)
    started(checker)
    checker.submit(read_upload("frogner.txt", FROGNER.read_bytes(), "", False))
    state = _wait(checker, "bydel-frogner")
    assert state.check.state == FAILED and "alignment model install" in state.check.error
    assert list(tmp_path.iterdir()) == []


def _plans(workspace, count):
    for n in range(count):
        with workspace.lock(f"bydel-{n}", create=True):
            plan, version = workspace.next_version(f"bydel-{n}", f"Bydel {n}", "plan.txt", "sha",
                                                   "2026-12-04T12:00:00+01:00", False)
            workspace.store_version(plan, version, b"Tiltak: kurs\n", "{}\n")


def test_the_workbench_starts_at_once_with_many_plans(small_model, tmp_path, monkeypatch):
    import threading

    workspace = Workspace(tmp_path)
    _plans(workspace, 60)
    checker = Checker(workspace, small_model)
    reloaded, release = [], threading.Event()
    monkeypatch.setattr(checker, "matcher", lambda: release.wait(10))  # the model loads slowly
    monkeypatch.setattr(checker, "_reload", lambda plan: reloaded.append(plan.id))
    starting = threading.Thread(target=checker.start)
    starting.start()
    starting.join(5)
    try:
        assert not starting.is_alive(), "start() hung with 60 plans"
        assert checker.state("bydel-59").check.stage == "laster inn"
        release.set()
        deadline = time.monotonic() + 10
        while len(reloaded) < 60 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sorted(reloaded) == sorted(f"bydel-{n}" for n in range(60))
    finally:
        release.set()
        checker.stop()


def test_a_full_disk_while_storing_a_draft_is_one_norwegian_line_and_stores_nothing(small_model, tmp_path,
                                                                                      monkeypatch, started):
    import errno
    import os

    from alignment import output

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    checker = started(Checker(Workspace(tmp_path), small_model))
    upload = read_upload("frogner.txt", FROGNER.read_bytes(), "", False)
    monkeypatch.setattr(output.os, "fsync", full)
    checker.submit(upload)
    state = _wait(checker, "bydel-frogner")
    monkeypatch.setattr(output.os, "fsync", os.fsync)
    assert state.check.state == FAILED and "disken er full" in state.check.error and "Intern feil" not in state.check.error
    assert checker.workspace.plans() == []
    assert not [p for p in tmp_path.rglob("*") if p.is_file() and p.name != ".lock"]  # no temporary files either


def test_the_plan_state_is_the_checkers_own(small_model, tmp_path, started):
    checker = started(Checker(Workspace(tmp_path), small_model))
    checker.submit(read_upload("frogner.txt", FROGNER.read_bytes(), "", False))
    copy = _wait(checker, "bydel-frogner")
    copy.revision, copy.changes["5.1.1 A"] = 99, (99, "")
    assert checker.state("bydel-frogner").revision == 0 and not checker.state("bydel-frogner").changes
    assert not hasattr(checker, "states")


def test_the_queue_serves_uploaders_in_turn():
    """One district's burst waits behind one check of each other uploader's, not in front of all of them."""
    from alignment.serve.checker import FairQueue

    queue = FairQueue()
    for n in range(4):
        queue.put("frogner", f"frogner-{n}")
    queue.put("alna", "alna-0")
    queue.put("", "innlasting")
    queue.put("alna", "alna-1")
    taken = [queue.get() for _ in range(7)]
    assert taken == ["frogner-0", "alna-0", "innlasting", "frogner-1", "alna-1", "frogner-2", "frogner-3"]
    queue.put("frogner", "sjekk")
    queue.close()
    assert [queue.get(), queue.get()] == ["sjekk", ("stop", None)]  # what was queued is checked before stopping


def test_one_uploader_cannot_fill_the_queue(small_model, tmp_path):
    from alignment.errors import Refused
    from alignment.serve.checker import MAX_QUEUED_EACH, Checker
    from alignment.serve.workspace import Workspace

    checker = Checker(Workspace(tmp_path), small_model)
    places = [checker.place("frogner") for _ in range(MAX_QUEUED_EACH)]
    for place in places:
        place.__enter__()
    with pytest.raises(Refused) as refused:
        with checker.place("frogner"):
            pass
    assert refused.value.http_status == 429
    with checker.place("alna"):
        pass
