"""Correcting the reading in the workbench: add a passage as a measure, refuse a find, take either back,
search every measure for evidence; the plan is matched again at once and everything is kept."""

import pytest
import yaml
from bs4 import BeautifulSoup

from ..builders import make_prose_plan
from .conftest import upload, wait_until_done

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PASSAGE = "Bydelen har i dag to ruskonsulenter og en utekontakt."


@pytest.fixture(scope="module")
def testdal(workbench, tmp_path_factory):
    client, workspace = workbench
    path = make_prose_plan(tmp_path_factory.mktemp("plan") / "testdal.txt")
    assert upload(client, path, district="Bydel Testdal").status_code == 202
    data = wait_until_done(client, "bydel-testdal")
    assert data["state"] == "done", data
    return data


def _correct(client, action, text, reviewer="Kari"):
    return client.post("/api/plans/bydel-testdal/corrections", json={"action": action, "text": text,
                                                                     "reviewer": reviewer})


def _review_file(workspace):
    return yaml.safe_load((workspace / "bydel-testdal" / "bydel-testdal.review.yaml").read_text(encoding="utf-8"))


def test_the_text_page_marks_what_was_read(workbench, testdal):
    client, _ = workbench
    page = client.get("/planer/bydel-testdal/tekst")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    marked = [m.get_text(" ", strip=True) for m in soup.select("[data-plan-text] mark.measure")]
    assert any("vakttelefon" in m for m in marked) and not any("Velferdsetaten" in m for m in marked)
    assert len(soup.select("[data-reject]")) == len(testdal["report"]["measures"])
    assert "(lest som bakgrunn)" in soup.select_one("[data-plan-text]").get_text()
    assert soup.select_one('script[src="/static/plantext.js"]') and not soup.select("script:not([src])")


def test_a_passage_added_as_a_measure_is_matched_and_kept(workbench, testdal):
    client, workspace = workbench
    before = len(client.get("/api/plans/bydel-testdal").json()["report"]["measures"])
    answer = _correct(client, "add", PASSAGE)
    assert answer.status_code == 200, answer.text
    assert answer.json()["measures"] == before + 1 and len(answer.json()["added"]) == 1
    report = client.get("/api/plans/bydel-testdal").json()["report"]
    added = [m for m in report["measures"] if m["layout"] == "lagt til av rådgiver"]
    assert [m["text"] for m in added] == [PASSAGE]
    assert report["review"]["added_measures"] == [added[0]["id"]]
    assert _review_file(workspace)["tiltak_lagt_til"][0]["text"] == PASSAGE
    assert _review_file(workspace)["tiltak_lagt_til"][0]["reviewer"] == "Kari"
    assert _correct(client, "undo", PASSAGE).status_code == 200
    assert client.get("/api/plans/bydel-testdal").json()["report"]["review"]["added_measures"] == []


def test_a_find_marked_as_no_measure_leaves_the_analysis(workbench, testdal):
    client, workspace = workbench
    measures = client.get("/api/plans/bydel-testdal").json()["report"]["measures"]
    find = next(m["text"] for m in measures if "vakttelefon" in m["text"])
    assert _correct(client, "reject", find).status_code == 200
    report = client.get("/api/plans/bydel-testdal").json()["report"]
    assert all("vakttelefon" not in m["text"] for m in report["measures"])
    assert report["review"]["not_measures"][0]["text"] == find
    assert _review_file(workspace)["ikke_tiltak"][0]["text"] == find
    assert _correct(client, "undo", find).status_code == 200
    assert any("vakttelefon" in m["text"] for m in client.get("/api/plans/bydel-testdal").json()["report"]["measures"])


def test_decisions_follow_their_measures_through_a_correction(workbench, testdal):
    client, _ = workbench
    report = client.get("/api/plans/bydel-testdal").json()["report"]
    nav = next(m for m in report["measures"] if "jobbstøtte" in m["text"])
    saved = client.put("/api/plans/bydel-testdal/review/5.3.2%20A",
                       json={"status": "covered", "evidence": [nav["id"]], "comment": "IPS", "reviewer": "Kari"})
    assert saved.status_code == 200
    assert _correct(client, "add", "Ungdata 2023 viser at 12 prosent av elevene i videregående har brukt hasj "
                                   "siste år.").status_code == 200  # a measure before NAV's: its number moves
    after = client.get("/api/plans/bydel-testdal").json()["report"]
    verdict = next(t for t in after["tiltak"] if t["id"] == "5.3.2 A")
    assert verdict["decided_by"] == "reviewer" and verdict["review"]["comment"] == "IPS"
    assert any("jobbstøtte" in e["text"] for e in verdict["evidence"])
    assert _correct(client, "undo", "Ungdata 2023 viser at 12 prosent av elevene i videregående har brukt hasj "
                                    "siste år.").status_code == 200


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"action": "add", "text": "to ord"}, 422, "minst tre ord"),
    ({"action": "slett", "text": "Bydelen vil noe mer"}, 422, "Ukjent handling"),
    ({"action": "reject", "text": "Dette står ikke i planen i det hele tatt."}, 404, "Finner ikke det tiltaket"),
    ({"action": "add", "text": 5}, 422, "som tekst"),
    ({"action": "add", "text": "x " * 3000}, 422, "for lang"),
])
def test_bad_corrections_are_refused_with_one_norwegian_line(workbench, testdal, body, status, message):
    client, _ = workbench
    response = client.post("/api/plans/bydel-testdal/corrections", json=body)
    assert response.status_code == status and message in response.json()["error"], response.text


def test_cards_offer_a_search_over_every_measure(workbench, testdal):
    client, _ = workbench
    soup = BeautifulSoup(client.get("/planer/bydel-testdal").text, "html.parser")
    listed = soup.select("[data-all-measures] li")
    assert len(listed) == len(client.get("/api/plans/bydel-testdal").json()["report"]["measures"])
    assert len(soup.select("article.tiltak [data-measure-search]")) == 36
    assert soup.select_one('a[href="/planer/bydel-testdal/tekst"]')
