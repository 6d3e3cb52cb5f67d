"""A team server on loopback: logins, roles per district, publishing, the audit log, and an access matrix that
holds every route to what the role table says."""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import threading
import time

import pytest
from bs4 import BeautifulSoup

from ..conftest import ALNA, FROGNER
from ..browser import CHROMIUM
from .conftest import BASE, wait_until_done
from .team_load import PASSWORD as LOAD_PASSWORD, run_team_load, team_users

SECRET = "en-hemmelighet-for-testene-som-er-lang-nok"
PASSWORD = "passord-for-testene"
A, B = "bydel-frogner", "bydel-alna"
USERS = {  # name: (role, district)
    "kari": ("rådgiver", "*"),
    "frogner": ("bydel", A),
    "alna": ("bydel", B),
    "ingen": (None, None),
    "admin": ("admin", "*"),
}
TILTAK = "5.1.1 A"


def login(client, name, password=PASSWORD, next_path="/"):
    return client.post("/logg-inn", files={"brukernavn": (None, name), "passord": (None, password),
                                           "neste": (None, next_path)})


def csrf(client) -> str:
    page = client.get("/", follow_redirects=True).text
    return re.search(r'name="alignment-token" content="([^"]*)"', page).group(1)


@pytest.fixture(scope="module")
def team(small_model, tmp_path_factory):
    """A team server with an advisor, two district users, a user with no role and an admin; Frogner and Alna
    uploaded by the advisor, a decision on Frogner saved and published (version 1)."""
    from starlette.testclient import TestClient

    from alignment.serve.app import create_app
    from alignment.serve.login import TeamDoor
    from alignment.team.config import TeamConfig
    from alignment.team.store import TeamStore

    workspace = tmp_path_factory.mktemp("teammappe")
    config = TeamConfig(workspace=workspace, secret=SECRET, session_hours=1)
    store = TeamStore(config.database)
    for name, (role, scope) in USERS.items():
        store.add_user(name, PASSWORD, actor="test")
        if role:
            store.assign(name, role, scope, actor="test")
    app = create_app(str(workspace), model=small_model, team=config)
    with TestClient(app, base_url=BASE, follow_redirects=False) as running:
        clients = {"ute": running}
        for name in USERS:
            client = TestClient(app, base_url=BASE, follow_redirects=False)
            if name != "ingen":
                assert login(client, name).status_code == 303
            else:  # logged in, then every role taken away (a login with no role gets no session at all)
                session_id, _ = store.start_session(name, 1)
                client.cookies.set("alignment_okt", TeamDoor(store, SECRET, https=False).signed(session_id))
            clients[name] = client
        kari = clients["kari"]
        token = csrf(kari)
        for path, district in ((FROGNER, "Bydel Frogner"), (ALNA, "Bydel Alna")):
            response = kari.post("/api/plans", data={"token": token, "district": district},
                                 files={"file": (path.name, path.read_bytes())})
            assert response.status_code in (201, 202), response.text
        for plan in (A, B):
            assert wait_until_done(kari, plan)["state"] == "done"
        saved = kari.put(f"/api/plans/{A}/review/{TILTAK}", json={"status": "partial", "comment": "Se 2.3",
                                                                   "reviewer": "noen andre"},
                         headers={"x-alignment-token": token})
        assert saved.status_code == 200, saved.text
        published = kari.post(f"/api/plans/{A}/publications", json={}, headers={"x-alignment-token": token})
        assert published.status_code == 201, published.text
        yield {"app": app, "store": store, "clients": clients, "workspace": workspace,
               "tokens": {name: csrf(c) for name, c in clients.items() if name not in ("ute", "ingen")} | {
                   "ingen": store.principal(session_id).csrf}}


# --- the access matrix ------------------------------------------------------------------------------

