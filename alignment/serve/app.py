"""The workbench's web application: pages for advisors, downloads, and a small JSON API for pages and scripts.

A local server is still a server, so every request passes the same checks
before a handler sees it (`Guard`): the Host must be this machine (a DNS
rebinding page cannot reach it), a state change must come from this origin,
as JSON or as the upload form with the session's token, its body must be
within the path's limit, and every response carries a
Content-Security-Policy that allows only the workbench's own script and
style.

Errors are mapped in one place: each error kind carries its HTTP status
(`errors.py`), and one handler per kind renders it as one Norwegian line,
JSON under /api/ and a page elsewhere; anything unexpected is a Norwegian
"Intern feil" 500 from `Guard`, with the same headers. The handlers are
split by what they serve (`Pages`, `Downloads`, `Api`), and ask the checker
for a plan's state rather than touching it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import ipaddress
import json
import logging
import secrets
import socket
from dataclasses import asdict, replace
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import escape

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..compare import build_comparison
from ..errors import (AlignmentError, InputError, InputTooLargeError, OutputError, Refused, ScanWithoutTextError,
                      UnsupportedFormatError)
from ..ingest import MAX_FILE_BYTES, SUPPORTED_SUFFIXES, sniff_format
from ..records import STATUSES, CheckState, PlanListing, Principal
from ..render.data import analysis_json, analysis_json_text, measure_json
from ..render.html import comparison_html, report_html
from ..render.letter import draft_label, letter_docx
from ..render.pdf import libreoffice, pdf_from_docx
from ..render.review_file import review_file
from ..render.spreadsheet import comparison_csv, comparison_xlsx
from ..render.web import card_html, district_html, overview_html, plan_html, text_html
from ..resources import package_path
from ..review import MAX_FIELD_CHARS, MAX_REVIEW_BYTES
from .checker import (DECISION_FIELDS, DONE, FAILED, MAX_PARSING, Checker, PlanView, Upload, read_upload,
                      storage_refusal, valid_text)
from ..team.access import may, scopes
from ..team.config import district_scope
from .login import LinkKey, TeamDoor, same_secret
from .workspace import REMOVED, PlanRemoved, Workspace, plan_id, plan_id_from_url

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
JSON, FORM = "application/json", "multipart/form-data"
MB = 1024 * 1024
FORM_OVERHEAD = 64 * 1024  # a form's other fields and part headers beside its file
MAX_SMALL_BODY = 256 * 1024  # a decision (a 5000-character comment is at most 20 KB as UTF-8, more escaped)
MAX_JSON_DEPTH = 8  # a decision is an object holding a list
MAX_NAME_SHOWN = 255
log = logging.getLogger(__name__)
STATIC = {
    "report.css": ("render/templates/report.css", "text/css; charset=utf-8"),
    "workbench.css": ("render/static/workbench.css", "text/css; charset=utf-8"),
    "workbench.js": ("render/static/workbench.js", "text/javascript; charset=utf-8"),
    "plantext.js": ("render/static/plantext.js", "text/javascript; charset=utf-8"),
}


class Guard:
    """ASGI middleware: Host and Origin checks, who the request is from (the door), the kinds and sizes of body a
    change may have, security headers, and the last word on errors.

    It sits outside everything that can fail, so whatever happens inside (a body over the limit, a bug in a
    handler) is answered by `error_response` with the security headers: a Norwegian line, never an English page
    or a traceback. The traceback goes to the log. Who the request is from goes to the handlers as
    `scope["principal"]`; what they may do is the handlers' question (`team.access`).
    """

    def __init__(self, app, allowed_hosts: set[str], door) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts
        self.door = door

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope["path"]
        limit, too_large = body_limit(scope["method"], path)
        refusal = self.refusal(scope["method"], headers, path)
        arrival = self.door.arrival(scope) if refusal is None else None
        if arrival is not None:
            return await self._answer(arrival, scope, receive, send)
        principal = None
        if refusal is None:
            try:
                principal = await self.door.identify(scope, headers)
            except AlignmentError as error:
                refusal = Refused(error.http_status, str(error))
            except Exception as error:  # a bug must not answer outside our error page and headers
                log.exception("identifying a request to %s failed", path)
                refusal = Refused(500, internal_error_line(error))
        if refusal is None and principal is None and not self.door.public(path):
            answer = self.door.stranger(path, scope.get("query_string", b"").decode("latin-1"), scope["method"])
            if not isinstance(answer, Refused):
                return await self._answer(answer, scope, receive, send)
            refusal = answer
        refusal = refusal or self.unsigned_change(scope["method"], headers, principal) or _length_refusal(
            headers, limit, too_large)
        if refusal is not None:
            return await self._answer(error_response(path, refusal.http_status, refusal.message), scope, receive, send)
        scope["principal"] = principal
        await self._answer(self.app, scope, _limited(receive, limit, too_large), send)

    def refusal(self, method: str, headers: dict[str, str], path: str) -> Refused | None:
        host = urlsplit(f"//{headers.get('host', '')}").hostname or ""
        if not self.host_allowed(host):
            if self.door.team:
                return Refused(403, f"Arbeidsbenken svarer ikke på vertsnavnet «{host}». Åpne den på adressen du fikk.")
            return Refused(403, f"Arbeidsbenken svarer bare på denne maskinen; vertsnavnet «{host}» er ukjent. "
                                "Åpne den på http://127.0.0.1 eller http://localhost.")
        if method not in UNSAFE_METHODS:
            return None
        origin = headers.get("origin")
        if origin is not None and not self.same_origin(origin, headers.get("host", "")):
            return Refused(403, "Endringer tas bare imot fra arbeidsbenkens egne sider.")
        if headers.get("sec-fetch-site") == "cross-site":
            return Refused(403, "Endringer tas bare imot fra arbeidsbenkens egne sider.")
        if _content_kind(headers.get("content-type", "")) not in (JSON, FORM):
            return Refused(415, "Endringer sendes som JSON (Content-Type: application/json) eller med "
                                "opplastingsskjemaet.")
        return None  # which of the two an endpoint takes, it checks itself (`json_body`, `checked_form`)

    def unsigned_change(self, method: str, headers: dict[str, str], principal: Principal | None) -> Refused | None:
        """On a team server a JSON change carries the session's CSRF token (`X-Alignment-Token`); a form carries
        it as a field (`checked_form`)."""
        if (principal is None or method not in UNSAFE_METHODS or not self.door.script_token_required()
                or _content_kind(headers.get("content-type", "")) != JSON):
            return None
        if same_secret(headers.get("x-alignment-token", ""), principal.csrf):
            return None
        return Refused(403, "Siden er utløpt. Last den på nytt og prøv igjen.")

    def host_allowed(self, host: str) -> bool:
        """This machine's names, and addresses typed as numbers: a rebinding page's name is neither."""
        if host in self.allowed_hosts or host.strip("[]") in self.allowed_hosts:
            return True
        try:
            ipaddress.ip_address(host.strip("[]"))
            return True
        except ValueError:
            return False

    def same_origin(self, origin: str, host_header: str) -> bool:
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and parts.netloc == host_header and self.host_allowed(
            parts.hostname or "")

    @staticmethod
    async def _answer(app, scope, receive, send):
        """Run `app` with the security headers on its answer; a failure before it answered is a Norwegian 500."""
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = list(message.get("headers", [])) + _security_headers(message.get("headers", []))
            await send(message)

        try:
            await app(scope, receive, send_with_headers)
        except Exception as error:
            log.exception("%s %s failed", scope["method"], scope["path"])
            if started:
                raise  # the answer is under way; the server closes the connection
            response = error_response(scope["path"], 500, internal_error_line(error))
            await response(scope, receive, send_with_headers)


def _security_headers(headers) -> list[tuple[bytes, bytes]]:
    extra = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
             # same-origin, not no-referrer: under no-referrer a form posted from our own page
             # says `Origin: null`, which the Origin check refuses
             (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY"),
             (b"cross-origin-resource-policy", b"same-origin")]
    if b"cache-control" not in {k.lower() for k, _ in headers}:
        extra.append((b"cache-control", b"no-store"))
    return extra


def _content_kind(header: str) -> str:
    return header.split(";")[0].strip().lower()


def body_limit(method: str, path: str) -> tuple[int, str]:
    """The most a request's body may hold on this path, and the line that says so when it holds more.

    Read at each request (not at import), so the limits follow MAX_FILE_BYTES.
    """
    if method == "POST" and path in ("/api/plans", "/last-opp"):
        return MAX_FILE_BYTES + FORM_OVERHEAD, (f"Filen er for stor (grensen er {MAX_FILE_BYTES // MB} MB). "
                                                "Del opp planen.")
    if method == "POST" and path.endswith("/review"):
        return MAX_REVIEW_BYTES + FORM_OVERHEAD, (f"Vurderingsfilen er for stor (grensen er {MAX_REVIEW_BYTES // MB} "
                                                  "MB).")
    return MAX_SMALL_BODY, "Forespørselen er for stor."


def _length_refusal(headers: dict[str, str], limit: int, message: str) -> Refused | None:
    """A body announced as too large is refused before a byte of it is read."""
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        return Refused(400, "Forespørselen kunne ikke tas imot.")
    return Refused(413, message) if length > limit else None


def _limited(receive, limit: int, message: str):
    """`receive` that stops a body (sent without a length, or longer than it said) at `limit`."""
    received = 0

    async def receive_limited():
        nonlocal received
        message_ = await receive()
        if message_["type"] == "http.request":
            received += len(message_.get("body", b""))
            if received > limit:
                raise Refused(413, message)
        return message_

    return receive_limited


def internal_error_line(error: BaseException) -> str:
    return f"Intern feil ({type(error).__name__}). Prøv igjen, og meld fra om det skjer igjen."


def error_response(path: str, status: int, message: str, details: dict | None = None) -> Response:
    """One Norwegian line: JSON under /api/ (with what else the error says a script needs), a small page elsewhere."""
    if path.startswith("/api/"):
        return JSONResponse({"error": message, **(details or {})}, status_code=status)
    body = ("<!DOCTYPE html><html lang=\"nb\"><head><meta charset=\"utf-8\"><title>Feil</title>"
            "<link rel=\"stylesheet\" href=\"/static/report.css\"></head><body><main><h1>Det gikk ikke</h1>"
            f"<p class=\"notice\" role=\"alert\">{_escape(message)}</p><p><a href=\"/\">Til oversikten</a></p>"
            "</main></body></html>")
    return HTMLResponse(body, status_code=status)


def _escape(text: str) -> str:
    return str(escape(text))


PUBLIC = "offentlig"  # a route anyone may reach (the door lets them through: the login page, the style sheets)
SIGNED_IN = "innlogget"  # a route anyone the door let in may reach; the handler shows what they may see


def create_app(workspace: str, model: str | None = None, host: str = "127.0.0.1",
               backend: str | None = None, secret: str | None = None, team=None) -> Starlette:
    """The workbench over `workspace`. While it serves, a worker thread loads the model and the plans there,
    then checks uploads; it stops with the server.

    Without `team` it is one person's: `secret` is the key of the link it is opened with (a new random one when
    None; `app.state.token`). With `team` (a `TeamConfig`) it is a team server: everyone logs in, and every route
    is checked against the role assignments in the team database.
    """
    store = None
    if team is not None:
        from ..team.store import TeamStore

        store = TeamStore(team.database)
    checker = Checker(Workspace(workspace), model, backend, audit=store.log if store is not None else None)
    parsing = ParsePool()

    @contextlib.asynccontextmanager
    async def lifespan(app):
        checker.start()
        try:
            yield
        finally:
            parsing.stop()
            await run_in_threadpool(checker.stop)

    token = secret or (team.secret if team is not None else "") or secrets.token_urlsafe(32)
    allowed = LOCAL_NAMES | {host, socket.gethostname(), socket.getfqdn()}
    if team is not None and team.public_host:
        allowed.add(team.public_host)
    door = TeamDoor(store, token, team.https) if team is not None else LinkKey(token)
    pages, downloads, api = (kind(checker, store, team, parsing) for kind in (Pages, Downloads, Api))
    routes = [
        _route("/", pages.overview, SIGNED_IN),
        _route("/last-opp", pages.upload_form, "laste_opp", "POST"),
        _route("/planer/{plan}/fjern", pages.remove_form, "vurdere", "POST"),
        _route("/planer/{plan}", pages.plan_page, "se_plan"),
        _route("/planer/{plan}/tiltak/{tiltak:path}", pages.card, "se_vurdering"),
        _route("/planer/{plan}/tekst", pages.text_page, "se_vurdering"),
        _route("/planer/{plan}/publiser", pages.publish_form, "publisere", "POST"),
        _route("/planer/{plan}/kommentar", pages.comment_form, "kommentere", "POST"),
        _route("/static/{name}", pages.static, PUBLIC),
        _route("/planer/{plan}/rapport.html", downloads.report, "se_plan"),
        _route("/planer/{plan}/rapport.json", downloads.report_json, "se_plan"),
        _route("/planer/{plan}/vurdering.yaml", downloads.review, "se_vurdering"),
        _route("/planer/{plan}/tilbakemelding.{fmt}", downloads.letter, "se_vurdering"),
        _route("/planer/{plan}/publisert/{number:int}/{name}", downloads.published, "se_publisert"),
        _route("/sammenligning.{fmt}", downloads.comparison, "se_plan"),
        _route("/api/plans", api.plans, "se_plan"),
        _route("/api/plans", api.upload, "laste_opp", "POST"),
        _route("/api/plans/{plan}", api.plan, "se_plan"),
        _route("/api/plans/{plan}/review", api.review_import, "vurdere", "POST"),
        _route("/api/plans/{plan}/review/{tiltak:path}/undo", api.undo, "vurdere", "POST"),
        _route("/api/plans/{plan}/review/{tiltak:path}", api.save, "vurdere", "PUT"),
        _route("/api/plans/{plan}/corrections", api.correct, "vurdere", "POST"),
        _route("/api/plans/{plan}/publications", api.publications, "se_publisert"),
        _route("/api/plans/{plan}/publications", api.publish, "publisere", "POST"),
        _route("/api/plans/{plan}/comments", api.comments, "kommentere"),
        _route("/api/plans/{plan}/comments", api.comment, "kommentere", "POST"),
        _route("/api/plans/{plan}/history", api.history, "se_vurdering"),
    ]
    middleware = []
    if team is not None:
        from .team_views import Admin, Login

        login, admin = Login(checker, store, team, door), Admin(checker, store, team)
        routes += [
            _route("/logg-inn", login.page, PUBLIC),
            _route("/logg-inn", login.submit, PUBLIC, "POST"),
            _route("/logg-ut", login.logout, SIGNED_IN, "POST"),
            _route("/konto", login.account, SIGNED_IN),
            _route("/konto/passord", login.change_password, SIGNED_IN, "POST"),
            _route("/auth/oidc", login.oidc_start, PUBLIC),
            _route("/auth/oidc/svar", login.oidc_answer, PUBLIC),
            _route("/admin", admin.page, "administrere"),
            _route("/admin/roller", admin.roles_form, "administrere", "POST"),
            _route("/admin/brukere", admin.users_form, "administrere", "POST"),
            _route("/admin/passord", admin.password_form, "administrere", "POST"),
            _route("/admin/logg.jsonl", admin.export, "administrere"),
            _route("/api/audit", admin.audit_json, "administrere"),
        ]
        middleware = login.middleware()
    app = Starlette(routes=routes, lifespan=lifespan, middleware=middleware, exception_handlers={
        AlignmentError: _alignment_error, PlanRemoved: _removed, HTTPException: _http_error, OSError: _os_error})
    app.add_middleware(Guard, allowed_hosts=allowed, door=door)
    app.state.checker = checker
    app.state.token = token
    app.state.store = store
    return app


def _route(path: str, endpoint, action: str, method: str = "GET") -> Route:
    """A route and the action it takes (`team.access.PERMISSIONS`): deny by default, so no route is without one.

    The action is checked here for some district; a handler that touches a plan checks it again for that plan's
    district (`Views.view`), and answers 404 where the plan is not theirs, as if it did not exist.
    """
    async def checked(request: Request) -> Response:
        principal = request.scope.get("principal")
        if action != PUBLIC and principal is None:
            raise Refused(401, "Du er ikke logget inn. Logg inn på arbeidsbenken og prøv igjen.")
        if action not in (PUBLIC, SIGNED_IN) and not may(principal, action):
            raise Refused(403, "Du har ikke tilgang til dette. Be en administrator om en rolle hvis du trenger det.")
        request.scope["action"] = action
        return await endpoint(request)

    checked.action = action
    return Route(path, checked, methods=[method], name=f"{method} {path}")


# --- the one error mapping: every error a handler raises, by its kind -------------------------------

async def _alignment_error(request: Request, error: AlignmentError) -> Response:
    return error_response(request.url.path, error.http_status, str(error), error.details)


async def _removed(request: Request, exc: Exception) -> Response:
    return error_response(request.url.path, 404, "Planen er fjernet fra arbeidsbenken.")


async def _os_error(request: Request, exc: OSError) -> Response:
    refusal = storage_refusal(exc, "lese eller skrive arbeidsmappen")
    return error_response(request.url.path, refusal.http_status, refusal.message)


HTTP_MESSAGES = {
    400: "Forespørselen kunne ikke tas imot.",
    404: "Finner ikke siden.",
    405: "Den handlingen finnes ikke her.",
    413: "Forespørselen er for stor.",
}


async def _http_error(request: Request, exc: HTTPException) -> Response:
    """Starlette's own refusals (no route, wrong method, a broken form body) in Norwegian."""
    status = exc.status_code
    return error_response(request.url.path, status, HTTP_MESSAGES.get(status, "Forespørselen kunne ikke tas imot."))


