"""A team server's own pages: logging in and out (local accounts, and the organisation's identity provider
through OpenID Connect), and the admin's page of users, roles and the audit log."""

from __future__ import annotations

import asyncio
import ipaddress
import json

import httpx

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ..errors import Refused, UsageError
from ..render.web import account_html, admin_html, login_html
from ..team.access import ROLE_LABELS
from ..team.config import checked_role, district_scope
from ..team.store import NAME, checked_name
from .app import Views, audit_json, _attachment, _content_kind, FORM, _text
from .login import safe_next
from .workspace import DISTRICTS

MAX_LOGIN_FIELD = 1000
MAX_PASSWORD_CHECKS = 2  # Argon2id verifications at once (the machine's cores)
OIDC_SESSION_COOKIE = "alignment_oidc"  # only the login's state and nonce, for ten minutes


class Login(Views):
    def __init__(self, checker, store, team, door) -> None:
        super().__init__(checker, store, team)
        self.door = door
        self.checking = asyncio.Semaphore(MAX_PASSWORD_CHECKS)
        self.oauth = self._oauth() if team.oidc is not None else None

    def middleware(self) -> list[Middleware]:
        """Authlib keeps a login's state and nonce in Starlette's signed session cookie (only while logging in)."""
        if self.oauth is None:
            return []
        from starlette.middleware.sessions import SessionMiddleware

        return [Middleware(SessionMiddleware, secret_key=self.team.secret or self.door.secret,
                           session_cookie=OIDC_SESSION_COOKIE, max_age=600, same_site="lax",
                           https_only=self.team.https)]

    def _oauth(self):
        from authlib.integrations.starlette_client import OAuth

        oidc = self.team.oidc
        oauth = OAuth()
        oauth.register("oidc", client_id=oidc.client_id, client_secret=oidc.client_secret,
                       server_metadata_url=f"{oidc.issuer.rstrip('/')}/.well-known/openid-configuration",
                       client_kwargs={"scope": "openid email profile"})
        return oauth

    def _page(self, next_path: str, error: str = "", name: str = "", status: int = 200) -> Response:
        label = self.team.oidc.label if self.team.oidc is not None else ""
        return HTMLResponse(login_html(next_path, error, name, label), status_code=status)

    async def page(self, request: Request) -> Response:
        if self.principal(request) is not None:
            return RedirectResponse(safe_next(request.query_params.get("neste", "/")), status_code=303)
        return self._page(safe_next(request.query_params.get("neste", "/")))

    async def submit(self, request: Request) -> Response:
        """A local account's login. Wrong tries are counted per name and per address: past a few, each further
        try waits (twice as long each time) before it is even checked."""
        if _content_kind(request.headers.get("content-type", "")) != FORM:
            raise Refused(415, "Logg inn med skjemaet på siden.")
        form = await request.form(max_files=0, max_fields=5)
        name = _text(str(form.get("brukernavn") or ""), "brukernavnet").strip().lower()[:MAX_LOGIN_FIELD]
        password = _text(str(form.get("passord") or ""), "passordet")[:MAX_LOGIN_FIELD]
        next_path = safe_next(str(form.get("neste") or "/"))
        if not name or not password:
            return self._page(next_path, "Skriv brukernavn og passord.", name, status=401)
        client = client_address(request)
        keys = [f"navn:{name}", f"adresse:{client}"]
        wait, counted = await run_in_threadpool(self.store.attempt, keys)
        if wait:
            return self._page(next_path, f"For mange mislykkede forsøk. Vent {wait} sekunder og prøv igjen.", name,
                              status=429)
        async with self.checking:  # each check takes 64 MiB and a core's worth of Argon2id: a few at a time
            right = await run_in_threadpool(self.store.check_password, name, password)
        if not right:
            shown = name if NAME.match(name) else ""  # never a password typed in the wrong field
            await run_in_threadpool(self.store.log, shown, "innlogging_feilet", "", "", None, {"adresse": client})
            return self._page(next_path, "Feil brukernavn eller passord.", name, status=401)
        await run_in_threadpool(self.store.succeeded, counted, f"navn:{name}")
        if self.principal(request) is not None:  # a new login ends the session this browser had
            await run_in_threadpool(self.store.end_session, self.principal(request).session)
        return await self._signed_in(name, next_path, "lokal", client)

    async def _signed_in(self, name: str, next_path: str, how: str, client: str) -> Response:
        assignments = await run_in_threadpool(self.store.assignments, name)
        if not assignments:
            await run_in_threadpool(self.store.log, name, "innlogging_uten_rolle", "", "", None, {"via": how})
            return self._page("/", "Brukeren din har ingen rolle i arbeidsbenken ennå. Be en administrator om "
                                   "tilgang.", name, status=403)
        session_id, _ = await run_in_threadpool(self.store.start_session, name, self.team.session_hours)
        await run_in_threadpool(self.store.log, name, "innlogging", "", "", None, {"via": how, "adresse": client})
        response = RedirectResponse(next_path, status_code=303)
        self.door.set_session(response, session_id, self.team.session_hours)
        return response

    async def logout(self, request: Request) -> Response:
        principal = self.principal(request)
        await self.checked_form(request, max_files=0, max_fields=2)
        await run_in_threadpool(self.store.end_session, principal.session)
        await run_in_threadpool(self.store.log, principal.name, "utlogging")
        response = RedirectResponse("/logg-inn", status_code=303)
        self.door.clear_session(response)
        return response

    async def account(self, request: Request, error: str = "", status: int = 200) -> Response:
        """The user's own page: who they are, their roles, and a new password for a local account."""
        principal = self.principal(request)
        local = await run_in_threadpool(self.store.has_password, principal.name)
        return HTMLResponse(account_html(self.team_context(request), principal.csrf, local, error,
                                         request.query_params.get("endret") == "1"), status_code=status)

    async def change_password(self, request: Request) -> Response:
        """A new password, given the one in use (tried like a login: counted and slowed down). Every session of
        the user ends, this one too: they log in again with the new one."""
        principal = self.principal(request)
        form = await self.checked_form(request, max_files=0, max_fields=5)
        old = _text(str(form.get("gammelt") or ""), "passordet")[:MAX_LOGIN_FIELD]
        new = _text(str(form.get("nytt") or ""), "passordet")[:MAX_LOGIN_FIELD]
        if new != str(form.get("gjenta") or ""):
            return await self.account(request, "De to nye passordene er ikke like.", 422)
        keys = [f"navn:{principal.name}", f"adresse:{client_address(request)}"]
        wait, counted = await run_in_threadpool(self.store.attempt, keys)
        if wait:
            return await self.account(request, f"For mange mislykkede forsøk. Vent {wait} sekunder.", 429)
        async with self.checking:
            right = await run_in_threadpool(self.store.check_password, principal.name, old)
        if not right:
            return await self.account(request, "Passordet du bruker nå, er feil.", 403)
        await run_in_threadpool(self.store.succeeded, counted, f"navn:{principal.name}")
        await run_in_threadpool(self.store.set_password, principal.name, new, principal.name)
        response = RedirectResponse("/logg-inn?neste=/konto%3Fendret%3D1", status_code=303)
        self.door.clear_session(response)
        return response

    # --- OpenID Connect -------------------------------------------------------------------------

    async def oidc_start(self, request: Request) -> Response:
        if self.oauth is None:
            raise Refused(404, "Pålogging gjennom kommunens identitetsleverandør er ikke satt opp her.")
        request.session["neste"] = safe_next(request.query_params.get("neste", "/"))
        try:
            return await self.oauth.oidc.authorize_redirect(request, self._callback_url(request))
        except Exception as exc:  # the provider is down or its discovery document is wrong
            raise Refused(502, "Får ikke kontakt med påloggingstjenesten. Prøv igjen om litt, eller logg inn med "
                               "lokal konto.") from exc

    def _callback_url(self, request: Request) -> str:
        base = self.team.public_url or str(request.base_url).rstrip("/")
        return f"{base}/auth/oidc/svar"

    async def oidc_answer(self, request: Request) -> Response:
        """The provider's answer: the ID token is checked (signature, issuer, audience, expiry, nonce) by Authlib,
        the state by the session; the groups claim gives the roles, kept in the role table until the next login."""
        if self.oauth is None:
            raise Refused(404, "Pålogging gjennom kommunens identitetsleverandør er ikke satt opp her.")
        from authlib.integrations.base_client import OAuthError

        oidc = self.team.oidc
        next_path = safe_next(str(request.session.pop("neste", "/")))
        try:
            token = await self.oauth.oidc.authorize_access_token(
                request, claims_options={"iss": {"essential": True, "values": [oidc.issuer]},
                                         "aud": {"essential": True, "values": [oidc.client_id]}})
        except (OAuthError, ValueError, KeyError) as exc:
            return await self._refused_login(request, exc)
        except httpx.HTTPError as exc:  # the provider went away between the two legs of the login
            raise Refused(502, "Får ikke kontakt med påloggingstjenesten. Prøv igjen om litt, eller logg inn med "
                               "lokal konto.") from exc
        except Exception as exc:
            if type(exc).__module__.startswith(("joserfc", "authlib")):  # a token that does not hold
                return await self._refused_login(request, exc)
            raise
        claims = token.get("userinfo") or {}
        try:
            name = checked_name(str(claims.get(oidc.username_claim) or ""))
        except UsageError:
            return self._page("/", "Påloggingen ga ikke et brukernavn arbeidsbenken kan bruke. Meld fra til "
                                   "administratoren.", status=403)
        why = await run_in_threadpool(self.store.bind_subject, name, f"{claims.get('iss')}|{claims.get('sub')}")
        if why:
            await run_in_threadpool(self.store.log, name, "innlogging_feilet", "", "", None,
                                    {"via": "oidc", "grunn": why})
            return self._page("/", f"Brukernavnet «{name}» kan ikke brukes med denne påloggingen ({why}). Meld fra "
                                   "til administratoren.", status=403)
        if oidc.groups_claim not in claims and oidc.groups_claim in (claims.get("_claim_names") or {}):
            # Entra ID leaves the groups out of a token when a user is in more than 200: "groups overage"
            await run_in_threadpool(self.store.log, name, "innlogging_feilet", "", "", None,
                                    {"via": "oidc", "grunn": "for mange grupper i tokenet"})
            return self._page("/", "Påloggingen sendte ikke gruppene dine (du er med i for mange grupper). Be IT "
                                   "sende bare gruppene som er tildelt appen (Entra ID: «Groups assigned to the "
                                   "application»).", status=403)
        groups = claims.get(oidc.groups_claim) or []
        groups = {str(g) for g in groups} if isinstance(groups, list) else {str(groups)}
        wanted = {(role, scope) for group, role, scope in oidc.groups if group in groups}
        await run_in_threadpool(self.store.sync_assignments, name, wanted, "oidc")
        return await self._signed_in(name, next_path, "oidc", client_address(request))

    async def _refused_login(self, request: Request, exc: Exception) -> Response:
        """A token that does not hold: logged, and counted like a wrong password from the address (so a flood of
        made-up answers is slowed down, and fills neither the log nor the disk)."""
        client = client_address(request)
        wait, _ = await run_in_threadpool(self.store.attempt, [f"adresse:{client}"])
        if wait:
            return self._page("/", f"For mange mislykkede forsøk. Vent {wait} sekunder og prøv igjen.", status=429)
        reason = getattr(exc, "error", "") or type(exc).__name__
        await run_in_threadpool(self.store.log, "", "innlogging_feilet", "", "", None,
                                {"via": "oidc", "grunn": str(reason)[:200], "adresse": client})
        return self._page("/", "Påloggingen kunne ikke bekreftes (den er utløpt, brukt før eller ikke ment for "
                               "denne tjenesten). Prøv å logge inn på nytt.", status=400)