ROLES = ("kari", "frogner", "alna", "ingen", "admin", "ute")
# ok: past the permission check (2xx, 3xx, or the endpoint's own 400/409/422); nei: 403; skjult: 404 (not
# theirs: as if it did not exist); inn: 401 or the login page
OK, NO, HIDDEN, LOGIN = "ok", "nei", "skjult", "inn"
T = TILTAK.replace(" ", "%20")
MATRIX = [
    # method, route, url, body, expected for kari, frogner (district A), alna (district B), ingen, admin, ute
    ("GET", "/", "/", None, (OK, OK, OK, NO, OK, LOGIN)),
    ("GET", "/planer/{plan}", f"/planer/{A}", None, (OK, OK, HIDDEN, NO, NO, LOGIN)),
    ("GET", "/planer/{plan}/tiltak/{tiltak:path}", f"/planer/{A}/tiltak/{T}", None, (OK, NO, NO, NO, NO, LOGIN)),
    ("GET", "/planer/{plan}/tekst", f"/planer/{A}/tekst", None, (OK, NO, NO, NO, NO, LOGIN)),
    ("GET", "/planer/{plan}/rapport.html", f"/planer/{A}/rapport.html", None, (OK, OK, HIDDEN, NO, NO, LOGIN)),
    ("GET", "/planer/{plan}/rapport.json", f"/planer/{A}/rapport.json", None, (OK, OK, HIDDEN, NO, NO, LOGIN)),
    ("GET", "/planer/{plan}/vurdering.yaml", f"/planer/{A}/vurdering.yaml", None, (OK, NO, NO, NO, NO, LOGIN)),
    ("GET", "/planer/{plan}/tilbakemelding.{fmt}", f"/planer/{A}/tilbakemelding.docx", None,
     (OK, NO, NO, NO, NO, LOGIN)),
    ("GET", "/planer/{plan}/publisert/{number:int}/{name}", f"/planer/{A}/publisert/1/tilbakemelding.docx", None,
     (OK, OK, HIDDEN, NO, NO, LOGIN)),
    ("GET", "/sammenligning.{fmt}", "/sammenligning.csv", None, (OK, OK, OK, NO, NO, LOGIN)),
    ("GET", "/static/{name}", "/static/workbench.css", None, (OK, OK, OK, OK, OK, OK)),
    ("GET", "/api/plans", "/api/plans", None, (OK, OK, OK, NO, NO, LOGIN)),
    ("GET", "/api/plans/{plan}", f"/api/plans/{A}", None, (OK, OK, HIDDEN, NO, NO, LOGIN)),
    ("GET", "/api/plans/{plan}/publications", f"/api/plans/{A}/publications", None, (OK, OK, HIDDEN, NO, NO, LOGIN)),
    ("GET", "/api/plans/{plan}/comments", f"/api/plans/{A}/comments", None, (OK, OK, HIDDEN, NO, NO, LOGIN)),
    ("GET", "/api/plans/{plan}/history", f"/api/plans/{A}/history", None, (OK, NO, NO, NO, NO, LOGIN)),
    ("GET", "/admin", "/admin", None, (NO, NO, NO, NO, OK, LOGIN)),
    ("GET", "/admin/logg.jsonl", "/admin/logg.jsonl", None, (NO, NO, NO, NO, OK, LOGIN)),
    ("GET", "/api/audit", "/api/audit", None, (NO, NO, NO, NO, OK, LOGIN)),
    ("GET", "/logg-inn", "/logg-inn", None, (OK, OK, OK, OK, OK, OK)),
    ("GET", "/auth/oidc", "/auth/oidc", None, (HIDDEN,) * 6),  # no identity provider configured on this server
    ("GET", "/auth/oidc/svar", "/auth/oidc/svar", None, (HIDDEN,) * 6),
    # changes, each with a body the endpoint refuses (so nothing changes) once the permission check is passed
    ("PUT", "/api/plans/{plan}/review/{tiltak:path}", f"/api/plans/{A}/review/{T}", {"status": "feil"},
     (OK, NO, NO, NO, NO, LOGIN)),
    ("POST", "/api/plans/{plan}/review/{tiltak:path}/undo", f"/api/plans/{A}/review/{T}/undo", {"reviewer": 5},
     (OK, NO, NO, NO, NO, LOGIN)),
    ("POST", "/api/plans/{plan}/corrections", f"/api/plans/{A}/corrections", {"action": 5},
     (OK, NO, NO, NO, NO, LOGIN)),
    ("POST", "/api/plans/{plan}/review", f"/api/plans/{A}/review", "form", (OK, NO, NO, NO, NO, LOGIN)),
    ("POST", "/api/plans/{plan}/publications", f"/api/plans/{A}/publications", [], (OK, NO, NO, NO, NO, LOGIN)),
    ("POST", "/api/plans/{plan}/comments", f"/api/plans/{A}/comments", {"text": 5}, (OK, OK, HIDDEN, NO, NO, LOGIN)),
    ("POST", "/api/plans", "/api/plans", "form", (OK, OK, OK, NO, NO, LOGIN)),
    ("POST", "/last-opp", "/last-opp", "form", (OK, OK, OK, NO, NO, LOGIN)),
    ("POST", "/planer/{plan}/fjern", f"/planer/{A}/fjern", "too many fields", (OK, NO, NO, NO, NO, LOGIN)),
    ("POST", "/planer/{plan}/publiser", f"/planer/{A}/publiser", "too many fields", (OK, NO, NO, NO, NO, LOGIN)),
    ("POST", "/planer/{plan}/kommentar", f"/planer/{A}/kommentar", "too many fields",
     (OK, OK, HIDDEN, NO, NO, LOGIN)),
    ("POST", "/admin/roller", "/admin/roller", "form", (NO, NO, NO, NO, OK, LOGIN)),
    ("POST", "/admin/brukere", "/admin/brukere", "form", (NO, NO, NO, NO, OK, LOGIN)),
    ("POST", "/admin/passord", "/admin/passord", "form", (NO, NO, NO, NO, OK, LOGIN)),
    ("POST", "/logg-inn", "/logg-inn", "form", (LOGIN,) * 6),  # an empty login: the login page again, 401
    ("POST", "/logg-ut", "/logg-ut", "too many fields", (OK, OK, OK, OK, OK, LOGIN)),
    ("GET", "/konto", "/konto", None, (OK, OK, OK, OK, OK, LOGIN)),
    ("POST", "/konto/passord", "/konto/passord", "too many fields", (OK, OK, OK, OK, OK, LOGIN)),
]