# --- the handlers, split by what they serve ----------------------------------------------------------

class Views:
    """What pages, downloads and the API share: who asks (the door's principal), and finding a plan through the
    checker (which owns its state) as far as they may see it."""

    def __init__(self, checker: Checker, store=None, team=None, parsing: ParsePool | None = None) -> None:
        """`store` and `team`: a team server's database and configuration (None for one person's workbench);
        `parsing`: the pool uploads are read in (for the views that take uploads)."""
        self.checker = checker
        self.store = store
        self.team = team
        self.parsing = parsing

    @staticmethod
    def principal(request: Request) -> Principal:
        return request.scope["principal"]

    def reviewer(self, request: Request, sent: str) -> str:
        """Who a change is recorded as: on a team server the login's name, whatever the page sent."""
        principal = self.principal(request)
        return principal.name if principal.team else sent

    def team_context(self, request: Request, **more) -> dict | None:
        """What the pages show of a team server: who is logged in, in which roles."""
        if self.team is None:
            return None
        principal = self.principal(request)
        from ..team.access import ROLE_LABELS

        roles = ", ".join(f"{ROLE_LABELS.get(a.role, a.role).lower()}" + ("" if a.scope == "*" else f" i {a.scope}")
                          for a in principal.assignments)
        return {"who": principal, "roles": roles, "admin": may(principal, "administrere"),
                "reviewer": may(principal, "se_vurdering"), **more}

    async def view(self, request: Request, action: str | None = None) -> PlanView:
        """The plan in the URL, as the principal may see it; 404 where it is not theirs, as if it did not exist."""
        key = plan_id_from_url(request.path_params["plan"])
        principal = self.principal(request)
        if not key or not may(principal, action or request.scope["action"], key):
            raise _unknown_plan(request)
        view = await run_in_threadpool(self.checker.view, key)
        if view is None:
            raise _unknown_plan(request)
        return visible(view, principal)

    async def plan_id(self, request: Request) -> str:
        """The plan's id, for a change (the checker reads what it needs under the plan's lock)."""
        key = plan_id_from_url(request.path_params["plan"])
        if not key or not may(self.principal(request), request.scope["action"], key) or not await run_in_threadpool(
                self.checker.knows, key):
            raise _unknown_plan(request)
        return key

    async def views(self, request: Request) -> list[PlanView]:
        """The plans the principal may see, as they may see them."""
        principal = self.principal(request)
        return [visible(view, principal) for view in await run_in_threadpool(self.checker.views)
                if may(principal, "se_plan", view.plan.id)]

    def comparison_of(self, views: list[PlanView]):
        done = [view for view in views if view.analysis is not None]
        if not done:
            return None
        return build_comparison([view.analysis for view in done], [view.plan.id for view in done], [],
                                self.checker.reference)

    async def checked_form(self, request: Request, max_files: int, max_fields: int):
        """A form that changes something carries the session's token (in a field, or a header for scripts).

        A broken multipart body is Starlette's HTTPException(400), answered in one line like any other.
        """
        if _content_kind(request.headers.get("content-type", "")) != FORM:
            raise Refused(415, "Dette sendes med skjemaet (multipart/form-data), ikke som JSON.")
        form = await request.form(max_files=max_files, max_fields=max_fields)
        sent = str(form.get("token") or request.headers.get("x-alignment-token") or "")
        if not same_secret(sent, self.principal(request).csrf):
            raise Refused(403, "Skjemaet er utløpt. Last siden på nytt og prøv igjen.")
        return form

    async def read_and_queue(self, request: Request) -> tuple[Upload, CheckState]:
        """Read an uploaded draft and queue its check. The place in the queue is taken first (a full queue is
        503 at once), and the reading runs in a small pool (`MAX_PARSING`), so many uploads at once never take
        the threads a save needs. A district user's draft is their own district's, whatever the form says."""
        principal = self.principal(request)
        with self.checker.place(principal.name if principal.team else "") as place:
            form = await self.checked_form(request, max_files=1, max_fields=10)
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise Refused(422, "Velg en planfil (.pdf, .docx, .txt eller .md).")
            data = await upload.read(MAX_FILE_BYTES + 1)
            district = _text(str(form.get("district") or ""), "district").strip()[:80]
            allowed = scopes(principal, "laste_opp")
            if allowed is not None:  # a district user: their district, under its own name ("Frogner" too)
                wanted = district_scope(district) if district else (min(allowed) if len(allowed) == 1 else "")
                if wanted not in allowed:
                    raise Refused(403, "Du kan bare laste opp planer for din egen bydel.")
                district = own_district(wanted)
            ocr = str(form.get("ocr") or "") in ("1", "on", "true", "ja")
            name = _text(upload.filename, "filnavnet")
            read = await self.parsing.run(_read, name, data, district, ocr)
            if allowed is not None and read.plan_id not in allowed:
                raise Refused(403, "Du kan bare laste opp planer for din egen bydel.")
            if self.store is not None:  # logged before it is queued: no check without its entry
                await run_in_threadpool(self.store.log, principal.name, "opplasting", read.plan_id, read.name, None,
                                        {"fil": read.name, "sha256": read.sha256, "bydel": read.district})
            return read, self.checker.submit(read, place)

    async def comment_as(self, request: Request, key: str, text: str) -> dict:
        principal = self.principal(request)
        role = "rådgiver" if may(principal, "se_vurdering", key) else "bydel"
        return await run_in_threadpool(self.checker.comment, key, principal.name or "rådgiver", role,
                                       _text(text, "kommentaren"))



