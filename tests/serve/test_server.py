"""`alignment serve`'s server settings: idle connections are closed, also before their first request."""

import socket
import threading
import time

import pytest


async def hello(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"hei"})


@pytest.fixture
def server():
    import uvicorn

    from alignment.serve.server import _bind, server_config

    sock = _bind("127.0.0.1", 0)
    running = uvicorn.Server(server_config(hello, keep_alive=0.3))
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not running.started:
        time.sleep(0.01)
    yield sock.getsockname()[1]
    running.should_exit = True
    thread.join(timeout=10)


def _closed_within(connection, seconds):
    """Whether the server closes the connection (after whatever it still had to send) within `seconds`."""
    connection.settimeout(seconds)
    try:
        while connection.recv(1024):
            pass
        return True
    except TimeoutError:
        return False


def test_idle_connections_are_closed_before_and_after_a_request(server):
    silent = socket.create_connection(("127.0.0.1", server))  # sends nothing at all
    half = socket.create_connection(("127.0.0.1", server))
    half.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # half a request head, then nothing
    done = socket.create_connection(("127.0.0.1", server))
    done.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert done.recv(1024).startswith(b"HTTP/1.1 200")
    for connection in (silent, half, done):
        with connection:
            assert _closed_within(connection, 3)


def test_the_workbench_bounds_its_connections():
    from alignment.serve.server import KEEP_ALIVE_SECONDS, MAX_CONNECTIONS, server_config

    config = server_config(hello)
    assert config.timeout_keep_alive == KEEP_ALIVE_SECONDS <= 10 and config.limit_concurrency == MAX_CONNECTIONS


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "10.0.0.1", "arbeidsbenk.example.org"])
def test_an_address_on_the_network_is_refused(host):
    from alignment.errors import UsageError
    from alignment.serve.server import refuse_network_address

    with pytest.raises(UsageError, match="ingen pålogging"):
        refuse_network_address(host)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_this_machines_own_addresses_are_taken(host):
    from alignment.serve.server import refuse_network_address

    refuse_network_address(host)


def test_the_workspace_is_readable_by_its_owner_only(tmp_path):
    import os
    import stat

    from alignment.serve.server import restrict_to_owner

    workspace = tmp_path / "arbeidsmappe"
    workspace.mkdir(mode=0o755)
    before = os.umask(0o022)
    try:
        restrict_to_owner(workspace)
        (workspace / "plan.json").write_text("{}", encoding="utf-8")
        (workspace / "bydel-x").mkdir()
    finally:
        os.umask(before)
    assert stat.S_IMODE(workspace.stat().st_mode) == 0o700
    assert stat.S_IMODE((workspace / "plan.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((workspace / "bydel-x").stat().st_mode) == 0o700
