"""The workbench through its HTTP interface: every status code, the safety checks, review saves, new drafts."""

import io
import json
import zipfile

import pytest
import yaml
from bs4 import BeautifulSoup

from ..builders import make_docx, make_prose_plan
from ..conftest import ALNA, FROGNER
from .conftest import BASE, let_in, upload, wait_until_done

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def frogner(workbench):
    client, workspace = workbench
    response = upload(client, FROGNER)
    assert response.status_code == 202, response.text
    assert response.json() == {"id": "bydel-frogner", "district": "Bydel Frogner", "state": "running"}
    data = wait_until_done(client, "bydel-frogner")
    assert data["state"] == "done", data
    return data


# --- pages and headers ---------------------------------------------------------------------

def test_pages_carry_a_strict_content_security_policy(workbench, frogner):
    client, _ = workbench
    for path in ("/", "/planer/bydel-frogner", "/api/plans"):
        response = client.get(path)
        assert response.status_code == 200
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
    soup = BeautifulSoup(client.get("/planer/bydel-frogner").text, "html.parser")
    assert not [s for s in soup.find_all("script") if not s.get("src")] and not soup.find_all("style")
    assert not soup.select("[style]") and not soup.select("[onclick], [onsubmit]")


def test_static_files_and_unknown_pages(workbench):
    client, _ = workbench
    assert client.get("/static/workbench.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/report.css").status_code == 200
    for path in ("/static/../cli.py", "/static/app.py", "/finnes-ikke"):
        response = client.get(path)
        assert response.status_code == 404 and "Finner ikke" in response.text


def test_overview_lists_the_plan_with_its_coverage(workbench, frogner):
    client, _ = workbench
    soup = BeautifulSoup(client.get("/").text, "html.parser")
    row = soup.select_one("table.plans tr[data-plan=bydel-frogner]")
    counts = frogner["report"]["summary"]
    assert row.th.get_text(strip=True) == "Bydel Frogner"
    assert [td.get_text(strip=True) for td in row.find_all("td")][1:4] == [
        str(counts["covered"]), str(counts["partial"]), str(counts["missing"])]
    assert len(soup.select("table.matrix tr th[scope=row]")) == 36


def test_plan_page_shows_every_tiltak_with_five_candidates(workbench, frogner):
    client, _ = workbench
    soup = BeautifulSoup(client.get("/planer/bydel-frogner").text, "html.parser")
    cards = soup.select("article.tiltak")
    assert len(cards) == 36
    assert all(len(card.select(".candidate")) == 5 for card in cards)
    missing = next(c for c in cards if c["data-verdict"] == "missing")
    assert missing.select("[data-add]")  # even a "Mangler" offers its best measures
    assert [b["data-choose"] for b in cards[0].select("button[data-choose]")] == ["covered", "partial", "missing"]


# --- the API --------------------------------------------------------------------------------

def test_plan_json_holds_the_report_and_the_candidates(workbench, frogner):
    assert set(frogner) >= {"id", "district", "state", "report", "candidates", "revision", "versions"}
    assert len(frogner["report"]["tiltak"]) == 36 and len(frogner["candidates"]["5.2.1 H"]) == 5
    assert frogner["versions"][0]["file"] == "versjoner/1-frogner.txt"


def test_the_same_draft_again_is_201(workbench, frogner):
    client, _ = workbench
    response = upload(client, FROGNER)
    assert response.status_code == 201 and response.json()["state"] == "done"


def test_list_of_plans(workbench, frogner):
    client, _ = workbench
    plans = client.get("/api/plans").json()
    assert [(p["id"], p["state"], p["versions"]) for p in plans] == [("bydel-frogner", "done", 1)]


def _save(client, tiltak_id, **fields):
    body = {"status": None, "evidence": [], "comment": "", "reviewer": "Kari"} | fields
    return client.put(f"/api/plans/bydel-frogner/review/{tiltak_id}", json=body)


def _file_decision(workspace, tiltak_id):
    data = yaml.safe_load((workspace / "bydel-frogner" / "bydel-frogner.review.yaml").read_text(encoding="utf-8"))
    return data["tiltak"][tiltak_id]


def test_a_saved_decision_is_in_the_review_file_when_the_answer_comes(workbench, frogner):
    client, workspace = workbench
    machine = next(t for t in frogner["report"]["tiltak"] if t["id"] == "5.3.4 C")
    evidence = [e["measure_id"] for e in machine["evidence"]]
    response = _save(client, "5.3.4 C", status="partial", evidence=evidence + ["M01"], comment="Se <b>side 3</b>")
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["tiltak"]["status"] == "partial" and data["tiltak"]["decided_by"] == "reviewer"
    assert data["tiltak"]["review"]["comment"] == "Se <b>side 3</b>" and data["reviewed"] >= 1
    entry = _file_decision(workspace, "5.3.4 C")
    assert entry["status"] == "partial" and entry["reviewer"] == "Kari" and entry["comment"] == "Se <b>side 3</b>"
    assert "M01" in [str(m) for m in entry["evidence"]] or "M01" in evidence
    card = client.get("/planer/bydel-frogner/tiltak/5.3.4%20C").text
    assert "Se &lt;b&gt;side 3&lt;/b&gt;" in card and "<b>side 3</b>" not in card


def test_saving_the_machines_verdict_again_clears_the_decision(workbench, frogner):
    client, workspace = workbench
    assert _save(client, "5.3.3 A", status="covered").status_code == 200
    machine = next(t for t in frogner["report"]["tiltak"] if t["id"] == "5.3.3 A")
    response = _save(client, "5.3.3 A", status=None, evidence=[e["measure_id"] for e in machine["evidence"]])
    assert response.json()["tiltak"]["decided_by"] == "model"
    assert _file_decision(workspace, "5.3.3 A")["status"] is None


@pytest.mark.parametrize("path, body, status, message", [
    ("/api/plans/finnes-ikke/review/5.1.1 A", {"status": "covered"}, 404, "Finner ikke planen"),
    ("/api/plans/bydel-frogner/review/9.9 Z", {"status": "covered"}, 404, "Finner ikke tiltaket"),
    ("/api/plans/bydel-frogner/review/5.1.1 A", {"status": "dekket"}, 422, "Status «dekket» er ukjent"),
    ("/api/plans/bydel-frogner/review/5.1.1 A", {"evidence": ["M99"]}, 422, "Ukjent tiltak i planen «M99»"),
    ("/api/plans/bydel-frogner/review/5.1.1 A", {"evidence": "M01"}, 422, "evidence må være en liste"),
    ("/api/plans/bydel-frogner/review/5.1.1 A", ["ikke", "et objekt"], 422, "JSON-objekt"),
    ("/api/plans/bydel-frogner/review/5.1.1 A", {"comment": "x" * 6000}, 422, "høyst 5000 tegn"),
])
def test_bad_saves_are_refused_with_one_norwegian_line(workbench, frogner, path, body, status, message):
    client, _ = workbench
    response = client.put(path, json=body)
    assert response.status_code == status and message in response.json()["error"]