def visible(view: PlanView, principal: Principal) -> PlanView:
    """A plan as someone who may not see the advisors' unpublished work sees it: the machine's result only, without
    the advisors' decisions and without their corrections of what the plan's measures are."""
    if may(principal, "se_vurdering", view.plan.id) or view.machine is None:
        return view
    machine = view.pure or view.machine
    check = CheckState(DONE) if view.check.state == FAILED else view.check  # the review file's trouble is KoRus's
    return replace(view, check=check, machine=machine, analysis=machine, review=None)


def own_district(scope: str) -> str:
    """A district's name from its scope ('bydel-frogner' → 'Bydel Frogner')."""
    from .workspace import DISTRICTS

    return next((f"Bydel {name}" for name in DISTRICTS if plan_id(f"Bydel {name}") == scope), scope)


class Pages(Views):
    """The HTML pages (and the forms that work without JavaScript)."""

    async def overview(self, request: Request) -> Response:
        principal = self.principal(request)
        if not may(principal, "se_plan"):
            if may(principal, "administrere"):
                return RedirectResponse("/admin", status_code=303)
            raise Refused(403, "Brukeren din har ingen rolle i arbeidsbenken ennå. Be en administrator om tilgang.")
        return HTMLResponse(await self.overview_page(request))

    async def overview_page(self, request: Request, error: str = "") -> str:
        views = await self.views(request)
        removed = plan_id_from_url(request.query_params.get("fjernet", ""))
        notice = (f"Planen «{removed}» er fjernet fra arbeidsbenken. Filene er flyttet til mappen {REMOVED} i "
                  "arbeidsmappen; flytt mappen tilbake, med arbeidsbenken stoppet, for å få planen inn igjen."
                  ) if removed else ""
        allowed = scopes(self.principal(request), "laste_opp")
        fixed = own_district(sorted(allowed)[0]) if allowed is not None and len(allowed) == 1 else ""
        team = None
        if self.team is not None:
            published = {view.plan.id: (await self._team_parts(view.plan.id, False))[0] for view in views}
            team = self.team_context(request, published={key: found[-1] for key, found in published.items() if found})
        return overview_html(_listings(views), self.comparison_of(views), self.principal(request).csrf, error=error,
                             notice=notice, team=team, upload_district=fixed)

    async def plan_page(self, request: Request) -> Response:
        view = await self.view(request)
        principal = self.principal(request)
        key = view.plan.id
        if not may(principal, "se_vurdering", key):
            publications, comments = await self._team_parts(key, may(principal, "kommentere", key))
            return HTMLResponse(district_html(view.plan, view.check, view.machine, publications, comments,
                                              principal.csrf, self.team_context(request),
                                              may(principal, "kommentere", key), may(principal, "laste_opp", key)))
        history = await run_in_threadpool(self.checker.history, key) if view.analysis else {}
        team = None
        if self.team is not None:
            publications, comments = await self._team_parts(key, True)
            audit = await run_in_threadpool(self.store.audit, key)
            team = self.team_context(request, publications=publications, comments=comments, audit=audit[::-1])
        return HTMLResponse(plan_html(view.plan, view.check, view.analysis, view.review, view.revision, principal.csrf,
                                      pdf_letter=libreoffice() is not None, history=history, team=team))

    async def _team_parts(self, key: str, with_comments: bool) -> tuple[list, list]:
        publications = await run_in_threadpool(self.checker.publications, key)
        comments = await run_in_threadpool(self.checker.comments, key) if with_comments else []
        return publications, comments

    async def card(self, request: Request) -> Response:
        view = await self.view(request)
        tiltak_id = request.path_params["tiltak"]
        if view.analysis is None or tiltak_id not in {t.id for t in view.analysis.reference.tiltak}:
            raise Refused(404, f"Finner ikke tiltaket «{tiltak_id}».")
        history = (await run_in_threadpool(self.checker.history, view.plan.id)).get(tiltak_id, [])
        return HTMLResponse(card_html(view.plan, view.analysis, view.review, tiltak_id, history))

    async def text_page(self, request: Request) -> Response:
        """The plan's text with what the readers found marked, to add or refuse measures."""
        view = await self.view(request)
        if view.analysis is None:
            raise Refused(409, "Planen er ikke ferdig sjekket ennå. Prøv igjen når sjekken er ferdig.")
        return HTMLResponse(text_html(view.plan, view.analysis, view.review, self.principal(request).csrf,
                                      team=self.team_context(request)))

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            raise Refused(404, "Finner ikke filen.")
        relative, media_type = STATIC[name]
        return Response(package_path(relative).read_bytes(), media_type=media_type, headers={"cache-control": "no-cache"})

    async def upload_form(self, request: Request) -> Response:
        """The upload form without JavaScript: a page back, the plan's or the overview with the error."""
        try:
            upload, _ = await self.read_and_queue(request)
        except AlignmentError as error:
            return HTMLResponse(await self.overview_page(request, error=str(error)), status_code=error.http_status)
        return RedirectResponse(f"/planer/{upload.plan_id}", status_code=303)

    async def remove_form(self, request: Request) -> Response:
        """Take a plan off the workbench (a mistaken upload, a test): its files are moved aside, not deleted."""
        key = await self.plan_id(request)
        await self.checked_form(request, max_files=0, max_fields=2)
        await run_in_threadpool(self.checker.remove, key, self.principal(request).name)
        return RedirectResponse(f"/?fjernet={key}", status_code=303)

    async def publish_form(self, request: Request) -> Response:
        key = await self.plan_id(request)
        await self.checked_form(request, max_files=0, max_fields=2)
        await run_in_threadpool(self.checker.publish, key, self.principal(request).name)
        return RedirectResponse(f"/planer/{key}#publisert", status_code=303)

    async def comment_form(self, request: Request) -> Response:
        key = await self.plan_id(request)
        form = await self.checked_form(request, max_files=0, max_fields=3)
        await self.comment_as(request, key, str(form.get("text") or ""))
        return RedirectResponse(f"/planer/{key}#samtale", status_code=303)