def outcome(response) -> str:
    if response.status_code == 401 or response.headers.get("location", "").startswith("/logg-inn"):
        return LOGIN
    return {403: NO, 404: HIDDEN}.get(response.status_code, OK)


def send(client, token, method, url, body):
    headers = {"x-alignment-token": token} if token else {}
    if body is None:
        return client.request(method, url)
    if body in ("form", "too many fields"):
        fields = {"token": (None, token or "")}
        if body == "too many fields":
            fields.update({f"felt{n}": (None, "x") for n in range(8)})
        return client.request(method, url, files=fields)
    return client.request(method, url, json=body, headers=headers)


@pytest.mark.parametrize("method, route, url, body, expected", MATRIX, ids=[f"{m} {u}" for m, _, u, _, _ in MATRIX])
def test_each_role_gets_what_the_role_table_says(team, method, route, url, body, expected):
    got = {}
    for role, want in zip(ROLES, expected):
        response = send(team["clients"][role], team["tokens"].get(role), method, url, body)
        got[role] = outcome(response)
        if want == OK and got[role] == OK:
            assert response.status_code < 500, (role, response.text)
    assert got == dict(zip(ROLES, expected))


def test_the_matrix_covers_every_route(team):
    routes = {(method, route.path) for route in team["app"].routes for method in route.methods - {"HEAD"}}
    assert routes == {(method, route) for method, route, *_ in MATRIX}
    assert all(getattr(route.endpoint, "action", None) for route in team["app"].routes)


def test_a_district_user_sees_only_their_own_district_everywhere(team):
    frogner = team["clients"]["frogner"]
    assert [plan["id"] for plan in frogner.get("/api/plans").json()] == [A]
    overview = frogner.get("/").text
    assert "Bydel Frogner" in overview and "Bydel Alna" not in overview
    assert "maskinens forslag" in overview and "bekreft eller rett vurderingene" not in overview
    matrix = frogner.get("/sammenligning.csv").content.decode("utf-8-sig")
    assert "Frogner" in matrix and "Alna" not in matrix
    for url in (f"/planer/{B}", f"/api/plans/{B}", f"/planer/{B}/rapport.json", f"/planer/{B}/publisert/1/rapport.html",
                "/planer/bydel-gjettet", "/api/plans/..%2Fbydel-alna", "/planer/BYDEL-ALNA"):
        assert frogner.get(url).status_code == 404, url


