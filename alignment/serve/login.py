"""Who a request comes from: the single-user workbench's link key, or a team server's login.

`Guard` asks the door (`LinkKey` or `TeamDoor`) who a request is, before
any handler runs; a request nobody is behind gets the door's refusal (the
link's line, or the login page). The door never decides what someone may
do: that is `team.access`, read by the handlers against the plan they touch.

A team server's sessions are server-side (the database keeps a hash of the
id), in a cookie signed with the server's secret, HttpOnly, SameSite=Lax (a
login through the identity provider comes back as a cross-site navigation),
Secure and `__Host-` prefixed under HTTPS; they expire, and logging out ends
them. Forms and scripts carry the session's CSRF token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, quote

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from ..errors import Refused
from ..records import Principal
from ..team.access import owner

LINK_COOKIE = "alignment_nokkel"
PUBLIC_PREFIXES = ("/static/",)
LOGIN_PATHS = ("/logg-inn", "/auth/oidc", "/auth/oidc/svar")


def _cookies(headers: dict[str, str]) -> SimpleCookie:
    cookies = SimpleCookie()
    try:
        cookies.load(headers.get("cookie", ""))
    except Exception:  # a malformed Cookie header is no cookie, not an error page
        return SimpleCookie()
    return cookies


def same_secret(sent: str, secret: str) -> bool:
    return bool(sent) and hmac.compare_digest(sent.encode("utf-8", "replace"), secret.encode())


class LinkKey:
    """Like Jupyter: only who opened the link `alignment serve` printed (its key, kept as a cookie) gets in, so
    another account on this machine cannot act through the loopback port. Scripts send the key as a header."""

    team = False

    def __init__(self, secret: str) -> None:
        self.secret = secret

    def public(self, path: str) -> bool:
        return path.startswith(PUBLIC_PREFIXES)

    async def identify(self, scope, headers: dict[str, str]) -> Principal | None:
        cookies = _cookies(headers)
        sent = [cookies[LINK_COOKIE].value if LINK_COOKIE in cookies else "", headers.get("x-alignment-token", ""),
                self.link_key(scope)]
        if any(same_secret(value, self.secret) for value in sent):
            return Principal("", owner().assignments, csrf=self.secret)
        return None

    def arrival(self, scope) -> Response | None:
        """The printed link: keep its key in a cookie, and drop it from the address bar."""
        if not self.link_key(scope):
            return None
        response = RedirectResponse(scope["path"], status_code=303)
        response.set_cookie(LINK_COOKIE, self.secret, httponly=True, samesite="strict", path="/")
        return response

    def stranger(self, path: str, query: str, method: str = "GET") -> Refused:
        return Refused(403, "Arbeidsbenken åpnes med lenken `alignment serve` skrev ut da den startet (den har en "
                            "nøkkel som bare du har). Åpne den lenken.")

    def script_token_required(self) -> bool:
        return False  # the key itself is the proof: a cookie (SameSite=Strict) or the header

    def link_key(self, scope) -> str:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        value = (query.get("token") or [""])[0]
        return value if same_secret(value, self.secret) else ""


class TeamDoor:
    """A team server's door: a signed session cookie, looked up in the database at each request, so a role
    taken away or a session ended counts at once."""

    team = True

    def __init__(self, store, secret: str, https: bool) -> None:
        self.store = store
        self.secret = secret
        self.https = https
        self.cookie = "__Host-alignment_okt" if https else "alignment_okt"

    def public(self, path: str) -> bool:
        return path.startswith(PUBLIC_PREFIXES) or path in LOGIN_PATHS

    async def identify(self, scope, headers: dict[str, str]) -> Principal | None:
        cookies = _cookies(headers)
        session_id = self.unsigned(cookies[self.cookie].value) if self.cookie in cookies else ""
        return await run_in_threadpool(self.store.principal, session_id) if session_id else None

    def arrival(self, scope) -> Response | None:
        return None

    def stranger(self, path: str, query: str, method: str = "GET") -> Refused | Response:
        if path.startswith("/api/"):
            return Refused(401, "Du er ikke logget inn. Logg inn på arbeidsbenken og prøv igjen.")
        target = path + (f"?{query}" if query else "") if method == "GET" else "/"  # a form's page, not its POST
        return RedirectResponse(f"/logg-inn?neste={quote(target, safe='/')}", status_code=303)

    def script_token_required(self) -> bool:
        return True  # a Lax cookie rides along on more than our own pages' requests: changes carry the CSRF token

    def signed(self, session_id: str) -> str:
        return f"{session_id}.{self._signature(session_id)}"

    def unsigned(self, value: str) -> str:
        session_id, _, signature = value.rpartition(".")
        expected = self._signature(session_id).encode()
        return session_id if session_id and hmac.compare_digest(signature.encode("utf-8", "replace"), expected) else ""

    def _signature(self, session_id: str) -> str:
        digest = hmac.new(self.secret.encode(), session_id.encode("utf-8", "replace"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def set_session(self, response: Response, session_id: str, hours: float) -> None:
        response.set_cookie(self.cookie, self.signed(session_id), max_age=int(hours * 3600), httponly=True,
                            samesite="lax", secure=self.https, path="/")

    def clear_session(self, response: Response) -> None:
        response.delete_cookie(self.cookie, path="/", httponly=True, samesite="lax", secure=self.https)


def safe_next(target: str) -> str:
    """Where to go after logging in: a path on this server only (never `//elsewhere` or a full URL)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target or any(ord(c) < 32 for c in target):
        return "/"
    return target
