"""Logging in through an identity provider (OpenID Connect), end to end against a real provider on loopback
(oidc-provider-mock): groups become roles, and a token that does not hold gets no session."""

from __future__ import annotations

import contextlib
import logging
import threading
from datetime import timedelta
from unittest import mock
from urllib.parse import urlsplit

import pytest

from .conftest import BASE

oidc_provider_mock = pytest.importorskip("oidc_provider_mock", reason="pip install oidc-provider-mock (test extra)")
httpx = pytest.importorskip("httpx")

CLIENT_ID = "alignment"
GROUPS = {"korus-radgivere": "rådgiver", "bydel-frogner-ansatte": "bydel:Bydel Frogner"}
USERS = {
    "kari": {"preferred_username": "kari@oslo.kommune.no", "email": "kari@oslo.kommune.no",
             "groups": ["korus-radgivere", "andre"]},
    "fred": {"preferred_username": "fred@bfr.oslo.kommune.no", "groups": ["bydel-frogner-ansatte"]},
    "uten": {"preferred_username": "uten@oslo.kommune.no", "groups": ["andre"]},
    "mange": {"preferred_username": "mange@oslo.kommune.no",
              "_claim_names": {"groups": "src1"}, "_claim_sources": {"src1": {"endpoint": "https://graph"}}},
}


@contextlib.contextmanager
def provider(**options):
    """The provider on 127.0.0.1 (a free port), its users set; its base URL is the issuer."""
    import werkzeug.serving

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    users = [oidc_provider_mock.User(sub=sub, claims=claims) for sub, claims in USERS.items()]
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(user_claims=users, **options),
                                          threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def team_server(small_model, workspace, **provider_options):
    from starlette.testclient import TestClient

    from alignment.serve.app import create_app
    from alignment.team.config import OidcConfig, TeamConfig, parse_role

    with provider(**provider_options) as issuer:
        oidc = OidcConfig(issuer, CLIENT_ID, "klienthemmelighet",
                          groups=tuple((group, *parse_role(role)) for group, role in GROUPS.items()))
        config = TeamConfig(workspace=workspace, secret="s" * 40, oidc=oidc)
        app = create_app(str(workspace), model=small_model, team=config)
        yield app, TestClient(app, base_url=BASE, follow_redirects=False), issuer


def sign_in(client, sub: str):
    """The whole login with no browser: the workbench sends us to the provider, we pick the user there, the
    provider sends us back with a code; the workbench's answer to that."""
    start = client.get("/auth/oidc?neste=/api/plans")
    assert start.status_code == 302, start.text
    callback = choose_user(start.headers["location"], sub)
    return client.get(callback), callback


def choose_user(authorize_url: str, sub: str) -> str:
    with httpx.Client() as browser:
        assert browser.get(authorize_url).status_code == 200
        answer = browser.post(authorize_url, data={"sub": sub})
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    return f"{back.path}?{back.query}"


def test_groups_become_roles_and_the_login_is_a_session(small_model, tmp_path):
    with team_server(small_model, tmp_path) as (app, client, _):
        answer, _ = sign_in(client, "kari")
        assert answer.status_code == 303 and answer.headers["location"] == "/api/plans"
        assert client.get("/api/plans").status_code == 200
        store = app.state.store
        assert [(a.role, a.scope, a.source) for a in store.assignments("kari@oslo.kommune.no")] == [
            ("rådgiver", "*", "oidc")]
        district = client.__class__(app, base_url=BASE, follow_redirects=False)
        sign_in(district, "fred")
        assert [(a.role, a.scope) for a in store.assignments("fred@bfr.oslo.kommune.no")] == [
            ("bydel", "bydel-frogner")]
        assert district.get("/admin").status_code == 403
        actions = [(e.actor, e.action) for e in store.audit()]
        assert ("kari@oslo.kommune.no", "innlogging") in actions and ("oidc", "rolle_gitt") in actions
        assert store.verify_audit()[1] == ""


def test_a_user_whose_groups_give_no_role_gets_one_line_and_no_session(small_model, tmp_path):
    with team_server(small_model, tmp_path) as (_, client, _):
        answer, _ = sign_in(client, "uten")
        assert answer.status_code == 403 and "ingen rolle" in answer.text
        assert client.get("/api/plans").status_code == 401


def test_a_replayed_answer_is_refused(small_model, tmp_path):
    """Once used, an answer is refused: without the login's state (another browser), and with it (the state
    cookie copied from before: the provider's code is single-use)."""
    with team_server(small_model, tmp_path) as (app, client, _):
        start = client.get("/auth/oidc")
        callback = choose_user(start.headers["location"], "kari")
        state_cookie = client.cookies.get("alignment_oidc")
        assert client.get(callback).status_code == 303
        for cookies in ({}, {"alignment_oidc": state_cookie}):
            other = client.__class__(app, base_url=BASE, follow_redirects=False, cookies=cookies)
            replay = other.get(callback)
            assert replay.status_code == 400 and "kunne ikke bekreftes" in replay.text
            assert other.get("/api/plans").status_code == 401


def test_an_expired_token_is_refused(small_model, tmp_path):
    with team_server(small_model, tmp_path, access_token_max_age=timedelta(seconds=-600)) as (_, client, _):
        answer, _ = sign_in(client, "kari")
        assert answer.status_code == 400 and "kunne ikke bekreftes" in answer.text
        assert client.get("/api/plans").status_code == 401


def test_a_token_for_another_audience_is_refused(small_model, tmp_path):
    import oidc_provider_mock._app as provider_app

    issued = provider_app.OpenIDCode.get_jwt_config

    def for_someone_else(self, grant, client=None):
        return {**issued(self, grant, client), "aud": ["en-annen-tjeneste"]}

    with team_server(small_model, tmp_path) as (app, client, _), mock.patch.object(
            provider_app.OpenIDCode, "get_jwt_config", for_someone_else):
        answer, _ = sign_in(client, "kari")
        assert answer.status_code == 400 and "kunne ikke bekreftes" in answer.text
        assert client.get("/api/plans").status_code == 401
        assert app.state.store.assignments("kari@oslo.kommune.no") == ()


def test_a_provider_that_cannot_be_reached_is_one_line(small_model, tmp_path):
    from starlette.testclient import TestClient

    from alignment.serve.app import create_app
    from alignment.team.config import OidcConfig, TeamConfig

    config = TeamConfig(workspace=tmp_path, secret="s" * 40, oidc=OidcConfig("http://127.0.0.1:9", CLIENT_ID, "x"))
    client = TestClient(create_app(str(tmp_path), model=small_model, team=config), base_url=BASE,
                        follow_redirects=False)
    answer = client.get("/auth/oidc")
    assert answer.status_code == 502 and "påloggingstjenesten" in answer.text


def test_a_provider_account_cannot_take_over_a_local_accounts_name(small_model, tmp_path):
    with team_server(small_model, tmp_path) as (app, client, _):
        app.state.store.add_user("kari@oslo.kommune.no", "et-langt-passord")
        app.state.store.assign("kari@oslo.kommune.no", "admin", "*")
        answer, _ = sign_in(client, "kari")
        assert answer.status_code == 403 and "lokal konto" in answer.text
        assert client.get("/api/plans").status_code == 401


def test_a_token_without_its_groups_because_there_are_too_many_says_so(small_model, tmp_path):
    """Entra ID's "groups overage": the groups are left out and pointed to; the user is told what IT can do."""
    with team_server(small_model, tmp_path) as (_, client, _):
        answer, _ = sign_in(client, "mange")
        assert answer.status_code == 403 and "for mange grupper" in answer.text
        assert client.get("/api/plans").status_code == 401