def test_a_district_user_sees_the_machines_verdicts_not_the_advisors_unpublished_ones(team):
    frogner, kari = team["clients"]["frogner"], team["clients"]["kari"]
    theirs = frogner.get(f"/api/plans/{A}").json()
    ours = kari.get(f"/api/plans/{A}").json()
    verdict = {v["id"]: v for v in theirs["report"]["tiltak"]}[TILTAK]
    assert theirs["machine_only"] is True and "candidates" not in theirs
    assert verdict["review"] is None and "Se 2.3" not in frogner.get(f"/api/plans/{A}").text
    assert {v["id"]: v for v in ours["report"]["tiltak"]}[TILTAK]["review"]["comment"] == "Se 2.3"
    page = frogner.get(f"/planer/{A}").text
    assert "Maskinens forslag" in page and "ikke gjennomgått av KoRus" in page and "Se 2.3" not in page


def test_a_published_version_is_frozen_and_the_district_sees_which_they_were_sent(team):
    frogner, kari, token = team["clients"]["frogner"], team["clients"]["kari"], team["tokens"]["kari"]
    first = frogner.get(f"/planer/{A}/publisert/1/rapport.json").content
    assert b"Se 2.3" in first
    again = kari.post(f"/api/plans/{A}/publications", json={}, headers={"x-alignment-token": token})
    assert again.status_code == 409 and "uendret siden versjon 1" in again.json()["error"]
    kari.put(f"/api/plans/{A}/review/{TILTAK}", json={"status": "covered", "comment": "Se 2.4"},
             headers={"x-alignment-token": token})
    assert frogner.get(f"/planer/{A}/publisert/1/rapport.json").content == first  # the sent version is unchanged
    second = kari.post(f"/api/plans/{A}/publications", json={}, headers={"x-alignment-token": token})
    assert second.status_code == 201 and second.json()["number"] == 2 and second.json()["by"] == "kari"
    listed = frogner.get(f"/api/plans/{A}/publications").json()
    assert [p["number"] for p in listed] == [1, 2] and listed[0]["sha256"] != listed[1]["sha256"]
    letter = frogner.get(f"/planer/{A}/publisert/2/tilbakemelding.docx")
    assert letter.status_code == 200 and letter.content[:2] == b"PK"
    assert "Versjon" in frogner.get(f"/planer/{A}").text
    listed = BeautifulSoup(frogner.get("/").text, "html.parser").select_one(f"tr[data-plan='{A}'] [data-published]")
    assert listed.get_text(strip=True).startswith("versjon 2")


def test_decisions_are_recorded_as_the_logged_in_advisor_whatever_the_page_says(team):
    history = team["clients"]["kari"].get(f"/api/plans/{A}/history").json()
    decisions = [entry for entry in history if entry["action"] == "vurdering"]
    assert decisions and {entry["actor"] for entry in decisions} == {"kari"}
    assert decisions[0]["after"]["comment"] == "Se 2.3" and decisions[0]["before"]["status"] is None
    page = team["clients"]["kari"].get(f"/planer/{A}").text
    assert "Planens logg" in page and "noen andre" not in page


def test_an_advisors_unpublished_correction_of_the_reading_is_not_shown_to_the_district(team):
    kari, frogner, token = team["clients"]["kari"], team["clients"]["frogner"], team["tokens"]["kari"]
    passage = "Bydelsutvalget har pekt på behov for økt"
    added = kari.post(f"/api/plans/{A}/corrections", json={"action": "add", "text": passage},
                      headers={"x-alignment-token": token})
    assert added.status_code == 200, added.text
    try:
        ours = kari.get(f"/api/plans/{A}").json()["report"]
        theirs = frogner.get(f"/api/plans/{A}").json()["report"]
        assert any(passage in m["text"] for m in ours["measures"])
        assert not any(passage in m["text"] for m in theirs["measures"])
        downloaded = frogner.get(f"/planer/{A}/rapport.json").json()
        assert not any(passage in m["text"] for m in downloaded["measures"])
        assert len(theirs["measures"]) == len(ours["measures"]) - 1
    finally:
        kari.post(f"/api/plans/{A}/corrections", json={"action": "undo", "text": passage},
                  headers={"x-alignment-token": token})


