"""A workbench on a fresh workspace with the small model, and a test client for it (as datasette's tests share one)."""

from __future__ import annotations

import time

import pytest

BASE = "http://127.0.0.1:8765"


def wait_until_done(client, plan_id, timeout=60):
    """Poll the plan until its check is no longer running; the plan's JSON then."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data = client.get(f"/api/plans/{plan_id}").json()
        if data.get("state") != "running":
            return data
        time.sleep(0.05)
    raise AssertionError(f"{plan_id} was still running after {timeout} s")


def let_in(client):
    """The test client as the browser is after opening the printed link: the key in its cookie."""
    from alignment.serve.login import LINK_COOKIE as SESSION_COOKIE

    client.cookies.set(SESSION_COOKIE, client.app.state.token)
    return client


def upload(client, path_or_name, content=None, district="", ocr=False, token=None):
    """Upload a plan as the page's form does (multipart with the session token)."""
    from pathlib import Path

    name = Path(path_or_name).name
    data = content if content is not None else Path(path_or_name).read_bytes()
    fields = {"token": client.app.state.token if token is None else token, "district": district}
    if ocr:
        fields["ocr"] = "1"
    return client.post("/api/plans", data=fields, files={"file": (name, data)})


@pytest.fixture(scope="module")
def workbench(small_model, tmp_path_factory):
    from starlette.testclient import TestClient

    from alignment.serve.app import create_app

    workspace = tmp_path_factory.mktemp("arbeidsmappe")
    app = create_app(str(workspace), model=small_model)
    with TestClient(app, base_url=BASE) as client:
        let_in(client)
        yield client, workspace