def test_two_tabs_lose_nothing_and_the_later_save_of_one_tiltak_wins(workbench, frogner):
    client, workspace = workbench
    seen = client.get("/api/plans/bydel-frogner").json()["revision"]
    first = _save(client, "5.1.1 B", status="covered", reviewer="Fane 1", seen=seen, tab="en").json()
    _save(client, "5.1.1 D", status="missing", reviewer="Fane 2", seen=seen, tab="to")
    _save(client, "5.1.1 B", status="missing", reviewer="Fane 2", seen=seen, tab="to")
    assert _file_decision(workspace, "5.1.1 D")["status"] == "missing"  # different tiltak: both kept
    assert _file_decision(workspace, "5.1.1 B")["status"] == "missing"  # the same: the later wins
    learned = _save(client, "5.1.1 E", status="partial", reviewer="Fane 1", seen=first["revision"], tab="en").json()
    assert learned["changed_elsewhere"] == ["5.1.1 B", "5.1.1 D"]  # the earlier tab learns on its next save
    assert _file_decision(workspace, "5.1.1 B")["status"] == "missing"


# --- uploads ----------------------------------------------------------------------------------

def test_upload_refusals(workbench):
    client, _ = workbench
    cases = [
        (("plan.odt", b"x"), 415, "ukjent filtype"),
        (("plan.txt", bytes(range(256)) * 40), 415, "ser ikke ut som tekst"),
        (("plan.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), 415, "eldre Word-fil"),
        (("tom.txt", b"   \n"), 422, "filen er tom"),
        (("plan.pdf", b"%PDF-1.4 skadet"), 422, "er ikke en lesbar PDF"),
    ]
    for (name, data), status, message in cases:
        response = upload(client, name, data)
        assert response.status_code == status and message in response.json()["error"], (name, response.text)
    no_file = client.post("/api/plans", files={"token": (None, client.app.state.token)})
    assert no_file.status_code == 422 and "Velg en planfil" in no_file.json()["error"]
    assert "Bydel" not in [p["district"] for p in client.get("/api/plans").json() if p["id"] == "plan"]


def test_a_zip_bomb_upload_is_refused_before_it_unpacks(workbench, tmp_path):
    client, _ = workbench
    path = make_docx(tmp_path / "bombe.docx")
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/bombe.xml", b"\0" * (20 * 1024 * 1024))
    response = upload(client, path)
    assert response.status_code == 413 and "uvanlig hardt pakket" in response.json()["error"]


def test_too_large_is_413(workbench, monkeypatch):
    from alignment.serve import app as app_module

    client, _ = workbench
    monkeypatch.setattr(app_module, "MAX_FILE_BYTES", 1000)
    response = upload(client, "stor.txt", b"Tiltak 1: kurs\n" * 200)
    assert response.status_code == 413 and "for stor" in response.json()["error"]


def test_a_traversal_name_lands_inside_the_workspace(workbench):
    client, workspace = workbench
    content = b"Bydel Traversia\n\n## Tiltak\n- Tilby HAP til unge\n- Fast kontaktperson for alle\n"
    response = upload(client, "../../../utenfor.txt", content, district="Bydel Traversia")
    assert response.status_code == 202
    assert wait_until_done(client, "bydel-traversia")["state"] == "done"
    stored = [p.relative_to(workspace).as_posix() for p in workspace.rglob("*utenfor*")]
    assert stored == ["bydel-traversia/versjoner/1-utenfor.txt", "bydel-traversia/versjoner/1-utenfor.json"] or \
        sorted(stored) == ["bydel-traversia/versjoner/1-utenfor.json", "bydel-traversia/versjoner/1-utenfor.txt"]
    assert not (workspace.parent / "utenfor.txt").exists()


def test_a_yaml_bomb_review_file_is_refused_and_changes_nothing(workbench, frogner):
    from ..test_untrusted import BILLION_LAUGHS

    client, workspace = workbench
    review = workspace / "bydel-frogner" / "bydel-frogner.review.yaml"
    before = review.read_bytes() if review.exists() else None
    response = client.post("/api/plans/bydel-frogner/review", data={"token": client.app.state.token},
                           files={"file": ("bombe.review.yaml", BILLION_LAUGHS.encode())})
    assert response.status_code == 422 and "anker og alias" in response.json()["error"]
    assert (review.read_bytes() if review.exists() else None) == before


def test_a_review_file_can_be_imported(workbench, frogner):
    client, workspace = workbench
    text = client.get("/planer/bydel-frogner/vurdering.yaml").text
    lines = text.splitlines()
    at = lines.index('  "5.2.1 A":') + 2
    lines[at] = "    status: covered"
    response = client.post("/api/plans/bydel-frogner/review", data={"token": client.app.state.token},
                           files={"file": ("frogner.review.yaml", ("\n".join(lines) + "\n").encode())})
    assert response.status_code == 200, response.text
    assert _file_decision(workspace, "5.2.1 A")["status"] == "covered"


# --- safety -----------------------------------------------------------------------------------

def test_a_foreign_host_is_refused(workbench):
    client, _ = workbench
    response = client.get("/api/plans", headers={"host": "rebind.example.com"})
    assert response.status_code == 403 and "vertsnavnet «rebind.example.com» er ukjent" in response.json()["error"]
    assert client.get("/", headers={"host": "localhost:8765"}).status_code == 200


def test_a_foreign_origin_cannot_change_anything(workbench, frogner):
    client, _ = workbench
    response = client.put("/api/plans/bydel-frogner/review/5.1.1 A", json={"status": "covered"},
                          headers={"origin": "https://evil.example"})
    assert response.status_code == 403 and "arbeidsbenkens egne sider" in response.json()["error"]
    ok = client.put("/api/plans/bydel-frogner/review/5.1.1 A", json={"status": None}, headers={"origin": BASE})
    assert ok.status_code == 200


def _remove(client, plan_id, token=None):
    return client.post(f"/planer/{plan_id}/fjern", files={"token": (None, client.app.state.token if token is None
                                                                     else token)}, follow_redirects=False)


def test_a_mistaken_upload_is_removed_from_the_page_and_nothing_is_deleted(workbench):
    client, workspace = workbench
    plan = b"# Bydel Feilnavn\n\n## Tiltak\n- Tilby kurs for foreldre om rus\n"
    assert upload(client, "feil.md", plan).status_code == 202
    assert wait_until_done(client, "bydel-feilnavn")["state"] == "done"
    page = BeautifulSoup(client.get("/planer/bydel-feilnavn").text, "html.parser")
    form = page.select_one("#fjern form")
    assert form["action"] == "/planer/bydel-feilnavn/fjern" and form.select_one("[name=token]")["value"]

    assert _remove(client, "bydel-feilnavn", token="gjettet").status_code == 403
    assert (workspace / "bydel-feilnavn" / "plan.json").is_file()
    response = _remove(client, "bydel-feilnavn")
    assert response.status_code == 303 and response.headers["location"] == "/?fjernet=bydel-feilnavn"
    notice = BeautifulSoup(client.get(response.headers["location"]).text, "html.parser").select_one("[data-notice]")
    assert "«bydel-feilnavn» er fjernet" in notice.get_text()
    assert "bydel-feilnavn" not in [p["id"] for p in client.get("/api/plans").json()]
    assert client.get("/planer/bydel-feilnavn").status_code == 404
    assert _remove(client, "bydel-feilnavn").status_code == 404
    assert not (workspace / "bydel-feilnavn").exists()
    [moved] = (workspace / ".fjernet").iterdir()
    assert (moved / "versjoner" / "1-feil.md").read_bytes() == plan
    assert upload(client, "feil.md", plan).status_code == 202  # the same district again starts a new plan
    assert [v["number"] for v in wait_until_done(client, "bydel-feilnavn")["versions"]] == [1]


def test_a_broken_form_body_is_one_line_wherever_it_is_posted(workbench, frogner):
    client, _ = workbench
    broken = {"content": b"--x\r\nX-Nothing: here\r\n\r\nabc\r\n--x--\r\n",  # a part without Content-Disposition
              "headers": {"content-type": "multipart/form-data; boundary=x"}}
    for path in ("/api/plans", "/api/plans/bydel-frogner/review", "/planer/bydel-frogner/fjern"):
        response = client.post(path, **broken)
        assert response.status_code == 400 and "Forespørselen kunne ikke tas imot." in response.text, path


def test_changes_come_as_json_or_as_the_form_with_its_token(workbench, frogner):
    client, _ = workbench
    form = client.put("/api/plans/bydel-frogner/review/5.1.1 A", content=b"status=covered",
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert form.status_code == 415
    assert upload(client, FROGNER, token="").status_code == 403
    assert upload(client, FROGNER, token="gjettet").status_code == 403


def test_downloads(workbench, frogner):
    client, _ = workbench
    report = client.get("/planer/bydel-frogner/rapport.html")
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    assert BeautifulSoup(report.text, "html.parser").select("table.verdicts tbody tr").__len__() == 36
    assert json.loads(client.get("/planer/bydel-frogner/rapport.json").text)["plan"]["name"] == "1-frogner"
    assert client.get("/planer/bydel-frogner/vurdering.yaml").text.startswith("# Vurderingsfil for Bydel Frogner")
    csv = client.get("/sammenligning.csv")
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
    xlsx = client.get("/sammenligning.xlsx")
    import pandas as pd

    assert "Matrise" in pd.read_excel(io.BytesIO(xlsx.content), sheet_name=None)
    assert client.get("/sammenligning.pdf").status_code == 404


def test_letter_download_holds_the_review_as_it_stands(workbench, frogner):
    import docx

    client, _ = workbench
    tiltak = next(t for t in frogner["report"]["tiltak"] if t["owner"] == "bydel" and t["status"] == "missing")
    assert _save(client, tiltak["id"], status="missing", comment="Ta dette inn.", reviewer="Kari",
                 evidence=[]).status_code == 200
    response = client.get("/planer/bydel-frogner/tilbakemelding.docx")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="bydel-frogner.tilbakemelding.docx"'
    letter = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in letter.paragraphs)
    assert "Utkast: nr. 1, mottatt " in text and "Den gjelder filen frogner.txt." in text
    assert ("Vår kommentar: Ta dette inn." in text  # one reviewer so far
            or "Kommentar fra Kari: Ta dette inn." in text)  # earlier tests here saved as other reviewers
    page = BeautifulSoup(client.get("/planer/bydel-frogner").text, "html.parser")
    assert page.select_one('a[href="/planer/bydel-frogner/tilbakemelding.docx"]')
    assert client.get("/planer/bydel-frogner/tilbakemelding.odt").status_code == 404


def test_letter_as_pdf_without_libreoffice_is_one_line(workbench, frogner, monkeypatch):
    from alignment.render import pdf

    client, _ = workbench
    monkeypatch.setattr(pdf, "libreoffice", lambda: None)
    response = client.get("/planer/bydel-frogner/tilbakemelding.pdf")
    assert response.status_code == 409 and "PDF krever LibreOffice" in response.text


def test_a_new_draft_keeps_decisions_and_flags_changed_evidence(workbench, frogner, tmp_path):
    client, workspace = workbench
    target = next(t for t in frogner["report"]["tiltak"] if t["evidence"] and t["id"] not in ("5.3.4 C",))
    assert _save(client, target["id"], status="partial", comment="sjekket",
                 evidence=[e["measure_id"] for e in target["evidence"]]).status_code == 200
    words = target["evidence"][0]["text"].split()[:4]
    text = FROGNER.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.strip().startswith(" ".join(words)))
    draft = text.replace(line, line + " (revidert)", 1).encode("utf-8")
    response = upload(client, "frogner-utkast-2.txt", draft)
    assert response.status_code == 202 and response.json()["id"] == "bydel-frogner"
    data = wait_until_done(client, "bydel-frogner")
    assert [v["number"] for v in data["versions"]] == [1, 2], data.get("error")
    entry = next(t for t in data["report"]["tiltak"] if t["id"] == target["id"])
    assert entry["decided_by"] == "reviewer" and entry["review"]["needs_new_look"]
    assert data["report"]["review"]["changed_measures"] and not data["report"]["review"]["new_measures"]
    page = client.get("/planer/bydel-frogner").text
    assert "Trenger ny vurdering" in page and "endret siden vurderingene" in page and "Teksten nå" in page
    again = _save(client, target["id"], status="partial", comment="sjekket igjen").json()
    assert not again["tiltak"]["review"]["needs_new_look"]
    alna = upload(client, ALNA)
    assert alna.json()["id"] == "bydel-alna"


# --- in a real browser, on a real server ---------------------------------------------------------

import os  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402

from ..browser import CHROMIUM, launch  # noqa: E402

SECRET = "nokkel-for-testene"
LIVE = [""]  # the live server's address, for the pages the browser tests open


def _open(live_server, path="/"):
    """A URL of the live workbench, the key in it (as the link `alignment serve` prints)."""
    return f"{live_server}{path}{'&' if '?' in path else '?'}token={SECRET}"


def _api(url):
    """JSON from the live workbench, for a script (the key as a header)."""
    request = urllib.request.Request(url, headers={"X-Alignment-Token": SECRET})
    with urllib.request.urlopen(request) as answer:
        return json.loads(answer.read())


needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                                    reason="Debian's chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def live_server(small_model, tmp_path_factory):
    """The workbench on uvicorn on a free loopback port, as `alignment serve` runs it."""
    import uvicorn

    from alignment.serve.app import create_app
    from alignment.serve.server import _bind, server_config

    sock = _bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    app = create_app(str(tmp_path_factory.mktemp("arbeidsmappe")), small_model, secret=SECRET)
    server = uvicorn.Server(server_config(app))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    LIVE[:] = [f"http://127.0.0.1:{port}"]
    yield LIVE[0]
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    with launch() as browser:
        yield browser


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    folder = os.environ.get("ALIGNMENT_SCREENSHOTS")
    return __import__("pathlib").Path(folder) if folder else tmp_path_factory.mktemp("skjermbilder")


def _page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(_open(LIVE[0]))  # the printed link: its key becomes the page's cookie
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "favicon" not in m.text else None)
    return page, errors