def test_a_district_user_uploads_only_their_own_districts_drafts(team):
    frogner, token = team["clients"]["frogner"], team["tokens"]["frogner"]
    text = FROGNER.read_bytes()
    other = frogner.post("/api/plans", data={"token": token, "district": "Bydel Alna"},
                         files={"file": ("alna.txt", text)})
    assert other.status_code == 403 and "egen bydel" in other.json()["error"]
    own = frogner.post("/api/plans", data={"token": token}, files={"file": ("utkast-2.txt", text + b"\n")})
    assert own.status_code in (201, 202) and own.json()["id"] == A
    assert wait_until_done(frogner, A)["state"] == "done"
    short = frogner.post("/api/plans", data={"token": token, "district": "Frogner"},
                         files={"file": ("utkast-3.txt", text + b"\n\n")})
    assert short.status_code in (201, 202) and (short.json()["id"], short.json()["district"]) == (A, "Bydel Frogner")
    assert wait_until_done(frogner, A)["state"] == "done"


def test_a_district_user_can_answer_with_a_comment_and_the_advisor_sees_it(team):
    frogner, kari = team["clients"]["frogner"], team["clients"]["kari"]
    sent = frogner.post(f"/api/plans/{A}/comments", json={"text": "Vi har lagt til <b>2.5</b>."},
                        headers={"x-alignment-token": team["tokens"]["frogner"]})
    assert sent.status_code == 201 and sent.json()["by"] == "frogner" and sent.json()["role"] == "bydel"
    page = kari.get(f"/planer/{A}").text
    assert "Vi har lagt til &lt;b&gt;2.5&lt;/b&gt;." in page
    review = frogner.put(f"/api/plans/{A}/review/{TILTAK}", json={"status": "missing"},
                         headers={"x-alignment-token": team["tokens"]["frogner"]})
    assert review.status_code == 403


def test_a_change_without_the_sessions_token_is_refused(team):
    kari = team["clients"]["kari"]
    response = kari.put(f"/api/plans/{A}/review/{TILTAK}", json={"status": "covered"})
    assert response.status_code == 403 and "utløpt" in response.json()["error"]
    form = kari.post(f"/planer/{A}/kommentar", files={"token": (None, "gjettet"), "text": (None, "hei")})
    assert form.status_code == 403


def test_the_audit_log_has_every_step_and_verifies(team):
    store = team["store"]
    actions = {(entry.actor, entry.action) for entry in store.audit()}
    for expected in (("kari", "innlogging"), ("kari", "opplasting"), ("kari", "vurdering"), ("kari", "publisert"),
                     ("test", "rolle_gitt"), ("frogner", "kommentar"), ("frogner", "opplasting")):
        assert expected in actions, expected
    count, problem = store.verify_audit()
    assert problem == "" and count == len(store.audit())
    assert all(PASSWORD not in entry.before + entry.after for entry in store.audit())


def test_an_altered_or_removed_audit_entry_is_found(tmp_path):
    from alignment.team.store import TeamStore

    store = TeamStore(tmp_path / "t.sqlite3")
    for n in range(5):
        store.log("kari", "vurdering", A, TILTAK, {"status": None}, {"status": "covered", "n": n})
    assert store.verify_audit() == (5, "")
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE audit SET after = ? WHERE n = 3", ('{"status": "missing"}',))
    assert store.verify_audit() == (2, "oppføring 3 er endret etter at den ble skrevet")
    with sqlite3.connect(store.path) as db:
        db.execute("DELETE FROM audit WHERE n = 3")
    assert store.verify_audit() == (2, "oppføring 3 mangler (neste er 4)")


