"""The team server's configuration: one TOML file (`alignment serve --config team.toml`), secrets also from
the environment, checked whole before anything starts.

    [server]
    public_url = "https://rusplan.example.oslo.kommune.no"   # what users open; its host is the only one answered
    workspace = "/var/lib/alignment"
    secret_file = "/etc/alignment/secret"    # or ALIGNMENT_SECRET; made and kept in the workspace on loopback
    trusted_proxies = ["127.0.0.1"]          # X-Forwarded-* are believed from these addresses only
    session_hours = 10

    [oidc]                                   # optional: login through the organisation's identity provider
    issuer = "https://login.microsoftonline.com/<tenant>/v2.0"
    client_id = "…"
    client_secret_file = "/etc/alignment/oidc-secret"   # or ALIGNMENT_OIDC_CLIENT_SECRET
    username_claim = "preferred_username"
    groups_claim = "groups"
    [oidc.groups]                            # a group (its id, as the token carries it) → a role and scope
    "1b2c…" = "rådgiver"
    "9f8e…" = "bydel:Bydel Frogner"
"""

from __future__ import annotations

import ipaddress
import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import UsageError, os_reason
from ..records import ALL_DISTRICTS, ROLES
from ..serve.workspace import DISTRICTS, plan_id

TEAM_FOLDER = ".team"  # in the workspace: the database and a loopback server's own secret
MIN_SECRET_CHARS = 32
MAX_CONFIG_BYTES = 256 * 1024


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    username_claim: str = "preferred_username"
    groups_claim: str = "groups"
    groups: tuple[tuple[str, str, str], ...] = ()  # (group, role, scope)
    label: str = "Logg inn med Oslo kommune"


@dataclass(frozen=True)
class TeamConfig:
    workspace: Path
    public_url: str = ""
    secret: str = ""
    trusted_proxies: tuple[str, ...] = ()
    session_hours: float = 10.0
    host: str = "127.0.0.1"
    port: int = 8765
    oidc: OidcConfig | None = None
    source: str = ""  # the file it was read from

    @property
    def database(self) -> Path:
        return self.workspace / TEAM_FOLDER / "team.sqlite3"

    @property
    def https(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def public_host(self) -> str:
        return urlsplit(self.public_url).hostname or ""


def load_config(path: Path, environ: dict | None = None, workspace: Path | None = None,
                with_secrets: bool = True) -> TeamConfig:
    """The configuration in `path`, with secrets from `environ` where the file names none; a UsageError that
    says what to fix when anything is wrong. The admin's commands (`users`, `audit`, `backup`) read it without
    its secrets (`with_secrets=False`): a secret handed to the service alone (systemd's credentials) is not
    theirs to read."""
    environ = os.environ if environ is None else environ
    raw = _read_toml(path)
    server = _table(raw, "server", path)
    unknown = set(raw) - {"server", "oidc"} or set(server) - SERVER_KEYS
    if unknown:
        raise UsageError(f"{path}: ukjent innstilling «{sorted(unknown)[0]}». Kjente: [server] "
                         f"{', '.join(sorted(SERVER_KEYS))}, og [oidc].")
    base = path.parent
    folder = workspace or _path(server.get("workspace", "arbeidsmappe"), base, path, "workspace")
    public_url = _text(server, "public_url", path)
    if public_url and urlsplit(public_url).scheme not in ("http", "https") or public_url and not urlsplit(
            public_url).hostname:
        raise UsageError(f"{path}: public_url «{public_url}» må være en full adresse, f.eks. https://rusplan.example.no.")
    secret = (environ.get("ALIGNMENT_SECRET") or _secret(server, "secret", base, path)) if with_secrets else ""
    if secret and len(secret) < MIN_SECRET_CHARS:
        raise UsageError(f"{path}: hemmeligheten er for kort (minst {MIN_SECRET_CHARS} tegn). Lag en med: "
                         "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'")
    proxies = server.get("trusted_proxies", [])
    if not isinstance(proxies, list) or not all(_is_address(p) for p in proxies):
        raise UsageError(f"{path}: trusted_proxies må være en liste av IP-adresser, f.eks. [\"127.0.0.1\"].")
    hours = server.get("session_hours", 10)
    if not isinstance(hours, (int, float)) or not 0 < hours <= 24 * 30:
        raise UsageError(f"{path}: session_hours må være et tall mellom 0 og 720.")
    port = server.get("port", 8765)
    if not isinstance(port, int) or not 0 < port < 65536:
        raise UsageError(f"{path}: port må være et heltall mellom 1 og 65535.")
    return TeamConfig(workspace=folder, public_url=public_url.rstrip("/"), secret=secret,
                      trusted_proxies=tuple(proxies), session_hours=float(hours),
                      host=_text(server, "host", path) or "127.0.0.1", port=port,
                      oidc=_oidc(raw.get("oidc"), base, path, environ) if with_secrets else None, source=str(path))


SERVER_KEYS = {"public_url", "workspace", "secret", "secret_file", "trusted_proxies", "session_hours", "host", "port"}
OIDC_KEYS = {"issuer", "client_id", "client_secret", "client_secret_file", "username_claim", "groups_claim", "groups",
             "label"}


def parse_role(value: str) -> tuple[str, str]:
    """'rådgiver' → ('rådgiver', '*'); 'bydel:Bydel Frogner' → ('bydel', 'bydel-frogner'); a UsageError else."""
    role, _, district = value.partition(":")
    role = role.strip().lower().replace("radgiver", "rådgiver")
    return checked_role(role, district_scope(district) if district.strip() else ALL_DISTRICTS)


def checked_role(role: str, scope: str) -> tuple[str, str]:
    """A role and scope the role table may hold: a known role; a district user's scope one of Oslo's districts."""
    if role not in ROLES:
        raise UsageError(f"Ukjent rolle «{role}». Rollene er {', '.join(ROLES)}.")
    if role == "bydel" and scope == ALL_DISTRICTS:
        raise UsageError("Rollen bydel gjelder én bydel: skriv den, f.eks. bydel:Bydel Frogner (eller --district).")
    if scope != ALL_DISTRICTS and scope not in DISTRICT_SCOPES:
        raise UsageError(f"Ukjent bydel «{scope}». Bydelene er {', '.join(DISTRICTS)}.")
    return role, scope


def district_scope(district: str) -> str:
    """A district as a scope: its plan id ('Bydel Frogner', 'Frogner' and 'bydel-frogner' → 'bydel-frogner';
    '*' and 'alle' → every district). A name that is none of Oslo's districts stays as it is (and is refused by
    `checked_role`)."""
    if district.strip() in ("*", "alle"):
        return ALL_DISTRICTS
    slug = plan_id(district)
    for name in DISTRICTS:
        if slug in (plan_id(name), plan_id(f"Bydel {name}")):
            return plan_id(f"Bydel {name}")
    return slug


DISTRICT_SCOPES = frozenset(plan_id(f"Bydel {name}") for name in DISTRICTS)


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"{path}: kan ikke lese konfigurasjonen ({os_reason(exc)}).") from exc
    if len(data) > MAX_CONFIG_BYTES:
        raise UsageError(f"{path}: konfigurasjonen er for stor.")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: konfigurasjonen er ikke gyldig TOML ({exc}).") from exc