def _upload_in_page(page, base, plan, district, plan_id):
    """Upload a plan with the overview's form, as an advisor does (from the printed link), and wait for its cards."""
    page.goto(_open(base))
    page.set_input_files("form[data-upload] input[type=file]", str(plan))
    page.fill("[data-district]", district)
    page.click("form[data-upload] button[type=submit]")
    page.wait_for_url(f"**/planer/{plan_id}")
    page.wait_for_selector("article.tiltak", timeout=60_000)


def _card(page, tiltak_id):
    return page.locator(f"article.tiltak[data-tiltak='{tiltak_id}']")


@needs_chromium
def test_an_advisor_uploads_reviews_and_sees_it_kept(browser, live_server, screenshots, tmp_path):
    page, errors = _page(browser)
    page.goto(live_server + "/")
    page.screenshot(path=str(screenshots / "1-oversikt-tom.png"), full_page=True)
    page.set_input_files("form[data-upload] input[type=file]", str(FROGNER))
    assert page.input_value("[data-district]") == "Bydel Frogner"  # guessed from the file's name
    page.click("form[data-upload] button[type=submit]")
    page.wait_for_url("**/planer/bydel-frogner")
    page.screenshot(path=str(screenshots / "2-sjekkes.png"))
    page.wait_for_selector("article.tiltak", timeout=60_000)
    assert page.locator("article.tiltak").count() == 36

    first = _card(page, "5.1.1 A")
    first.locator("button[data-choose=partial]").click()
    page.wait_for_selector("article.tiltak[data-tiltak='5.1.1 A'] [data-saved]:has-text('Lagret')")
    assert _card(page, "5.1.1 A").locator("button[data-choose=partial]").get_attribute("aria-pressed") == "true"

    _card(page, "5.1.1 A").focus()
    page.keyboard.press("j")  # to 5.1.1 B
    page.keyboard.press("3")
    page.wait_for_selector("article.tiltak[data-tiltak='5.1.1 B'] [data-saved]:has-text('Lagret')")
    assert _card(page, "5.1.1 B").get_attribute("data-status") == "missing"

    missed = page.locator("article.tiltak[data-verdict=missing]:has([data-add])").last  # a "Mangler" to correct
    tiltak_id = missed.get_attribute("data-tiltak")
    added = missed.locator("[data-add]").first.get_attribute("data-add")
    missed.locator("[data-add]").first.click()
    page.wait_for_selector(f"article.tiltak[data-tiltak='{tiltak_id}'] [data-saved]:has-text('Lagret')")
    page.fill("[data-reviewer]", "Kari Rådgiver")
    comment = _card(page, tiltak_id).locator("[data-comment]")
    comment.fill("Sjekket mot side 12")
    comment.press("Tab")
    page.wait_for_selector(f"article.tiltak[data-tiltak='{tiltak_id}'] [data-saved]:has-text('Lagret')")
    _card(page, tiltak_id).locator("button[data-choose=covered]").click()
    page.wait_for_selector(f"article.tiltak[data-tiltak='{tiltak_id}'] [data-saved]:has-text('Lagret')")
    page.screenshot(path=str(screenshots / "3-vurdering.png"))

    page.reload()
    assert _card(page, "5.1.1 A").get_attribute("data-status") == "partial"
    assert _card(page, "5.1.1 B").get_attribute("data-status") == "missing"
    assert added in _card(page, tiltak_id).get_attribute("data-evidence").split()
    assert _card(page, tiltak_id).locator("[data-comment]").input_value() == "Sjekket mot side 12"
    assert "Kari Rådgiver" in _card(page, tiltak_id).inner_text()

    page.select_option("[data-filter]", "ikke-vurdert")
    assert page.locator("article.tiltak:visible").count() == 36 - 3
    page.select_option("[data-filter]", "")
    page.select_option("[data-sort]", "usikre")
    orders = [float(x) for x in page.locator("article.tiltak").evaluate_all(
        "cards => cards.map(c => c.dataset.uncertainty)")]
    assert orders == sorted(orders)
    assert errors == []