class Downloads(Views):
    """Files to keep: a plan's report, JSON, review file and letter, what was published, and the comparison.

    A district user's report and JSON are the machine's (their view of the plan); the advisors' decisions reach
    them only as published versions.
    """

    async def done(self, request: Request) -> PlanView:
        view = await self.view(request)
        if view.analysis is None:
            raise Refused(409, view.check.error or "Planen er ikke ferdig sjekket ennå. Prøv igjen om litt.")
        return view

    async def report(self, request: Request) -> Response:
        view = await self.done(request)
        return _attachment(report_html(view.analysis), f"{view.plan.id}.html", "text/html; charset=utf-8")

    async def report_json(self, request: Request) -> Response:
        view = await self.done(request)
        return _attachment(analysis_json_text(view.analysis), f"{view.plan.id}.json", "application/json")

    async def review(self, request: Request) -> Response:
        view = await self.done(request)
        return _attachment(review_file(view.machine, view.review), f"{view.plan.id}.review.yaml",
                           "application/yaml; charset=utf-8")

    async def letter(self, request: Request) -> Response:
        """The feedback letter for the latest draft, with the review as it stands now."""
        fmt = request.path_params["fmt"]
        if fmt not in LETTER_MEDIA_TYPES:
            raise Refused(404, "Finner ikke siden.")
        view = await self.done(request)
        version = view.plan.latest
        letter = await run_in_threadpool(letter_docx, view.analysis, draft_label(version) if version else "",
                                         version.name if version else "")
        if fmt == "pdf":
            letter = await _as_pdf(letter)
        return _attachment(letter, f"{view.plan.id}.tilbakemelding.{fmt}", LETTER_MEDIA_TYPES[fmt])

    async def published(self, request: Request) -> Response:
        """A file of a published version, as it was sent (the letter also as PDF, made from that Word file)."""
        view = await self.view(request)
        number, name = request.path_params["number"], request.path_params["name"]
        wanted = "tilbakemelding.docx" if name == "tilbakemelding.pdf" else name
        path = await run_in_threadpool(self.checker.workspace.publication_path, view.plan, number, wanted)
        if path is None:
            raise Refused(404, f"Finner ikke «{name}» i publisert versjon {number}.")
        content = await run_in_threadpool(path.read_bytes)
        if name == "tilbakemelding.pdf":
            content = await _as_pdf(content)
        media = PUBLISHED_MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")
        return _attachment(content, f"{view.plan.id}.v{number}.{name}", media)

    async def comparison(self, request: Request) -> Response:
        fmt = request.path_params["fmt"]
        renderers = {"html": (comparison_html, "text/html; charset=utf-8"), "csv": (comparison_csv, "text/csv"),
                     "xlsx": (comparison_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
        if fmt not in renderers:
            raise Refused(404, "Finner ikke siden.")
        comparison = self.comparison_of(await self.views(request))
        if comparison is None:
            raise Refused(409, "Ingen planer er ferdig sjekket ennå.")
        render, media_type = renderers[fmt]
        return _attachment(await run_in_threadpool(render, comparison), f"sammenligning.{fmt}", media_type)


async def _as_pdf(docx: bytes) -> bytes:
    try:
        return await run_in_threadpool(pdf_from_docx, docx)
    except OutputError as error:
        raise Refused(409, str(error)) from error


class Api(Views):
    """The JSON API under /api/, for the pages' scripts and for scripts of one's own."""

    async def plans(self, request: Request) -> Response:
        return JSONResponse([_listing_json(view) for view in await self.views(request)])

    async def upload(self, request: Request) -> Response:
        upload, check = await self.read_and_queue(request)
        status = 201 if check.state == DONE else 202
        return JSONResponse({"id": upload.plan_id, "district": upload.district, "state": check.state},
                            status_code=status, headers={"location": f"/api/plans/{upload.plan_id}"})

    async def plan(self, request: Request) -> Response:
        view = await self.view(request)
        check, analysis = view.check, view.analysis
        reviewer = may(self.principal(request), "se_vurdering", view.plan.id)
        data = {"id": view.plan.id, "district": view.plan.district, "state": check.state, "stage": check.stage,
                "done": check.done, "total": check.total, "versions": [asdict(v) for v in view.plan.versions],
                "revision": view.revision if reviewer else 0, "report": analysis_json(analysis) if analysis else None,
                "machine_only": not reviewer}
        if check.error:
            data["error"] = check.error
        if analysis is not None and reviewer:
            data["candidates"] = {v.tiltak.id: [_candidate_json(c) for c in v.candidates]
                                  for v in analysis.machine_verdicts}
        return JSONResponse(data)

    async def save(self, request: Request) -> Response:
        key = await self.plan_id(request)
        body = await json_body(request)
        status, evidence, comment, reviewer, seen, tab = _decision_fields(body)
        sent, base = _changed_fields(body)
        return JSONResponse(await run_in_threadpool(self.checker.save, key, request.path_params["tiltak"], status,
                                                    evidence, comment, self.reviewer(request, reviewer), seen, tab,
                                                    sent, base))

    async def undo(self, request: Request) -> Response:
        """Put a tiltak's decision back as it was before its latest change (the history says what it was)."""
        key = await self.plan_id(request)
        body = await json_body(request)
        reviewer, tab = body.get("reviewer") or "", body.get("tab") or ""
        if not isinstance(reviewer, str) or not isinstance(tab, str) or len(reviewer) > 200:
            raise Refused(422, "reviewer og tab må være tekster.")
        return JSONResponse(await run_in_threadpool(self.checker.undo, key, request.path_params["tiltak"],
                                                    self.reviewer(request, reviewer.strip()), tab[:64]))

    async def correct(self, request: Request) -> Response:
        """Add a passage of the plan as a measure, refuse a find, or take either back; the plan is matched again."""
        key = await self.plan_id(request)
        body = await json_body(request)
        action, text, reviewer = body.get("action"), body.get("text"), body.get("reviewer") or ""
        if not all(isinstance(value, str) for value in (action, text, reviewer)):
            raise Refused(422, "Send action (add, reject eller undo), text og reviewer som tekst.")
        return JSONResponse(await run_in_threadpool(self.checker.correct, key, action, text,
                                                    self.reviewer(request, reviewer)))

    async def review_import(self, request: Request) -> Response:
        """Take a review file (edited elsewhere) for this plan; it is checked like the CLI checks one."""
        key = await self.plan_id(request)
        form = await self.checked_form(request, max_files=1, max_fields=5)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Refused(422, "Velg en vurderingsfil (.review.yaml).")
        data = await upload.read(MAX_REVIEW_BYTES + 1)
        name = _text(upload.filename or "vurdering.yaml", "filnavnet")[:MAX_NAME_SHOWN]
        return JSONResponse(await run_in_threadpool(self.checker.import_review, key, name, data,
                                                    self.principal(request).name))

    async def publications(self, request: Request) -> Response:
        view = await self.view(request)
        return JSONResponse([asdict(p) for p in await run_in_threadpool(self.checker.publications, view.plan.id)])

    async def publish(self, request: Request) -> Response:
        key = await self.plan_id(request)
        await json_body(request)
        publication = await run_in_threadpool(self.checker.publish, key, self.principal(request).name)
        return JSONResponse(asdict(publication), status_code=201)

    async def comments(self, request: Request) -> Response:
        view = await self.view(request)
        return JSONResponse(await run_in_threadpool(self.checker.comments, view.plan.id))

    async def comment(self, request: Request) -> Response:
        key = await self.plan_id(request)
        body = await json_body(request)
        text = body.get("text")
        if not isinstance(text, str):
            raise Refused(422, "Send kommentaren som text.")
        return JSONResponse(await self.comment_as(request, key, text), status_code=201)

    async def history(self, request: Request) -> Response:
        """The plan's history: the audit log's entries for it on a team server, its decisions otherwise."""
        view = await self.view(request)
        if self.store is not None:
            entries = await run_in_threadpool(self.store.audit, view.plan.id)
            return JSONResponse([audit_json(entry) for entry in entries])
        history = await run_in_threadpool(self.checker.history, view.plan.id)
        return JSONResponse(sorted((e for entries in history.values() for e in entries), key=lambda e: e.get("n", 0)))


def audit_json(entry) -> dict:
    """An audit entry for people and scripts: before and after as JSON values, not as text."""
    data = asdict(entry)
    for key in ("before", "after"):
        data[key] = json.loads(data[key]) if data[key] else None
    return data


def _listings(views: list[PlanView]) -> list[PlanListing]:
    return [PlanListing(view.plan, view.check, view.analysis, view.reviewed) for view in views]


def _unknown_plan(request: Request) -> Refused:
    return Refused(404, f"Finner ikke planen «{request.path_params['plan']}» i arbeidsmappen.")


class ParsePool:
    """The threads uploads are read in: at most MAX_PARSING at once (each may start a parser process), apart
    from the threads that serve saves and pages, so a burst of uploads waits in this pool's queue and nothing
    else waits behind it."""

    def __init__(self) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(MAX_PARSING, thread_name_prefix="alignment-upload")

    async def run(self, function, *args):
        return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)

    def stop(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _read(name: str, data: bytes, district: str, ocr: bool) -> Upload:
    """Read an upload now, so a bad file is refused at once; a scan to OCR is only checked for being a PDF."""
    if len(data) > MAX_FILE_BYTES:
        raise InputTooLargeError(f"{name}: filen er for stor (over {MAX_FILE_BYTES // (1024 * 1024)} MB). Del opp planen.")
    if ocr:
        if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
            raise UnsupportedFormatError(f"{name}: ukjent filtype. Støttede formater: {', '.join(SUPPORTED_SUFFIXES)}.")
        if sniff_format(data) != "pdf":
            raise UnsupportedFormatError(f"{name}: OCR tolker bare PDF-er. Last opp uten «Skannet PDF» for andre filer.")
        return Upload(plan_id(district or Path(name).stem), district or Path(name).stem, name, data, True, None, ())
    try:
        return read_upload(name, data, district, ocr)
    except ScanWithoutTextError as error:  # the page's words, not the command line's
        raise InputError(f"{name}: PDF-en har ikke noe tekstlag (trolig skannet). Last den opp igjen med «Skannet PDF» "
                         "krysset av, så tolkes teksten med OCR.") from error


LETTER_MEDIA_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                      "pdf": "application/pdf"}
PUBLISHED_MEDIA_TYPES = {".docx": LETTER_MEDIA_TYPES["docx"], ".pdf": "application/pdf",
                         ".html": "text/html; charset=utf-8", ".json": "application/json",
                         ".yaml": "application/yaml; charset=utf-8"}


def _attachment(content, filename: str, media_type: str) -> Response:
    return Response(content, media_type=media_type,
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


async def json_body(request: Request) -> dict:
    """The JSON object a change sends: JSON by its Content-Type, well-formed, not nested deeper than a
    decision is, and with no text that could not be written (a lone surrogate)."""
    if _content_kind(request.headers.get("content-type", "")) != JSON:
        raise Refused(415, "Endringen sendes som JSON (Content-Type: application/json).")
    raw = await request.body()
    if _nesting(raw) > MAX_JSON_DEPTH:
        raise Refused(422, "Forespørselen er for dypt nøstet.")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise Refused(422, "Forespørselen er ikke gyldig JSON.") from exc
    if not isinstance(body, dict):
        raise Refused(422, "Forespørselen må være et JSON-objekt med status, evidence, comment og reviewer.")
    try:
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise Refused(422, "Forespørselen inneholder ugyldige tegn (en enslig UTF-16-surrogat).") from exc
    return body


def _nesting(raw: bytes) -> int:
    """How deep brackets nest in a JSON text (an upper bound: brackets inside strings count too), without parsing."""
    depth = deepest = 0
    for byte in raw.translate(None, _NOT_BRACKETS):
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _text(value: str, what: str) -> str:
    if not valid_text(value):
        raise Refused(422, f"{what} inneholder ugyldige tegn (en enslig UTF-16-surrogat).")
    return value


def _changed_fields(body: dict) -> tuple[tuple[str, ...] | None, dict | None]:
    """Which fields a save changes, and their values as the client last saw them (both optional: scripts that
    send neither set all three fields, the later save winning, as before)."""
    sent, base = body.get("fields"), body.get("base")
    if sent is not None and (not isinstance(sent, list) or not all(f in DECISION_FIELDS for f in sent)):
        raise Refused(422, f"fields må være en liste av {', '.join(DECISION_FIELDS)}.")
    if base is not None and (not isinstance(base, dict) or not all(k in DECISION_FIELDS for k in base)):
        raise Refused(422, f"base må være et objekt med {', '.join(DECISION_FIELDS)}.")
    return (tuple(sent) if sent is not None else None), base


def _decision_fields(body: dict):
    status = body.get("status") or None
    if status is not None and status not in STATUSES:
        raise Refused(422, f"Status «{status}» er ukjent (bruk covered, partial, missing eller null for maskinens).")
    evidence = body.get("evidence", [])
    if not isinstance(evidence, list) or not all(isinstance(m, str) for m in evidence):
        raise Refused(422, "evidence må være en liste av tiltak i planen, f.eks. [\"M07\", \"M12\"].")
    texts = []
    for key, limit in (("comment", MAX_FIELD_CHARS), ("reviewer", 200)):
        value = body.get(key) or ""
        if not isinstance(value, str) or len(value) > limit:
            raise Refused(422, f"{key} må være en tekst på høyst {limit} tegn.")
        texts.append(value.strip())
    seen = body.get("seen", 0)
    tab = body.get("tab", "")
    if not isinstance(seen, int) or not isinstance(tab, str):
        raise Refused(422, "seen må være et heltall og tab en tekst.")
    return status, list(dict.fromkeys(evidence)), texts[0], texts[1], seen, tab[:64]


def _listing_json(view: PlanView) -> dict:
    data = {"id": view.plan.id, "district": view.plan.district, "state": view.check.state,
            "versions": len(view.plan.versions), "reviewed": view.reviewed}
    if view.analysis is not None:
        counts = view.analysis.summary.counts
        data["summary"] = {"covered": counts.covered, "partial": counts.partial, "missing": counts.missing}
    if view.check.error:
        data["error"] = view.check.error
    return data


def _candidate_json(candidate) -> dict:
    return {"measure_id": candidate.measure.id, "score": candidate.score,
            "measure": measure_json(candidate.measure)}
