"""A review you can trust: saves change only the fields they send, conflicts are shown not lost, every decision is
in an append-only history that undo goes back through and the review file is rebuilt from."""

import json

import pytest

from ..conftest import FROGNER
from .conftest import BASE, upload, wait_until_done

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
URL = "/api/plans/bydel-frogner/review/5.1.1%20E"


@pytest.fixture
def frogner(small_model, tmp_path):
    """A fresh workbench with Frogner checked (each test starts from no decisions)."""
    from starlette.testclient import TestClient

    from alignment.serve.app import create_app

    with TestClient(create_app(str(tmp_path), model=small_model), base_url=BASE) as client:
        assert upload(client, FROGNER).status_code == 202
        assert wait_until_done(client, "bydel-frogner")["state"] == "done"
        yield client, tmp_path


def _tiltak(client, tiltak_id="5.1.1 E"):
    report = client.get("/api/plans/bydel-frogner").json()["report"]
    return next(t for t in report["tiltak"] if t["id"] == tiltak_id)


def _history(workspace):
    path = workspace / "bydel-frogner" / "historikk.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_save_changes_only_the_fields_it_sends(frogner):
    client, _ = frogner
    assert client.put(URL, json={"status": "partial", "fields": ["status"], "base": {"status": None},
                                 "reviewer": "B"}).status_code == 200
    # tab A never saw B's status; it only adds a comment
    answer = client.put(URL, json={"comment": "Sjekket", "fields": ["comment"], "base": {"comment": ""},
                                   "reviewer": "A"})
    assert answer.status_code == 200, answer.text
    tiltak = _tiltak(client)
    assert tiltak["review"]["status"] == "partial" and tiltak["review"]["comment"] == "Sjekket"


def test_a_conflicting_change_of_the_same_field_is_refused_with_both_values(frogner):
    client, _ = frogner
    client.put(URL, json={"comment": "Bs kommentar", "fields": ["comment"], "base": {"comment": ""}, "reviewer": "B"})
    answer = client.put(URL, json={"comment": "As kommentar", "fields": ["comment"], "base": {"comment": ""},
                                   "reviewer": "A"})
    assert answer.status_code == 409
    body = answer.json()
    assert "kommentaren er endret i en annen fane" in body["error"]
    assert body["conflict"] == {"comment": {"yours": "As kommentar", "theirs": "Bs kommentar"}}
    assert _tiltak(client)["review"]["comment"] == "Bs kommentar"  # nothing overwritten
    chosen = client.put(URL, json={"comment": "As kommentar", "fields": ["comment"],
                                   "base": {"comment": "Bs kommentar"}, "reviewer": "A"})
    assert chosen.status_code == 200 and _tiltak(client)["review"]["comment"] == "As kommentar"


def test_mangler_sets_the_machines_evidence_aside_but_keeps_what_the_advisor_added(frogner):
    client, _ = frogner
    report = client.get("/api/plans/bydel-frogner").json()["report"]
    tiltak = next(t for t in report["tiltak"] if t["evidence"])  # one the machine found evidence for
    url = "/api/plans/bydel-frogner/review/" + tiltak["id"].replace(" ", "%20")
    own = next(m["id"] for m in report["measures"] if m["id"] not in {e["measure_id"] for e in tiltak["evidence"]})
    client.put(url, json={"evidence": [*(e["measure_id"] for e in tiltak["evidence"]), own], "fields": ["evidence"],
                          "base": {"evidence": [e["measure_id"] for e in tiltak["evidence"]]}})
    answer = client.put(url, json={"status": "missing", "fields": ["status"], "base": {"status": None}})
    assert answer.status_code == 200
    after = _tiltak(client, tiltak["id"])
    assert [e["measure_id"] for e in after["evidence"]] == [own]
    assert {e["measure_id"] for e in after["rejected_evidence"]} == {e["measure_id"] for e in tiltak["evidence"]}


def test_every_decision_is_in_the_history_and_undo_goes_back_through_it(frogner):
    client, workspace = frogner
    client.put(URL, json={"status": "covered", "fields": ["status"], "base": {"status": None}, "reviewer": "Kari"})
    client.put(URL, json={"comment": "OK", "fields": ["comment"], "base": {"comment": ""}, "reviewer": "Kari"})
    entries = _history(workspace)
    assert [(e["tiltak"], e["before"]["status"], e["after"]["status"], e["after"]["comment"]) for e in entries] == [
        ("5.1.1 E", None, "covered", ""), ("5.1.1 E", "covered", "covered", "OK")]
    assert entries[0]["reviewer"] == "Kari" and entries[0]["at"]
    assert client.post(URL + "/undo", json={"reviewer": "Kari"}).status_code == 200
    assert _tiltak(client)["review"]["comment"] == "" and _tiltak(client)["review"]["status"] == "covered"
    assert client.post(URL + "/undo", json={}).status_code == 200
    assert _tiltak(client)["decided_by"] == "model"
    nothing = client.post(URL + "/undo", json={})
    assert nothing.status_code == 409 and "ingenting å angre" in nothing.json()["error"]
    assert len(_history(workspace)) == 4  # the undos are in the history too: it is only ever appended to
    card = client.get("/planer/bydel-frogner/tiltak/5.1.1%20E").text
    assert "Historikk (4)" in card and "angret:" in card


def test_the_review_file_is_rebuilt_from_the_history_when_it_is_lost(frogner, small_model):
    from starlette.testclient import TestClient

    from alignment.serve.app import create_app

    client, workspace = frogner
    measures = client.get("/api/plans/bydel-frogner").json()["report"]["measures"]
    client.put(URL, json={"status": "partial", "evidence": [measures[5]["id"]], "comment": "Delvis",
                          "reviewer": "Kari"})
    client.post("/api/plans/bydel-frogner/corrections",
                json={"action": "reject", "text": measures[0]["text"], "reviewer": "Kari"})
    (workspace / "bydel-frogner" / "bydel-frogner.review.yaml").unlink()
    with TestClient(create_app(str(workspace), model=small_model), base_url=BASE) as again:
        assert wait_until_done(again, "bydel-frogner")["state"] == "done"
        tiltak = _tiltak(again)
        assert tiltak["review"]["status"] == "partial" and tiltak["review"]["comment"] == "Delvis"
        assert any(e["text"] == measures[5]["text"] for e in tiltak["evidence"])
        report = again.get("/api/plans/bydel-frogner").json()["report"]
        assert measures[0]["text"] not in {m["text"] for m in report["measures"]}