@needs_chromium
def test_a_comment_typed_while_the_status_is_saved_keeps_both(browser, live_server, tmp_path):
    page, errors = _page(browser)
    page.goto(live_server + "/planer/bydel-frogner")
    page.wait_for_selector("article.tiltak")
    card = page.locator("article.tiltak[data-verdict=missing]").nth(1)
    tiltak_id = card.get_attribute("data-tiltak")
    card.focus()
    page.keyboard.press("2")  # the save is under way while the advisor goes on typing
    page.keyboard.press("k")  # a verdict key moves on to the next tiltak: back to this one
    page.keyboard.press("c")
    page.keyboard.type("Bør tas inn i planen, med frist.", delay=15)
    page.keyboard.press("Tab")
    page.wait_for_function(
        "id => { const c = document.querySelector(`article.tiltak[data-tiltak='${id}'] [data-comment]`);"
        " return c && c.defaultValue === 'Bør tas inn i planen, med frist.'; }", arg=tiltak_id, timeout=20_000)
    page.reload()
    assert _card(page, tiltak_id).get_attribute("data-status") == "partial"
    assert _card(page, tiltak_id).locator("[data-comment]").input_value() == "Bør tas inn i planen, med frist."
    assert errors == []


@needs_chromium
def test_a_new_draft_flags_changed_evidence_and_a_bad_upload_says_why(browser, live_server, screenshots, tmp_path):
    page, errors = _page(browser)
    page.goto(live_server + "/planer/bydel-frogner")
    page.wait_for_selector("article.tiltak")
    card = page.locator("article.tiltak:has(.evidence)").first
    tiltak_id = card.get_attribute("data-tiltak")
    card.locator("button[data-choose=covered]").click()
    page.wait_for_selector(f"article.tiltak[data-tiltak='{tiltak_id}'] [data-saved]:has-text('Lagret')")
    evidence_text = _card(page, tiltak_id).locator(".evidence p:not(.goal):not(.small)").first.inner_text()
    text = FROGNER.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if len(x.strip()) > 30 and x.strip() in " ".join(evidence_text.split()))
    draft = tmp_path / "frogner-utkast-2.txt"
    draft.write_text(text.replace(line, line + " (endret)", 1), encoding="utf-8")
    page.set_input_files("#nytt-utkast input[type=file]", str(draft))
    page.click("#nytt-utkast button[type=submit]")
    page.wait_for_selector(f"article.tiltak[data-tiltak='{tiltak_id}'] .flag", timeout=60_000)
    assert "Trenger ny vurdering" in _card(page, tiltak_id).inner_text()
    assert "Utkast 2 av 2" in page.inner_text("header")
    page.screenshot(path=str(screenshots / "4-nytt-utkast.png"))
    assert errors == []

    page.goto(live_server + "/")
    empty = tmp_path / "tom.txt"
    empty.write_text("\n", encoding="utf-8")
    page.set_input_files("form[data-upload] input[type=file]", str(empty))
    page.click("form[data-upload] button[type=submit]")
    status = page.locator("[data-upload-status].error")
    status.wait_for()
    assert "tom.txt: filen er tom" in status.inner_text()
    page.screenshot(path=str(screenshots / "5-feil.png"), full_page=True)
    assert [e for e in errors if "status of 422" not in e] == []  # the browser logs the refused upload itself


