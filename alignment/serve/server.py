"""`alignment serve`: the workbench on a production-grade server (uvicorn), one process, one model load."""

from __future__ import annotations

import socket
import webbrowser
from pathlib import Path

from ..embed import resolve_backend, resolve_model
from ..errors import InputError, os_reason

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def run(workspace: Path, host: str, port: int, open_browser: bool, model: str | None, echo=print,
        backend: str | None = None) -> None:
    """Bind first (so a busy port is one clear line), then serve until Ctrl-C."""
    import uvicorn

    from .app import create_app

    resolve_model(model, resolve_backend(model, backend))  # no model: say so now, not at the first upload
    sock = _bind(host, port)
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    if host not in LOCAL_HOSTS:
        echo(f"Advarsel: arbeidsbenken svarer på {host}, ikke bare på denne maskinen. Alle som når maskinen på "
             "nettet, kan se og endre vurderingene.")
    app = create_app(str(workspace), model, host, backend)
    echo(f"Arbeidsbenken kjører på {url} (arbeidsmappe: {Path(workspace).resolve()}). Stopp med Ctrl-C.")
    if open_browser:
        webbrowser.open(url)
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[sock])


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = "porten er i bruk" if exc.errno == 98 else os_reason(exc)
        raise InputError(f"Kan ikke starte arbeidsbenken på {host}:{port} ({reason}). Velg en annen med --port.") from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock
