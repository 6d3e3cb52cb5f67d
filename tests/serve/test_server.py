"""`alignment serve`'s server settings: idle connections are closed, also before their first request; behind a TLS
proxy, forwarded headers are believed from the configured proxy only."""

import datetime
import ipaddress
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from ..conftest import FROGNER


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

# --- a team server behind a real nginx terminating TLS (deploy/nginx.conf, a self-signed certificate), on loopback:
# log in, upload, review, publish and download through it; cookies are Secure, plain HTTP is sent to HTTPS, and the
# client's address comes from the proxy's header.

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
NEEDS_NGINX = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (scripts/setup.sh --test installs it)")
DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
PASSWORD = "passord-for-proxytesten"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for localhost and 127.0.0.1, and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
                   .not_valid_after(now + datetime.timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                               x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                                  critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(key, hashes.SHA256()))
    cert, private = folder / "cert.pem", folder / "key.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return cert, private


def nginx_conf(folder: Path, https_port: int, http_port: int, app_port: int, cert: Path, key: Path) -> Path:
    """deploy/nginx.conf as shipped, on loopback ports, inside a minimal nginx.conf of its own."""
    site = DEPLOY.read_text(encoding="utf-8")
    site = "\n".join(line for line in site.splitlines() if "[::]" not in line)
    for old, new in (("listen 80;", f"listen 127.0.0.1:{http_port};"),
                     ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
                     ("alignment.example.no", "localhost"), ("/etc/ssl/alignment/fullchain.pem", str(cert)),
                     ("/etc/ssl/alignment/privkey.pem", str(key)), ("127.0.0.1:8765", f"127.0.0.1:{app_port}"),
                     ("proxy_set_header Host $host;", "proxy_set_header Host $http_host;")):  # public_url has a port
        assert old in site, old
        site = site.replace(old, new)
    (folder / "site.conf").write_text(site, encoding="utf-8")
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(f"""{user}worker_processes 1;
error_log {folder}/error.log warn;
pid {folder}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
""", encoding="utf-8")
    return conf


def wait_for_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


@pytest.fixture(scope="module")
def behind_nginx(small_model, tmp_path_factory):
    import uvicorn

    from alignment.serve.app import create_app
    from alignment.serve.server import _bind, server_config
    from alignment.team.config import TeamConfig
    from alignment.team.store import TeamStore

    folder = tmp_path_factory.mktemp("nginx")
    https_port, http_port = free_port(), free_port()
    sock = _bind("127.0.0.1", 0)
    app_port = sock.getsockname()[1]
    public = f"https://localhost:{https_port}"
    config = TeamConfig(workspace=tmp_path_factory.mktemp("teammappe"), secret="p" * 40, public_url=public,
                        trusted_proxies=("127.0.0.1",))
    store = TeamStore(config.database)
    store.add_user("kari", PASSWORD)
    store.assign("kari", "rådgiver", "*")
    store.add_user("fred", PASSWORD)
    store.assign("fred", "bydel", "bydel-frogner")
    app = create_app(str(config.workspace), small_model, team=config)
    server = uvicorn.Server(server_config(app, trusted_proxies=config.trusted_proxies))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    cert, key = self_signed(folder)
    conf = nginx_conf(folder, https_port, http_port, app_port, cert, key)
    nginx = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port(https_port)
        while not server.started:
            time.sleep(0.02)
        yield {"url": public, "http": f"http://localhost:{http_port}", "cert": str(cert), "store": store,
               "direct": f"http://127.0.0.1:{app_port}"}
    finally:
        nginx.terminate()
        nginx.wait(10)
        server.should_exit = True
        thread.join(timeout=10)


def sign_in(base: str, cert: str, name: str):
    client = httpx.Client(base_url=base, verify=trusting(cert), timeout=60)
    response = client.post("/logg-inn", files={"brukernavn": (None, name), "passord": (None, PASSWORD),
                                               "neste": (None, "/")})
    return client, response


def trusting(cert: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cert)


def token_of(client) -> str:
    import re

    return re.search(r'name="alignment-token" content="([^"]*)"', client.get("/").text).group(1)


@NEEDS_NGINX
def test_plain_http_is_sent_to_https(behind_nginx):
    response = httpx.get(behind_nginx["http"] + "/logg-inn", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"].startswith("https://localhost")


@NEEDS_NGINX
def test_login_upload_review_publish_and_download_through_the_proxy(behind_nginx):
    url, cert, store = behind_nginx["url"], behind_nginx["cert"], behind_nginx["store"]
    anonymous = httpx.Client(base_url=url, verify=trusting(cert))
    first = anonymous.get("/planer/bydel-frogner", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/logg-inn?neste=/planer/bydel-frogner"

    kari, response = sign_in(url, cert, "kari")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("__Host-alignment_okt=") and "Secure" in cookie and "HttpOnly" in cookie
    token = token_of(kari)
    uploaded = kari.post("/api/plans", data={"token": token, "district": "Bydel Frogner"},
                         files={"file": (FROGNER.name, FROGNER.read_bytes())})
    assert uploaded.status_code in (201, 202), uploaded.text
    deadline = time.monotonic() + 120
    while kari.get("/api/plans/bydel-frogner").json()["state"] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    saved = kari.put("/api/plans/bydel-frogner/review/5.1.1%20A", json={"status": "covered", "comment": "ok"},
                     headers={"x-alignment-token": token})
    assert saved.status_code == 200, saved.text
    published = kari.post("/api/plans/bydel-frogner/publications", json={}, headers={"x-alignment-token": token})
    assert published.status_code == 201

    fred, _ = sign_in(url, cert, "fred")
    letter = fred.get("/planer/bydel-frogner/publisert/1/tilbakemelding.docx")
    assert letter.status_code == 200 and letter.content[:2] == b"PK"
    assert fred.get("/planer/bydel-frogner/vurdering.yaml").status_code == 403

    logins = [entry for entry in store.audit() if entry.action == "innlogging"]
    assert logins and all('"adresse": "127.0.0.1"' in entry.after for entry in logins)
    assert store.verify_audit()[1] == ""


@NEEDS_NGINX
def test_the_public_name_is_the_only_one_answered_through_the_proxy(behind_nginx):
    response = httpx.get(behind_nginx["url"] + "/logg-inn", verify=trusting(behind_nginx["cert"]),
                         headers={"host": "rebind.example.com"})
    assert response.status_code in (403, 421, 400)