@needs_chromium
def test_a_plan_uploaded_under_a_wrong_name_is_removed_with_two_clicks(browser, live_server, screenshots, tmp_path):
    page, errors = _page(browser)
    page.goto(live_server + "/")
    plan = tmp_path / "alna.txt"
    plan.write_bytes(ALNA.read_bytes())
    page.set_input_files("form[data-upload] input[type=file]", str(plan))
    page.fill("[data-district]", "Bydel Alan")  # a typo
    page.click("form[data-upload] button[type=submit]")
    page.wait_for_url("**/planer/bydel-alan")
    page.wait_for_selector("article.tiltak", timeout=60_000)
    page.click("#fjern summary")
    page.locator("#fjern").screenshot(path=str(screenshots / "6-fjern.png"))
    page.click("#fjern button[data-remove]")
    page.wait_for_url("**/?fjernet=bydel-alan")
    assert "«bydel-alan» er fjernet" in page.inner_text("[data-notice]")
    page.screenshot(path=str(screenshots / "7-fjernet.png"))
    assert "Bydel Alan" not in page.inner_text("#planer")
    assert errors == []


@needs_chromium
def test_the_upload_form_works_without_javascript(browser, live_server, tmp_path):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(_open(live_server))
    plan = tmp_path / "uten-skript.md"
    plan.write_text("# Bydel Uten Skript\n\n## Tiltak\n- Kurs for foreldre om rus\n", encoding="utf-8")
    page.set_input_files("form[data-upload] input[type=file]", str(plan))
    page.fill("input[name=district]", "Bydel Uten Skript")
    page.click("form[data-upload] button[type=submit]")
    page.wait_for_url("**/planer/bydel-uten-skript")  # a form posted from the page carries its own origin
    context.close()


def test_while_a_plan_waits_changes_are_409_and_a_full_queue_is_503(small_model, tmp_path):
    from starlette.testclient import TestClient

    from alignment.serve.app import create_app
    from alignment.serve.checker import MAX_QUEUED

    client = let_in(TestClient(create_app(str(tmp_path), small_model), base_url=BASE))  # no lifespan: no worker
    assert upload(client, FROGNER).status_code == 202
    assert client.get("/api/plans/bydel-frogner").json()["state"] == "running"
    response = client.put("/api/plans/bydel-frogner/review/5.1.1 A", json={"status": "covered"})
    assert response.status_code == 409 and "sjekkes fortsatt" in response.json()["error"]
    assert client.get("/planer/bydel-frogner/rapport.html").status_code == 409
    removal = _remove(client, "bydel-frogner")
    assert removal.status_code == 409 and "sjekkes nå" in removal.text
    statuses = [upload(client, f"plan{n}.md", f"# Bydel Kø{n}\n\n## Tiltak\n- Kurs {n}\n".encode()).status_code
                for n in range(MAX_QUEUED)]
    assert statuses.count(202) == MAX_QUEUED - 1 and statuses[-1] == 503
    assert "mange planer i kø" in upload(client, "siste.md", b"# Bydel Sist\n\n## Tiltak\n- Kurs\n").json()["error"]


# --- hardening: one plan's state, text, the disk, errors outside the handlers, load ------------------

SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")


def _norwegian_error(response, status, words, api=True):
    assert response.status_code == status, response.text
    assert all(name in response.headers for name in SECURITY_HEADERS), response.headers
    text = response.json()["error"] if api else response.text
    assert words in text and "Traceback" not in response.text, text
    return text


@pytest.fixture
def review_file_kept(workbench, frogner):
    """Frogner's review file, put back as it was after the test."""
    client, workspace = workbench
    path = workspace / "bydel-frogner" / "bydel-frogner.review.yaml"
    if not path.exists():
        assert _save(client, "5.1.1 C", status="partial").status_code == 200
    before = path.read_bytes()
    yield path
    path.write_bytes(before)


def test_one_plans_broken_review_file_never_takes_down_the_others(workbench, review_file_kept):
    client, _ = workbench
    other = b"# Bydel Annen\n\n## Tiltak\n- Tilby kurs for foreldre om rus\n"
    assert upload(client, "annen.md", other).status_code in (201, 202)
    assert wait_until_done(client, "bydel-annen")["state"] == "done"
    good = review_file_kept.read_text(encoding="utf-8")
    review_file_kept.write_text(good.replace("    status:", "    status: [dekket", 1), encoding="utf-8")  # a typo
    for path in ("/", "/sammenligning.html", "/planer/bydel-frogner"):
        assert client.get(path).status_code == 200, path
    plans = {p["id"]: p for p in client.get("/api/plans").json()}
    assert plans["bydel-frogner"]["state"] == "failed" and "linje" in plans["bydel-frogner"]["error"]
    assert [p["state"] for i, p in plans.items() if i != "bydel-frogner"] == ["done"] * (len(plans) - 1)
    assert client.get("/planer/bydel-annen").status_code == 200
    assert "Bydel Annen: status" in client.get("/sammenligning.csv").content.decode("utf-8-sig")
    page = BeautifulSoup(client.get("/planer/bydel-frogner").text, "html.parser")
    assert "linje" in page.select_one("[data-error]").get_text() and page.select_one("#fjern form")
    _norwegian_error(_save(client, "5.1.1 A", status="covered"), 422, "linje")  # the file is not overwritten
    assert "[dekket" in review_file_kept.read_text(encoding="utf-8")
    repaired = client.post("/api/plans/bydel-frogner/review", data={"token": client.app.state.token},
                           files={"file": ("frogner.review.yaml", good.encode())})
    assert repaired.status_code == 200, repaired.text
    assert client.get("/api/plans/bydel-frogner").json()["state"] == "done"


def test_text_that_could_not_be_written_is_refused_and_never_reaches_a_file(workbench, review_file_kept):
    client, _ = workbench
    before = review_file_kept.read_bytes()
    lone = b'{"status": "partial", "evidence": [], "comment": "ok \\ud800", "reviewer": "Kari"}'
    response = client.put("/api/plans/bydel-frogner/review/5.1.1 A", content=lone,
                          headers={"content-type": "application/json"})
    _norwegian_error(response, 422, "ugyldige tegn")
    text = before.decode("utf-8").replace('comment: ""', 'comment: "ok \\ud800"', 1)
    imported = client.post("/api/plans/bydel-frogner/review", data={"token": client.app.state.token},
                           files={"file": ("frogner.review.yaml", text.encode())})
    _norwegian_error(imported, 422, "ugyldig")
    assert review_file_kept.read_bytes() == before
    review_file_kept.write_text(text, encoding="utf-8")  # one written before this was refused: listed, not a 500
    assert client.get("/").status_code == 200
    assert "ugyldig" in client.get("/api/plans/bydel-frogner").json()["error"]


def test_the_workbench_never_writes_a_review_file_it_would_refuse_to_read(workbench, review_file_kept, monkeypatch):
    from alignment.serve import checker

    client, _ = workbench
    before = review_file_kept.read_bytes()
    monkeypatch.setattr(checker, "MAX_REVIEW_BYTES", len(before) + 10)
    _norwegian_error(_save(client, "5.1.1 A", status="covered", comment="x" * 100), 413, "større enn")
    assert review_file_kept.read_bytes() == before


@pytest.mark.parametrize("code, status, words", [(28, 507, "disken er full"),
                                                  (30, 503, "filsystemet er skrivebeskyttet")])