def _table(raw: dict, name: str, path: Path) -> dict:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise UsageError(f"{path}: [{name}] må være en tabell.")
    return value


def _text(table: dict, key: str, path: Path) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise UsageError(f"{path}: {key} må være en tekst.")
    return value.strip()


def _path(value, base: Path, path: Path, key: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{path}: {key} må være en mappe.")
    return (base / Path(value).expanduser()).resolve()


def _secret(table: dict, key: str, base: Path, path: Path) -> str:
    """A secret written in the file, or read from the file `<key>_file` names (only its owner may read that)."""
    if table.get(key):
        return _text(table, key, path)
    if not table.get(f"{key}_file"):
        return ""
    secret_path = _path(table[f"{key}_file"], base, path, f"{key}_file")
    try:
        mode = secret_path.stat().st_mode
        text = secret_path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{secret_path}: kan ikke lese hemmeligheten ({exc}).") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise UsageError(f"{secret_path}: andre brukere kan lese hemmeligheten. Kjør: chmod 600 {secret_path}")
    return text


def _is_address(value) -> bool:
    try:
        ipaddress.ip_network(str(value), strict=False)
        return True
    except ValueError:
        return False


def _oidc(raw, base: Path, path: Path, environ) -> OidcConfig | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - OIDC_KEYS:
        raise UsageError(f"{path}: [oidc] kjenner bare {', '.join(sorted(OIDC_KEYS))}.")
    issuer, client_id = _text(raw, "issuer", path), _text(raw, "client_id", path)  # as the tokens say it
    secret = environ.get("ALIGNMENT_OIDC_CLIENT_SECRET") or _secret(raw, "client_secret", base, path)
    if not issuer or not client_id or not secret:
        raise UsageError(f"{path}: [oidc] trenger issuer, client_id og client_secret (eller client_secret_file, "
                         "eller miljøvariabelen ALIGNMENT_OIDC_CLIENT_SECRET).")
    groups = raw.get("groups", {})
    if not isinstance(groups, dict) or not all(isinstance(v, str) for v in groups.values()):
        raise UsageError(f"{path}: [oidc.groups] må knytte grupper til roller, f.eks. \"<gruppe-id>\" = \"rådgiver\".")
    mapped = tuple((str(group), *parse_role(role)) for group, role in sorted(groups.items()))
    return OidcConfig(issuer, client_id, secret, _text(raw, "username_claim", path) or "preferred_username",
                      _text(raw, "groups_claim", path) or "groups", mapped,
                      _text(raw, "label", path) or "Logg inn med Oslo kommune")


def config_for_workspace(workspace: Path) -> TeamConfig:
    """A team configuration with nothing but the workspace (for `alignment users` without --config)."""
    return TeamConfig(workspace=workspace.resolve())

