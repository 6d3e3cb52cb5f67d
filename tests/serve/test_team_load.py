"""3 advisors and 15 district users on a team server at once (bounded: 15 uploads, 150 saves, 90 district
requests): nothing acknowledged is lost, and the audit chain verifies afterwards."""

from __future__ import annotations

import threading
import time

from ..conftest import FROGNER
from .team_load import PASSWORD, run_team_load, team_users


def test_a_team_at_once_loses_nothing(small_model, tmp_path):
    import uvicorn

    from alignment.serve.app import create_app
    from alignment.serve.server import _bind, server_config
    from alignment.team.config import TeamConfig
    from alignment.team.store import TeamStore

    config = TeamConfig(workspace=tmp_path, secret="l" * 40)
    store = TeamStore(config.database)
    for name, (role, scope) in team_users().items():
        store.add_user(name, PASSWORD)
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