# --- logging in ---------------------------------------------------------------------------------------

def test_the_session_cookie_is_httponly_lax_and_logout_ends_the_session(team):
    from starlette.testclient import TestClient

    client = TestClient(team["app"], base_url=BASE, follow_redirects=False)
    response = login(client, "kari", next_path=f"/planer/{A}")
    cookie = response.headers["set-cookie"]
    assert response.headers["location"] == f"/planer/{A}"
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    stolen = dict(client.cookies)
    assert client.post("/logg-ut", files={"token": (None, csrf(client))}).status_code == 303
    replay = TestClient(team["app"], base_url=BASE, follow_redirects=False, cookies=stolen)
    assert replay.get("/").headers["location"].startswith("/logg-inn")


def test_a_forged_or_unsigned_session_cookie_is_no_session(team):
    from starlette.testclient import TestClient

    client = TestClient(team["app"], base_url=BASE, follow_redirects=False)
    for value in ("x", "abc.def", "." * 50, "\x00"):
        client.cookies.set("alignment_okt", value)
        assert client.get("/api/plans").status_code == 401


def test_the_login_page_sends_nowhere_but_this_server(team):
    from starlette.testclient import TestClient

    client = TestClient(team["app"], base_url=BASE, follow_redirects=False)
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        assert login(client, "alna", next_path=target).headers["location"] == "/"


def test_wrong_passwords_are_slowed_down_and_a_user_with_no_role_gets_one_line(team):
    from starlette.testclient import TestClient

    client = TestClient(team["app"], base_url=BASE, follow_redirects=False)
    for _ in range(5):
        response = login(client, "gjest", "feil-passord-1234")
        assert response.status_code == 401 and "Feil brukernavn eller passord" in response.text
    slowed = login(client, "gjest", "feil-passord-1234")
    assert slowed.status_code == 429 and "Vent" in slowed.text
    no_role = login(client, "ingen")
    assert no_role.status_code == 403 and "ingen rolle" in no_role.text


def test_an_expired_session_is_no_session(team):
    from starlette.testclient import TestClient

    client = TestClient(team["app"], base_url=BASE, follow_redirects=False)
    login(client, "alna")
    with sqlite3.connect(team["store"].path) as db:
        db.execute("UPDATE sessions SET expires = '2000-01-01T00:00:00+00:00' WHERE principal = 'alna'")
    assert client.get("/api/plans").status_code == 401
    assert team["clients"]["alna"].get("/api/plans").status_code == 401
    login(team["clients"]["alna"], "alna")
    team["tokens"]["alna"] = csrf(team["clients"]["alna"])


def test_a_role_taken_away_counts_at_once(team):
    store, alna = team["store"], team["clients"]["alna"]
    store.unassign("alna", "bydel", B, actor="admin")
    try:
        assert alna.get("/api/plans").status_code == 403
    finally:
        store.assign("alna", "bydel", B, actor="admin")
    assert alna.get("/api/plans").status_code == 200


def test_the_admin_gives_a_role_on_the_page_and_it_is_logged(team):
    admin, store = team["clients"]["admin"], team["store"]
    response = admin.post("/admin/roller", files={"token": (None, team["tokens"]["admin"]), "handling": (None, "gi"),
                                                  "bruker": (None, "ingen"), "rolle": (None, "bydel"),
                                                  "bydel": (None, "Bydel Alna")})
    assert response.status_code == 303
    try:
        assert [(a.role, a.scope) for a in store.assignments("ingen")] == [("bydel", B)]
        entry = store.audit()[-1]
        assert (entry.actor, entry.action, entry.target) == ("admin", "rolle_gitt", "ingen")
        exported = admin.get("/admin/logg.jsonl").text.splitlines()
        assert len(exported) >= 10 and all('"hash"' in line for line in exported)
    finally:
        store.unassign("ingen", "bydel", B, actor="admin")