def test_a_full_disk_or_a_read_only_workspace_is_one_line_and_loses_nothing(workbench, review_file_kept, monkeypatch,
                                                                            code, status, words):
    from alignment import output
    from alignment.serve import workspace as workspace_module

    client, _ = workbench
    before = review_file_kept.read_bytes()

    def refused(*args, **kwargs):
        raise OSError(code, "refused")

    def no_writing(path, mode="r", *args, **kwargs):
        if "a" in mode or "w" in mode:
            raise OSError(code, "refused")
        return open(path, mode, *args, **kwargs)

    monkeypatch.setattr(output.os, "fsync", refused)
    monkeypatch.setattr(workspace_module, "open", no_writing, raising=False)
    _norwegian_error(_save(client, "5.1.1 A", status="covered"), status, words)
    for path in ("/", "/planer/bydel-frogner", "/api/plans", "/api/plans/bydel-frogner"):
        assert client.get(path).status_code == 200, path
    assert review_file_kept.read_bytes() == before
    assert not list(review_file_kept.parent.glob(".*.tmp"))


def test_errors_before_a_handler_are_norwegian_with_the_security_headers(workbench, frogner):
    client, _ = workbench
    url = "/api/plans/bydel-frogner/review/5.1.1 A"
    json_type = {"content-type": "application/json"}
    _norwegian_error(client.put(url, content=b" " * 300_000, headers=json_type), 413, "for stor")
    chunks = (b" " * 65536 for _ in range(5))  # no Content-Length: counted as it comes
    _norwegian_error(client.put(url, content=chunks, headers=json_type), 413, "for stor")
    _norwegian_error(client.put(url, content=b"[" * 100_000, headers=json_type), 422, "for dypt nøstet")
    _norwegian_error(client.put(url, content=b'{"status": ', headers=json_type), 422, "ikke gyldig JSON")
    as_form = client.put(url, files={"status": (None, "covered")})
    _norwegian_error(as_form, 415, "sendes som JSON")
    as_json = client.post("/api/plans", json={"token": client.app.state.token, "file": "x"})
    _norwegian_error(as_json, 415, "skjemaet")
    upload_too_big = client.post("/api/plans", content=b"x", headers={
        "content-type": "multipart/form-data; boundary=x", "content-length": str(200 * 1024 * 1024)})
    _norwegian_error(upload_too_big, 413, "Filen er for stor (grensen er 50 MB)")
    page = client.post("/last-opp", content=b"x", headers={"content-type": "multipart/form-data; boundary=x",
                                                           "content-length": str(200 * 1024 * 1024)})
    _norwegian_error(page, 413, "Filen er for stor", api=False)
    assert page.text.startswith("<!DOCTYPE html>")
    _norwegian_error(client.put("/api/plans", json={}), 405, "Den handlingen finnes ikke her.")


def test_a_bug_in_a_handler_is_a_norwegian_500_with_the_security_headers(workbench, frogner, monkeypatch):
    from alignment.serve import app as app_module

    def bug(*args, **kwargs):
        raise KeyError("oops")

    client, _ = workbench
    monkeypatch.setattr(app_module, "plan_html", bug)
    monkeypatch.setattr(app_module, "analysis_json", bug)
    page = client.get("/planer/bydel-frogner")
    _norwegian_error(page, 500, "Intern feil (KeyError)", api=False)
    assert "Internal Server Error" not in page.text and "oops" not in page.text
    _norwegian_error(client.get("/api/plans/bydel-frogner"), 500, "Intern feil (KeyError)")


def test_uploads_are_read_a_few_at_a_time_and_a_full_queue_is_refused_before_reading(small_model, tmp_path,
                                                                                    monkeypatch):
    import concurrent.futures

    from starlette.testclient import TestClient

    from alignment.serve import app as app_module
    from alignment.serve.checker import MAX_PARSING, MAX_QUEUED

    reading, most, lock = [], [0], threading.Lock()
    real_read = app_module.read_upload

    def slow_read(name, data, district, ocr):
        with lock:
            reading.append(name)
            most[0] = max(most[0], len(reading))
        time.sleep(0.3)
        with lock:
            reading.remove(name)
        return real_read(name, data, district, ocr)

    monkeypatch.setattr(app_module, "read_upload", slow_read)
    client = let_in(TestClient(app_module.create_app(str(tmp_path), small_model), base_url=BASE))  # no worker
    plan = "# Bydel Kø{n}\n\n## Tiltak\n- Kurs {n}\n"
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        uploads = [pool.submit(upload, client, f"plan{n}.md", plan.format(n=n).encode()) for n in range(8)]
        time.sleep(0.1)
        started = time.monotonic()
        assert client.get("/api/plans").status_code == 200
        assert time.monotonic() - started < 0.3  # pages do not wait behind the uploads being read
        assert [f.result().status_code for f in uploads] == [202] * 8
    assert most[0] == MAX_PARSING

    monkeypatch.setattr(app_module, "read_upload", real_read)
    for n in range(MAX_QUEUED - 8):
        assert upload(client, f"mer{n}.md", plan.format(n=n + 10).encode()).status_code == 202
    calls = []
    monkeypatch.setattr(app_module, "read_upload", lambda *args: calls.append(args))
    _norwegian_error(upload(client, "sist.md", plan.format(n=99).encode()), 503, "mange planer i kø")
    assert calls == []  # refused before the file was read


HAP_PASSAGE = "Tilbud om hasjavvenningsprogram (HAP) gis i bydelen til unge og voksne."


