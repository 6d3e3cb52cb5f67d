"""`alignment serve`: the workbench on a production-grade server (uvicorn), one process, one model load."""

from __future__ import annotations

import ipaddress
import os
import socket
import webbrowser
from pathlib import Path

from ..embed import resolve_backend, resolve_model
from ..errors import InputError, UsageError, os_reason

# An idle keep-alive connection is closed after this many seconds, so idle clients cannot hold the process's
# file descriptors; past this many connections at once uvicorn answers 503 rather than running out of them.
KEEP_ALIVE_SECONDS = 5
MAX_CONNECTIONS = 100


def run(workspace: Path, host: str, port: int, open_browser: bool, model: str | None, echo=print,
        backend: str | None = None, team=None) -> None:
    """Bind first (so a busy port is one clear line), then serve until Ctrl-C. With `team` (a TeamConfig), a
    team server with login; `workspace`, `host` and `port` are then the configuration's unless given."""
    import uvicorn

    from .app import create_app

    if team is None:
        refuse_network_address(host)
    else:
        team = ready_team(team, host)
        workspace, host, port = team.workspace, host or team.host, port or team.port
    resolve_model(model, resolve_backend(model, backend))  # no model: say so now, not at the first upload
    restrict_to_owner(Path(workspace))
    sock = _bind(host, port)
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}/"
    app = create_app(str(workspace), model, host, backend, team=team)
    if team is not None:
        listening = f"lytter på {url}, " if team.public_url else ""
        echo(f"Arbeidsbenken for teamet kjører på {team.public_url or url} ({listening}arbeidsmappe: "
             f"{Path(workspace).resolve()}). Logg inn der; stopp med Ctrl-C.")
        if not any(assignments for *_, assignments in app.state.store.users()):
            echo("Ingen brukere har en rolle ennå. Lag den første administratoren med: alignment users add NAVN "
                 f"--role admin --config {team.source or 'team.toml'}")
        server = uvicorn.Server(server_config(app, trusted_proxies=team.trusted_proxies))
    else:
        link = f"{url}?token={app.state.token}"  # the key: only who has this link (or its cookie) gets in
        echo(f"Arbeidsbenken kjører på {link} (arbeidsmappe: {Path(workspace).resolve()}). Åpne lenken i "
             "nettleseren; stopp med Ctrl-C.")
        if open_browser:
            webbrowser.open(link)
        server = uvicorn.Server(server_config(app))
    server.run(sockets=[sock])


def ready_team(team, host: str | None):
    """The team configuration, checked for the address it will answer on, with its secret: a server on the
    network needs a configured secret and the public name users reach it by; one on this machine only gets a
    secret of its own, kept in the workspace (0600)."""
    from dataclasses import replace

    from ..team.config import TEAM_FOLDER

    host = host or team.host
    if not is_loopback(host) and (not team.secret or not team.public_url):
        raise UsageError(f"--host {host}: en teamserver på nettverket trenger en hemmelighet (secret_file i "
                         "[server], eller ALIGNMENT_SECRET) og public_url, adressen brukerne åpner. Sett begge i "
                         f"{team.source or 'konfigurasjonen'}.")
    if team.secret:
        return team
    restrict_to_owner(team.workspace)
    folder = team.workspace / TEAM_FOLDER
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / "hemmelighet"
    try:
        if not path.exists():
            import secrets

            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return replace(team, secret=path.read_text(encoding="utf-8").strip())
    except OSError as exc:
        raise InputError(f"{path}: kan ikke lage serverens hemmelighet ({os_reason(exc)}).") from exc


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def refuse_network_address(host: str) -> None:
    """The workbench has no login: on any address but this machine's own, anyone on the network could see and
    change every verdict, so such an address is refused rather than warned about."""
    if not is_loopback(host):
        raise UsageError(f"--host {host}: arbeidsbenken har ingen pålogging og svarer bare på denne maskinen "
                         "(127.0.0.1). Bruk --host 127.0.0.1, eller start en teamserver med pålogging: "
                         "alignment serve --config team.toml (se README).")


def restrict_to_owner(workspace: Path) -> None:
    """Files only the workbench's own user can read: the workspace folder 0700, everything it writes 0600."""
    os.umask(0o077)
    try:
        workspace.mkdir(parents=True, exist_ok=True)
        if workspace.stat().st_uid == os.getuid():
            workspace.chmod(0o700)
    except OSError as exc:
        raise InputError(f"{workspace}: kan ikke bruke arbeidsmappen ({os_reason(exc)}).") from exc


def server_config(app, keep_alive: float = KEEP_ALIVE_SECONDS, trusted_proxies: tuple[str, ...] = ()):
    """uvicorn's settings for the workbench: quiet, with idle connections closed and connections bounded.

    X-Forwarded-For and -Proto are believed only from `trusted_proxies` (a team server's TLS proxy): then the
    client's address (counted for failed logins) and the scheme (https: Secure cookies) are the proxy's word.
    """
    import uvicorn

    return uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=5,
                          timeout_keep_alive=keep_alive, limit_concurrency=MAX_CONNECTIONS, http=_idle_protocol(),
                          proxy_headers=bool(trusted_proxies),
                          forwarded_allow_ips=",".join(trusted_proxies) if trusted_proxies else None)


def _idle_protocol():
    """uvicorn's h11 protocol, closing a connection that is idle before its request is whole, too.

    uvicorn times out an idle connection only after a response; one that sends nothing, or half a request
    head, would otherwise stay open for good and hold a file descriptor.
    """
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class IdleClosingProtocol(H11Protocol):
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._wait_for_request()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.cycle is None or self.cycle.response_complete:  # no whole request yet: keep the clock running
                self._wait_for_request()

        def _wait_for_request(self) -> None:
            self._unset_keepalive_if_required()
            if not self.transport.is_closing():
                self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive,
                                                                    self.timeout_keep_alive_handler)

    return IdleClosingProtocol


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