class Admin(Views):
    """The admin's page: users and their roles (a role given or taken here is logged), and the audit log."""

    async def page(self, request: Request, notice: str = "") -> Response:
        users = await run_in_threadpool(self.store.users)
        count, problem = await run_in_threadpool(self.store.verify_audit)
        return HTMLResponse(admin_html(users, self.principal(request).csrf, self.team_context(request), count,
                                       problem, [f"Bydel {d}" for d in DISTRICTS], ROLE_LABELS, notice))

    async def roles_form(self, request: Request) -> Response:
        form = await self.checked_form(request, max_files=0, max_fields=6)
        action, user = str(form.get("handling") or ""), str(form.get("bruker") or "")
        role, scope = str(form.get("rolle") or ""), district_scope(str(form.get("bydel") or "*"))
        actor = self.principal(request).name
        if action == "gi":
            await run_in_threadpool(self.store.assign, user, role, scope, actor)
        elif action == "fjern":
            if role == "admin" and checked_name(user) == actor:
                raise Refused(409, "Du kan ikke ta administratorrollen fra deg selv her (så ingen låses ute). Be en "
                                   "annen administrator, eller bruk alignment users unassign på serveren.")
            await run_in_threadpool(self.store.unassign, user, role, scope, actor)
        else:
            raise Refused(422, "Ukjent handling.")
        return RedirectResponse("/admin", status_code=303)

    async def users_form(self, request: Request) -> Response:
        """A new local account with its first role (the password as the admin typed it, stored as Argon2id)."""
        form = await self.checked_form(request, max_files=0, max_fields=7)
        user, display = str(form.get("bruker") or ""), _text(str(form.get("visningsnavn") or ""), "navnet")
        password = _text(str(form.get("passord") or ""), "passordet")[:MAX_LOGIN_FIELD]
        role, scope = checked_role(str(form.get("rolle") or ""), district_scope(str(form.get("bydel") or "*")))
        actor = self.principal(request).name
        await run_in_threadpool(self.store.add_user, user, password, display, actor)
        await run_in_threadpool(self.store.assign, user, role, scope, actor)
        return RedirectResponse("/admin", status_code=303)

    async def password_form(self, request: Request) -> Response:
        """A new password for a local account (one who forgot theirs); their sessions end."""
        form = await self.checked_form(request, max_files=0, max_fields=3)
        user = checked_name(str(form.get("bruker") or ""))
        if not await run_in_threadpool(self.store.has_password, user):
            raise Refused(404, f"«{user}» har ingen lokal konto (logger inn gjennom kommunens pålogging, eller finnes "
                               "ikke).")
        password = _text(str(form.get("passord") or ""), "passordet")[:MAX_LOGIN_FIELD]
        await run_in_threadpool(self.store.set_password, user, password, self.principal(request).name)
        return await self.page(request, notice=f"Nytt passord for {user} er satt; brukeren må logge inn på nytt.")

    async def export(self, request: Request) -> Response:
        """The whole audit log as JSON Lines, each entry with its hash (`alignment audit verify --file` checks it)."""
        entries = await run_in_threadpool(self.store.audit)
        await run_in_threadpool(self.store.log, self.principal(request).name, "logg_eksportert", "", "", None,
                                {"oppføringer": len(entries)})
        text = "".join(json.dumps(audit_json(e), ensure_ascii=False, sort_keys=True) + "\n" for e in entries)
        return _attachment(text, "revisjonslogg.jsonl", "application/x-ndjson; charset=utf-8")

    async def audit_json(self, request: Request) -> Response:
        since = request.query_params.get("etter", "0")
        entries = await run_in_threadpool(self.store.audit, None, int(since) if since.isdigit() else 0)
        return JSONResponse([audit_json(e) for e in entries])


def client_address(request: Request) -> str:
    """Who a login try comes from, for counting failures: the address (the proxy's word, if it is trusted), an
    IPv6 address by its /64 (one host commonly holds a whole /64)."""
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    return str(ipaddress.ip_network(f"{host}/64", strict=False)) if address.version == 6 else host