@needs_chromium
def test_an_advisor_corrects_the_reading_and_it_is_kept_into_a_new_draft(browser, live_server, screenshots, tmp_path):
    """Add a passage the readers missed, see the verdicts change, attach a measure found by search as evidence,
    reload: all kept; a new draft of the plan keeps it too."""
    from ..builders import PROSE_PLAN

    plan = tmp_path / "testdal.txt"
    text = PROSE_PLAN.replace("Bydelen har i dag to ruskonsulenter og en utekontakt.",
                              "Bydelen har i dag to ruskonsulenter og en utekontakt. " + HAP_PASSAGE)
    plan.write_text(text.replace("- tilby et kurs for å slutte med cannabis for ungdom og voksne\n", ""),
                    encoding="utf-8")
    page, errors = _page(browser)
    _upload_in_page(page, live_server, plan, "Bydel Testdal", "bydel-testdal")
    assert _card(page, "5.2.1 H").get_attribute("data-verdict") == "missing"

    page.click("a[href='/planer/bydel-testdal/tekst']")
    page.wait_for_selector("[data-plan-text]")
    paragraph = page.locator("[data-plan-text] p", has_text="hasjavvenningsprogram")
    paragraph.evaluate("""(p, passage) => {
        const node = p.firstChild; const start = node.textContent.indexOf(passage);
        const range = document.createRange(); range.setStart(node, start); range.setEnd(node, start + passage.length);
        const selection = window.getSelection(); selection.removeAllRanges(); selection.addRange(range);
        document.dispatchEvent(new Event('selectionchange')); }""", HAP_PASSAGE)
    page.wait_for_selector("[data-add-selection]:not([disabled])")
    page.screenshot(path=str(screenshots / "9-planens-tekst.png"), full_page=False)
    with page.expect_navigation():
        page.click("[data-add-selection]")
    assert page.locator("[data-plan-text] mark.measure", has_text="hasjavvenningsprogram").count() == 1
    assert "Lagt til: «" + HAP_PASSAGE in page.inner_text(".corrections")

    page.goto(live_server + "/planer/bydel-testdal")
    hap = _card(page, "5.2.1 H")
    assert hap.get_attribute("data-verdict") != "missing"  # matched again with the new measure
    assert "lagt til av rådgiver" in hap.inner_text() or HAP_PASSAGE in hap.inner_text()

    card = _card(page, "5.3.3 B")
    card.locator(".evidence-search summary").click()
    card.locator("[data-measure-search]").fill("vakttelefon beboere")
    result = card.locator("[data-search-results] button[data-add]").first
    found_id = result.get_attribute("data-add")
    result.click()
    page.wait_for_selector("article.tiltak[data-tiltak='5.3.3 B'] [data-saved]:has-text('Lagret')")

    page.reload()
    assert found_id in _card(page, "5.3.3 B").get_attribute("data-evidence").split()
    assert _card(page, "5.2.1 H").get_attribute("data-verdict") != "missing"

    draft = tmp_path / "testdal-2.txt"
    draft.write_text(plan.read_text(encoding="utf-8") + "\n8 Vedlegg\nEn liste over tjenestene.\n", encoding="utf-8")
    page.set_input_files("#nytt-utkast input[type=file]", str(draft))
    page.click("#nytt-utkast button[type=submit]")
    deadline, data = time.monotonic() + 60, {}
    while time.monotonic() < deadline:
        data = _api(live_server + "/api/plans/bydel-testdal")  # the page may be navigating
        if len(data["versions"]) == 2 and data["state"] == "done":
            break
        time.sleep(0.2)
    assert len(data["versions"]) == 2 and data["state"] == "done", data.get("state")
    assert [m["text"] for m in data["report"]["measures"] if m["layout"] == "lagt til av rådgiver"] == [HAP_PASSAGE]
    page.goto(live_server + "/planer/bydel-testdal")
    assert _card(page, "5.2.1 H").get_attribute("data-verdict") != "missing"
    assert found_id in _card(page, "5.3.3 B").get_attribute("data-evidence").split() or \
        "vakttelefon" in _card(page, "5.3.3 B").inner_text()
    assert errors == []


@needs_chromium
def test_keys_faster_than_the_saves_each_land_on_their_own_tiltak(browser, live_server, monkeypatch, tmp_path):
    """An advisor who types a verdict key every 50 ms while each save takes 300 ms: every decision is the intended
    one, on the tiltak that had focus when its key was pressed, and the page has moved on after each."""
    from alignment.serve.checker import Checker

    original = Checker.save

    def slow_save(self, *args, **kwargs):
        time.sleep(0.3)
        return original(self, *args, **kwargs)

    page, errors = _page(browser)
    plan = tmp_path / "alna.txt"
    plan.write_bytes(ALNA.read_bytes())
    _upload_in_page(page, live_server, plan, "Bydel Alna Tast", "bydel-alna-tast")
    monkeypatch.setattr(Checker, "save", slow_save)
    ids = page.locator("article.tiltak").evaluate_all("cards => cards.map(c => c.dataset.tiltak)")
    machine = page.locator("article.tiltak").evaluate_all("cards => cards.map(c => c.dataset.machine)")
    keys = ["1", "3", "Enter", "2", "y", "3", "1", "Enter", "2", "3"]
    names = {"1": "covered", "2": "partial", "3": "missing"}
    _card(page, ids[0]).focus()
    for key in keys:
        page.keyboard.press(key)
        page.wait_for_timeout(50)
    intended = {ids[i]: names.get(key, machine[i]) for i, key in enumerate(keys)}
    focused = page.evaluate("() => document.activeElement.dataset.tiltak")
    assert focused == ids[len(keys)]  # moved on after every key, whatever the saves did
    deadline, decided = time.monotonic() + 30, {}
    while time.monotonic() < deadline:
        report = _api(live_server + "/api/plans/bydel-alna-tast")["report"]
        decided = {t["id"]: t["review"]["status"] for t in report["tiltak"] if t["review"] and t["review"]["status"]}
        if len(decided) >= len(keys):
            break
        time.sleep(0.2)
    assert decided == intended
    assert errors == []


@needs_chromium
def test_two_browser_contexts_never_lose_a_field_unseen(browser, live_server, tmp_path):
    """Tab B decides a tiltak; tab A, not reloaded, comments on it (both kept), then sets another status on it:
    A is shown the conflict with both values and chooses; nothing is overwritten without that choice."""
    plan = tmp_path / "konflikt.txt"
    plan.write_bytes(FROGNER.read_bytes())
    first, errors = _page(browser)
    _upload_in_page(first, live_server, plan, "Bydel Konflikt", "bydel-konflikt")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    second = context.new_page()
    second.goto(_open(live_server, "/planer/bydel-konflikt"))
    second.wait_for_selector("article.tiltak")

    _card(second, "5.1.1 E").locator("button[data-choose=partial]").click()
    second.wait_for_selector("article.tiltak[data-tiltak='5.1.1 E'] [data-saved]:has-text('Lagret')")

    comment = _card(first, "5.1.1 E").locator("[data-comment]")  # tab A has not seen B's status
    comment.fill("Sjekket av A")
    comment.press("Tab")
    first.wait_for_selector("article.tiltak[data-tiltak='5.1.1 E'] [data-saved]:has-text('Lagret')")
    tiltak = next(t for t in _api(live_server + "/api/plans/bydel-konflikt")["report"]["tiltak"] if t["id"] == "5.1.1 E")
    assert tiltak["review"]["status"] == "partial" and tiltak["review"]["comment"] == "Sjekket av A"

    second.reload()
    _card(second, "5.1.1 D").locator("button[data-choose=missing]").click()
    second.wait_for_selector("article.tiltak[data-tiltak='5.1.1 D'] [data-saved]:has-text('Lagret')")
    _card(first, "5.1.1 D").locator("button[data-choose=covered]").click()  # A still sees the machine's verdict
    first.wait_for_selector("article.tiltak[data-tiltak='5.1.1 D'] [data-saved].error:has-text('Den andre: Mangler')")
    tiltak = next(t for t in _api(live_server + "/api/plans/bydel-konflikt")["report"]["tiltak"] if t["id"] == "5.1.1 D")
    assert tiltak["review"]["status"] == "missing"  # not overwritten before A chose
    _card(first, "5.1.1 D").locator("[data-saved] button", has_text="Bruk min").click()
    first.wait_for_selector("article.tiltak[data-tiltak='5.1.1 D'] [data-saved]:has-text('Lagret')")
    assert _card(first, "5.1.1 D").get_attribute("data-status") == "covered"
    context.close()
    assert [e for e in errors if "409 (Conflict)" not in e] == []  # the browser logs the refused save itself


# --- correcting the reading: passages added as measures, finds refused, evidence found by search ---------

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


# --- a review you can trust: field-level saves, conflicts, history, undo, rebuild -------------------------

URL = "/api/plans/bydel-frogner/review/5.1.1%20E"