def test_the_admin_makes_a_local_account_on_the_page_and_it_can_log_in(team):
    from starlette.testclient import TestClient

    admin = team["clients"]["admin"]
    fields = {"token": team["tokens"]["admin"], "bruker": "Siri", "visningsnavn": "Siri Hansen",
              "passord": "siris-første-passord", "rolle": "bydel", "bydel": "Bydel Alna"}
    made = admin.post("/admin/brukere", files={k: (None, v) for k, v in fields.items()})
    assert made.status_code == 303
    try:
        siri = TestClient(team["app"], base_url=BASE, follow_redirects=False)
        assert login(siri, "siri", "siris-første-passord").status_code == 303
        assert [p["id"] for p in siri.get("/api/plans").json()] == [B]
        again = admin.post("/admin/brukere", files={k: (None, v) for k, v in fields.items()})
        assert again.status_code == 400 and "finnes alt" in again.text
        short = admin.post("/admin/brukere", files={k: (None, v) for k, v in {**fields, "bruker": "per",
                                                                                "passord": "kort"}.items()})
        assert short.status_code == 400 and "minst 12 tegn" in short.text
    finally:
        team["store"].remove_user("siri", actor="admin")


def test_a_user_changes_their_own_password_and_logs_in_again(team):
    from starlette.testclient import TestClient

    store = team["store"]
    store.add_user("per", "pers-første-passord")
    store.assign("per", "bydel", B)
    try:
        per = TestClient(team["app"], base_url=BASE, follow_redirects=False)
        login(per, "per", "pers-første-passord")
        token = csrf(per)
        fields = {"token": token, "gammelt": "feil-passord-her", "nytt": "pers-andre-passord",
                  "gjenta": "pers-andre-passord"}
        wrong = per.post("/konto/passord", files={k: (None, v) for k, v in fields.items()})
        assert wrong.status_code == 403 and "er feil" in wrong.text
        fields["gammelt"] = "pers-første-passord"
        changed = per.post("/konto/passord", files={k: (None, v) for k, v in fields.items()})
        assert changed.status_code == 303 and changed.headers["location"].startswith("/logg-inn")
        assert per.get("/api/plans").status_code == 401  # every session ended, this one too
        assert login(per, "per", "pers-første-passord").status_code == 401
        assert login(per, "per", "pers-andre-passord").status_code == 303
        assert "Bytt passord" in per.get("/konto").text
        reset = team["clients"]["admin"].post("/admin/passord", files={
            "token": (None, team["tokens"]["admin"]), "bruker": (None, "per"), "passord": (None, "fra-admin-12345")})
        assert reset.status_code == 200 and "Nytt passord for per er satt" in reset.text
        assert per.get("/api/plans").status_code == 401 and login(per, "per", "fra-admin-12345").status_code == 303
    finally:
        store.remove_user("per", actor="admin")


def test_a_team_server_over_https_sets_secure_host_only_cookies(small_model, tmp_path):
    from starlette.testclient import TestClient

    from alignment.serve.app import create_app
    from alignment.team.config import TeamConfig
    from alignment.team.store import TeamStore

    config = TeamConfig(workspace=tmp_path, secret=SECRET, public_url="https://rusplan.example.no")
    TeamStore(config.database).add_user("kari", PASSWORD)
    TeamStore(config.database).assign("kari", "rådgiver", "*")
    app = create_app(str(tmp_path), model=small_model, team=config)
    client = TestClient(app, base_url="https://rusplan.example.no", follow_redirects=False)
    cookie = login(client, "kari").headers["set-cookie"]
    assert cookie.startswith("__Host-alignment_okt=") and "Secure" in cookie and "Path=/" in cookie
    assert client.get("/", headers={"host": "annen.example.no"}).status_code == 403


# --- 3 advisors and 15 district users at once (bounded: 15 uploads, 150 saves, 90 district requests) ------------