@pytest.fixture
def fresh_frogner(small_model, tmp_path):
    """A fresh workbench with Frogner checked (each test starts from no decisions)."""
    from starlette.testclient import TestClient

    from alignment.serve.app import create_app

    with TestClient(create_app(str(tmp_path), model=small_model), base_url=BASE) as client:
        let_in(client)
        assert upload(client, FROGNER).status_code == 202
        assert wait_until_done(client, "bydel-frogner")["state"] == "done"
        yield client, tmp_path


def _tiltak(client, tiltak_id="5.1.1 E"):
    report = client.get("/api/plans/bydel-frogner").json()["report"]
    return next(t for t in report["tiltak"] if t["id"] == tiltak_id)


def _history(workspace):
    path = workspace / "bydel-frogner" / "historikk.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_save_changes_only_the_fields_it_sends(fresh_frogner):
    client, _ = fresh_frogner
    assert client.put(URL, json={"status": "partial", "fields": ["status"], "base": {"status": None},
                                 "reviewer": "B"}).status_code == 200
    # tab A never saw B's status; it only adds a comment
    answer = client.put(URL, json={"comment": "Sjekket", "fields": ["comment"], "base": {"comment": ""},
                                   "reviewer": "A"})
    assert answer.status_code == 200, answer.text
    tiltak = _tiltak(client)
    assert tiltak["review"]["status"] == "partial" and tiltak["review"]["comment"] == "Sjekket"


def test_a_conflicting_change_of_the_same_field_is_refused_with_both_values(fresh_frogner):
    client, _ = fresh_frogner
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


def test_mangler_sets_the_machines_evidence_aside_but_keeps_what_the_advisor_added(fresh_frogner):
    client, _ = fresh_frogner
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


def test_every_decision_is_in_the_history_and_undo_goes_back_through_it(fresh_frogner):
    client, workspace = fresh_frogner
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


def test_the_review_file_is_rebuilt_from_the_history_when_it_is_lost(fresh_frogner, small_model):
    from starlette.testclient import TestClient

    from alignment.serve.app import create_app

    client, workspace = fresh_frogner
    measures = client.get("/api/plans/bydel-frogner").json()["report"]["measures"]
    client.put(URL, json={"status": "partial", "evidence": [measures[5]["id"]], "comment": "Delvis",
                          "reviewer": "Kari"})
    client.post("/api/plans/bydel-frogner/corrections",
                json={"action": "reject", "text": measures[0]["text"], "reviewer": "Kari"})
    (workspace / "bydel-frogner" / "bydel-frogner.review.yaml").unlink()
    with TestClient(create_app(str(workspace), model=small_model), base_url=BASE) as again:
        let_in(again)
        assert wait_until_done(again, "bydel-frogner")["state"] == "done"
        tiltak = _tiltak(again)
        assert tiltak["review"]["status"] == "partial" and tiltak["review"]["comment"] == "Delvis"
        assert any(e["text"] == measures[5]["text"] for e in tiltak["evidence"])
        report = again.get("/api/plans/bydel-frogner").json()["report"]
        assert measures[0]["text"] not in {m["text"] for m in report["measures"]}


def test_a_scan_uploaded_without_ocr_is_told_in_the_pages_words(workbench, tmp_path):
    from ..builders import make_image_pdf

    client, _ = workbench
    response = upload(client, make_image_pdf(tmp_path / "skannet.pdf"), district="Bydel Skann")
    assert response.status_code == 422
    assert "«Skannet PDF» krysset av" in response.json()["error"] and "--ocr" not in response.json()["error"]


def test_the_overview_says_checked_and_reviewed_apart(workbench, frogner):
    client, _ = workbench
    soup = BeautifulSoup(client.get("/").text, "html.parser")
    state = soup.select_one("tr[data-plan='bydel-frogner']").find_all("td")[-1].get_text(strip=True)
    assert state in ("Sjekket, ikke vurdert", "Under vurdering", "Vurdert av rådgiver")


@needs_chromium
def test_one_tiltak_at_a_time_fits_a_laptop_window(browser, live_server, screenshots, tmp_path):
    page = browser.new_page(viewport={"width": 1366, "height": 657})
    plan = tmp_path / "ettkort.txt"
    plan.write_bytes(FROGNER.read_bytes())
    _upload_in_page(page, live_server, plan, "Bydel Ett Kort", "bydel-ett-kort")
    page.check("[data-one-card]")
    assert page.locator("article.tiltak:visible").count() == 1
    for _ in range(12):  # Frogner's tallest cards are among its first twelve
        card = page.locator("article.tiltak:visible")
        box = card.bounding_box()
        assert box["height"] <= 657, (card.get_attribute("data-tiltak"), box["height"])
        heading = card.locator("header h3").bounding_box()
        assert 0 <= heading["y"] <= 657
        page.keyboard.press("j")
    page.screenshot(path=str(screenshots / "10-ett-tiltak.png"))
    at = page.evaluate("document.activeElement.dataset.tiltak")
    page.reload()
    page.wait_for_selector("article.tiltak:visible")
    assert page.is_checked("[data-one-card]") and page.locator("article.tiltak:visible").count() == 1
    assert page.locator("article.tiltak:visible").get_attribute("data-tiltak") == at  # the same place after a reload
    page.close()


def test_dates_on_the_pages_are_written_the_norwegian_way(workbench, frogner):
    import re

    client, _ = workbench
    client.put("/api/plans/bydel-frogner/review/5.3.5%20C", json={"status": "partial", "reviewer": "Kari"})
    page = client.get("/planer/bydel-frogner").text
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", BeautifulSoup(page, "html.parser").get_text())
    assert re.search(r"Vurdert av Kari, \d{1,2}\. [a-zø]+ 20\d\d", page)


def test_only_who_has_the_printed_link_gets_in(small_model, tmp_path):
    """Another account on this machine reaches the loopback port too; without the link's key it gets nothing."""
    from starlette.testclient import TestClient

    from alignment.serve.app import create_app
    from alignment.serve.login import LINK_COOKIE as SESSION_COOKIE

    client = TestClient(create_app(str(tmp_path), small_model, secret="hemmelig"), base_url=BASE)
    for path in ("/", "/api/plans", "/planer/bydel-frogner/vurdering.yaml", "/sammenligning.csv"):
        response = client.get(path)
        assert response.status_code == 403 and "lenken `alignment serve` skrev ut" in response.text, path
        assert response.headers["content-security-policy"]
    assert client.put("/api/plans/x/review/5.1.1%20A", json={"status": "covered"}).status_code == 403
    assert client.get("/?token=feil").status_code == 403
    assert client.get("/api/token").status_code == 403  # no endpoint hands the key out
    assert client.get("/static/workbench.css").status_code == 200
    opened = client.get("/planer/x?token=hemmelig", follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == "/planer/x"  # the key leaves the URL
    cookie = opened.headers["set-cookie"]
    assert "alignment_nokkel=hemmelig" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    client.cookies.set(SESSION_COOKIE, "hemmelig")
    assert client.get("/api/plans").status_code == 200
    assert TestClient(client.app, base_url=BASE, headers={"X-Alignment-Token": "hemmelig"}).get(
        "/api/plans").status_code == 200  # a script sends the key as a header