def test_a_team_at_once_loses_nothing(small_model, tmp_path):
    import uvicorn

    from alignment.serve.app import create_app
    from alignment.serve.server import _bind, server_config
    from alignment.team.config import TeamConfig
    from alignment.team.store import TeamStore

    config = TeamConfig(workspace=tmp_path, secret="l" * 40)
    store = TeamStore(config.database)
    for name, (role, scope) in team_users().items():
        store.add_user(name, LOAD_PASSWORD)
        store.assign(name, role, scope)
    sock = _bind("127.0.0.1", 0)
    app = create_app(str(tmp_path), small_model, team=config)
    server = uvicorn.Server(server_config(app))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        figures = run_team_load(f"http://127.0.0.1:{sock.getsockname()[1]}", FROGNER, saves_each=10, timeout=300)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert figures["plans"] == 15 and not figures["uploads_refused"]
    assert figures["acknowledged"] == figures["saves"] == 150 and not figures["errors"]
    assert figures["lost_in_review"] == [] and figures["lost_in_log"] == []
    assert store.verify_audit() == (len(store.audit()), "")


# --- the README's story, end to end: the admin's two commands, then the browser --------------------------------

@pytest.mark.skipif(not os.path.exists(CHROMIUM) and not os.environ.get("CI"),
                    reason="Debian's chromium is not installed (scripts/setup.sh --test installs it)")
def test_the_readme_story_a_district_uploads_an_advisor_reviews_and_publishes(small_model, tmp_path):
    """An admin sets up with `alignment users add` and `alignment serve --config` (as the README says, on a free
    port); in Chromium the district user logs in, uploads and sees only their district, the advisor reviews with a
    key and publishes, the district user downloads the published letter; `alignment audit verify` passes."""
    import subprocess
    import sys
    from pathlib import Path

    from ..browser import launch

    alignment = str(Path(sys.executable).parent / "alignment")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = tmp_path / "team.toml"
    config.write_text(f'[server]\nworkspace = "arbeidsmappe"\nport = {port}\n', encoding="utf-8")
    for name, role, district in (("admin", "admin", ""), ("kari", "rådgiver", ""), ("fred", "bydel", "Frogner")):
        command = [alignment, "users", "add", name, "--role", role, "--password-stdin", "--config", str(config)]
        subprocess.run(command + (["--district", district] if district else []), input=PASSWORD + "\n", text=True,
                       check=True, capture_output=True)
    server = subprocess.Popen([alignment, "serve", "--config", str(config), "--model", small_model],
                              stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _listening(port):
            assert server.poll() is None and time.monotonic() < deadline, "the team server did not start"
            time.sleep(0.1)
        with launch() as browser:
            def signed_in(name):
                page = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True).new_page()
                page.goto(base + "/")
                assert "/logg-inn" in page.url
                page.fill("input[name=brukernavn]", name)
                page.fill("input[name=passord]", PASSWORD)
                page.click("form.login button")
                page.wait_for_load_state()
                return page

            fred = signed_in("fred")
            fred.set_input_files("form[data-upload] input[type=file]", str(FROGNER))
            fred.click("form[data-upload] button")
            fred.wait_for_url(f"{base}/planer/{A}", timeout=30000)
            fred.wait_for_selector("[data-machine-only]", timeout=60000)  # the district page reloads itself
            assert "Bydel Alna" not in fred.content()

            kari = signed_in("kari")
            kari.goto(f"{base}/planer/{A}")
            kari.locator(f"article.tiltak[data-tiltak='{TILTAK}']").focus()
            kari.keyboard.press("2")
            kari.wait_for_selector(f"article.tiltak[data-tiltak='{TILTAK}'] [data-saved]:has-text('Lagret')")
            kari.click("button[data-publish]")
            kari.wait_for_selector("[data-publication='1']")

            fred.goto(f"{base}/planer/{A}")
            with fred.expect_download() as download:
                fred.click("[data-publication='1'] a[href$='tilbakemelding.docx']")
            assert Path(download.value.path()).read_bytes()[:2] == b"PK"
            assert fred.goto(f"{base}/planer/{B}").status == 404
    finally:
        server.terminate()
        server.wait(30)
    verify = subprocess.run([alignment, "audit", "verify", "--config", str(config)], capture_output=True, text=True)
    assert verify.returncode == 0 and "Loggen er hel" in verify.stdout
    actions = [__import__("json").loads(line)["action"] for line in subprocess.run(
        [alignment, "audit", "export", "--config", str(config)], capture_output=True, text=True).stdout.splitlines()]
    for step in ("innlogging", "opplasting", "vurdering", "publisert"):
        assert step in actions, step


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
