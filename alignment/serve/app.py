"""The workbench's web application: pages for advisors, and a small JSON API for pages and scripts.

A local server is still a server, so every request passes the same checks
before a handler sees it (`Guard`): the Host must be this machine (a DNS
rebinding page cannot reach it), a state change must come from this origin,
as JSON or as the upload form with the session's token, and every response
carries a Content-Security-Policy that allows only the workbench's own
script and style. Errors are one Norwegian line, as JSON under /api/ and as
a page elsewhere, with a 4xx status.
"""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import json
import secrets
import socket
from dataclasses import asdict, replace
from datetime import date
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
from ..errors import InputError, InputTooLargeError, OutputError, ReviewError, UnsupportedFormatError
from ..ingest import MAX_FILE_BYTES, SUPPORTED_SUFFIXES, sniff_format
from ..output import write_files
from ..records import STATUSES, CheckState, Decision, PlanListing, WorkspacePlan
from ..render.data import analysis_json, analysis_json_text, measure_json, verdict_json
from ..render.html import comparison_html, report_html
from ..render.letter import draft_label, letter_docx
from ..render.pdf import libreoffice, pdf_from_docx
from ..render.review_file import review_file
from ..render.spreadsheet import comparison_csv, comparison_xlsx
from ..render.web import card_html, overview_html, plan_html
from ..resources import package_path
from ..review import MAX_FIELD_CHARS, MAX_REVIEW_BYTES, apply_review, parse_review, rebase_review, with_decision
from .checker import DONE, RUNNING, CheckRunning, Checker, PlanState, QueueFull, Upload, read_upload
from .workspace import REMOVED, PlanRemoved, Workspace, plan_id, plan_id_from_url

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
STATIC = {
    "report.css": ("render/templates/report.css", "text/css; charset=utf-8"),
    "workbench.css": ("render/static/workbench.css", "text/css; charset=utf-8"),
    "workbench.js": ("render/static/workbench.js", "text/javascript; charset=utf-8"),
}


class Refused(Exception):
    """A request refused with a status and one Norwegian line."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Guard:
    """ASGI middleware: Host and Origin checks, the kinds of body a change may have, and security headers."""

    def __init__(self, app, allowed_hosts: set[str]) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self.refusal(scope["method"], headers, scope["path"])
        if refusal is not None:
            response = error_response(scope["path"], refusal)
            return await self._with_headers(response, scope, receive, send)
        await self._with_headers(self.app, scope, receive, send)

    def refusal(self, method: str, headers: dict[str, str], path: str) -> Refused | None:
        host = urlsplit(f"//{headers.get('host', '')}").hostname or ""
        if not self.host_allowed(host):
            return Refused(403, f"Arbeidsbenken svarer bare på denne maskinen; vertsnavnet «{host}» er ukjent. "
                                "Åpne den på http://127.0.0.1 eller http://localhost.")
        if method not in UNSAFE_METHODS:
            return None
        origin = headers.get("origin")
        if origin is not None and not self.same_origin(origin, headers.get("host", "")):
            return Refused(403, "Endringer tas bare imot fra arbeidsbenkens egne sider.")
        if headers.get("sec-fetch-site") == "cross-site":
            return Refused(403, "Endringer tas bare imot fra arbeidsbenkens egne sider.")
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "multipart/form-data":
            return None  # the form carries the token; the handler checks it with the form's fields
        if kind != "application/json":
            return Refused(415, "Endringer sendes som JSON (Content-Type: application/json) eller med "
                                "opplastingsskjemaet.")
        return None

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
    async def _with_headers(app, scope, receive, send):
        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                extra = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                         # same-origin, not no-referrer: under no-referrer a form posted from our own page
                         # says `Origin: null`, which the Origin check refuses
                         (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY"),
                         (b"cross-origin-resource-policy", b"same-origin")]
                names = {k.lower() for k, _ in message.get("headers", [])}
                if b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await app(scope, receive, send_with_headers)


def error_response(path: str, refusal: Refused) -> Response:
    if path.startswith("/api/"):
        return JSONResponse({"error": refusal.message}, status_code=refusal.status)
    body = ("<!DOCTYPE html><html lang=\"nb\"><head><meta charset=\"utf-8\"><title>Feil</title>"
            "<link rel=\"stylesheet\" href=\"/static/report.css\"></head><body><main><h1>Det gikk ikke</h1>"
            f"<p class=\"notice\" role=\"alert\">{_escape(refusal.message)}</p><p><a href=\"/\">Til oversikten</a></p>"
            "</main></body></html>")
    return HTMLResponse(body, status_code=refusal.status)


def _escape(text: str) -> str:
    return str(escape(text))


def create_app(workspace: str, model: str | None = None, host: str = "127.0.0.1",
               backend: str | None = None) -> Starlette:
    """The workbench over `workspace`. While it serves, a worker thread loads the model and the plans there,
    then checks uploads; it stops with the server."""
    checker = Checker(Workspace(workspace), model, backend)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        checker.start()
        try:
            yield
        finally:
            await run_in_threadpool(checker.stop)

    token = secrets.token_urlsafe(32)
    allowed = LOCAL_NAMES | {host, socket.gethostname(), socket.getfqdn()}
    handlers = Handlers(checker, token)
    routes = [
        Route("/", handlers.overview),
        Route("/last-opp", handlers.upload_form, methods=["POST"]),
        Route("/planer/{plan}/fjern", handlers.remove_form, methods=["POST"]),
        Route("/planer/{plan}", handlers.plan_page),
        Route("/planer/{plan}/tiltak/{tiltak:path}", handlers.card),
        Route("/planer/{plan}/rapport.html", handlers.report_download),
        Route("/planer/{plan}/rapport.json", handlers.json_download),
        Route("/planer/{plan}/vurdering.yaml", handlers.review_download),
        Route("/planer/{plan}/tilbakemelding.{fmt}", handlers.letter_download),
        Route("/sammenligning.{fmt}", handlers.comparison_download),
        Route("/static/{name}", handlers.static),
        Route("/api/token", handlers.api_token),
        Route("/api/plans", handlers.api_plans),
        Route("/api/plans", handlers.api_upload, methods=["POST"]),
        Route("/api/plans/{plan}", handlers.api_plan),
        Route("/api/plans/{plan}/review", handlers.api_review_import, methods=["POST"]),
        Route("/api/plans/{plan}/review/{tiltak:path}", handlers.api_save, methods=["PUT"]),
    ]
    app = Starlette(routes=routes, exception_handlers={Refused: _refused, PlanRemoved: _removed,
                                                       HTTPException: _http_error, 404: _http_error, 405: _http_error},
                    max_body_size=MAX_FILE_BYTES + 1024 * 1024, lifespan=lifespan)
    app.add_middleware(Guard, allowed_hosts=allowed)
    app.state.checker = checker
    app.state.token = token
    return app


async def _refused(request: Request, refusal: Refused) -> Response:
    return error_response(request.url.path, refusal)


async def _removed(request: Request, exc: Exception) -> Response:
    return error_response(request.url.path, Refused(404, "Planen er fjernet fra arbeidsbenken."))


async def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    messages = {
        404: "Finner ikke siden.",
        405: "Den handlingen finnes ikke her.",
        413: f"Filen er for stor (grensen er {MAX_FILE_BYTES // (1024 * 1024)} MB). Del opp planen.",
    }
    return error_response(request.url.path, Refused(status, messages.get(status, "Forespørselen kunne ikke tas imot.")))


class Handlers:
    def __init__(self, checker: Checker, token: str) -> None:
        self.checker = checker
        self.workspace = checker.workspace
        self.token = token

    # --- looking things up ---------------------------------------------------------------------

    def lookup(self, request: Request) -> tuple[WorkspacePlan, PlanState]:
        """A plan in the workspace (or one whose first draft is being checked) and its state.

        The state is read first: a check that is done has already written its draft to the plan. Handlers
        that change the review take the live state again under the plan's lock.
        """
        key = plan_id_from_url(request.path_params["plan"])
        live = self.checker.state(key) if key else None
        state = replace(live) if live is not None else None  # a snapshot: the worker goes on changing the live one
        plan = self.workspace.plan(key) if key else None
        if plan is None and state is not None:
            plan = WorkspacePlan(key, state.district or key)
        if plan is None:
            raise Refused(404, f"Finner ikke planen «{request.path_params['plan']}» i arbeidsmappen.")
        return plan, state or PlanState(CheckState(RUNNING, "laster inn"))

    def reviewed(self, plan: WorkspacePlan, state: PlanState):
        """(the analysis with the review applied, the review) of the latest draft; (None, None) before it is checked."""
        if state.machine is None:
            return None, None
        with self.workspace.lock(plan.id):
            review = self.checker.current_review(plan, state.machine)
        return apply_review(state.machine, review), review

    def listings(self) -> list[PlanListing]:
        listings = []
        states = {key: replace(state) for key, state in list(self.checker.states.items())}  # first, as in `lookup`
        for plan in self.workspace.plans():
            state = states.get(plan.id) or PlanState(CheckState(RUNNING, "laster inn"))
            try:
                analysis, review = self.reviewed(plan, state)
            except PlanRemoved:
                continue  # removed while the list was made
            decided = sum(1 for d in review.decisions.values() if d.status) if review else 0
            listings.append(PlanListing(plan, state.check, analysis, decided))
        return listings

    # --- pages ---------------------------------------------------------------------------------

    async def overview(self, request: Request) -> Response:
        listings = await run_in_threadpool(self.listings)
        removed = plan_id_from_url(request.query_params.get("fjernet", ""))
        notice = (f"Planen «{removed}» er fjernet fra arbeidsbenken. Filene er flyttet til mappen {REMOVED} i "
                  "arbeidsmappen; flytt mappen tilbake, med arbeidsbenken stoppet, for å få planen inn igjen."
                  ) if removed else ""
        return HTMLResponse(overview_html(listings, self._comparison(listings), self.token, notice=notice))

    def _comparison(self, listings: list[PlanListing]):
        done = [listing for listing in listings if listing.analysis is not None]
        if not done:
            return None
        return build_comparison([listing.analysis for listing in done], [listing.plan.id for listing in done], [],
                                self.checker.reference)

    async def plan_page(self, request: Request) -> Response:
        plan, state = self.lookup(request)
        analysis, review = await run_in_threadpool(self.reviewed, plan, state)
        return HTMLResponse(plan_html(plan, state.check, analysis, review, state.revision, self.token,
                                      pdf_letter=libreoffice() is not None))

    async def card(self, request: Request) -> Response:
        plan, state = self.lookup(request)
        analysis, review = await run_in_threadpool(self.reviewed, plan, state)
        tiltak_id = request.path_params["tiltak"]
        if analysis is None or tiltak_id not in {t.id for t in analysis.reference.tiltak}:
            raise Refused(404, f"Finner ikke tiltaket «{tiltak_id}».")
        return HTMLResponse(card_html(plan, analysis, review, tiltak_id))

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            raise Refused(404, "Finner ikke filen.")
        relative, media_type = STATIC[name]
        return Response(package_path(relative).read_bytes(), media_type=media_type, headers={"cache-control": "no-cache"})

    # --- downloads -----------------------------------------------------------------------------

    def _done(self, plan: WorkspacePlan, state: PlanState):
        analysis, review = self.reviewed(plan, state)
        if analysis is None:
            raise Refused(409, "Planen er ikke ferdig sjekket ennå. Prøv igjen om litt.")
        return analysis, review

    async def report_download(self, request: Request) -> Response:
        plan, state = self.lookup(request)
        analysis, _ = await run_in_threadpool(self._done, plan, state)
        return _attachment(report_html(analysis), f"{plan.id}.html", "text/html; charset=utf-8")

    async def json_download(self, request: Request) -> Response:
        plan, state = self.lookup(request)
        analysis, _ = await run_in_threadpool(self._done, plan, state)
        return _attachment(analysis_json_text(analysis), f"{plan.id}.json", "application/json")

    async def review_download(self, request: Request) -> Response:
        plan, state = self.lookup(request)
        _, review = await run_in_threadpool(self._done, plan, state)
        return _attachment(review_file(state.machine, review), f"{plan.id}.review.yaml", "application/yaml; charset=utf-8")

    async def letter_download(self, request: Request) -> Response:
        """The feedback letter for the latest draft, with the review as it stands now."""
        fmt = request.path_params["fmt"]
        if fmt not in LETTER_MEDIA_TYPES:
            raise Refused(404, "Finner ikke siden.")
        plan, state = self.lookup(request)
        analysis, _ = await run_in_threadpool(self._done, plan, state)
        version = plan.latest
        letter = await run_in_threadpool(letter_docx, analysis, draft_label(version) if version else "",
                                         version.name if version else "")
        if fmt == "pdf":
            try:
                letter = await run_in_threadpool(pdf_from_docx, letter)
            except OutputError as error:
                raise Refused(409, str(error)) from error
        return _attachment(letter, f"{plan.id}.tilbakemelding.{fmt}", LETTER_MEDIA_TYPES[fmt])

    async def comparison_download(self, request: Request) -> Response:
        fmt = request.path_params["fmt"]
        renderers = {"html": (comparison_html, "text/html; charset=utf-8"), "csv": (comparison_csv, "text/csv"),
                     "xlsx": (comparison_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
        if fmt not in renderers:
            raise Refused(404, "Finner ikke siden.")
        comparison = self._comparison(await run_in_threadpool(self.listings))
        if comparison is None:
            raise Refused(409, "Ingen planer er ferdig sjekket ennå.")
        render, media_type = renderers[fmt]
        return _attachment(await run_in_threadpool(render, comparison), f"sammenligning.{fmt}", media_type)

    # --- uploads -------------------------------------------------------------------------------

    async def checked_form(self, request: Request, max_files: int, max_fields: int):
        """A form that changes something carries the session's token (in a field, or a header for scripts).

        A broken multipart body is Starlette's HTTPException(400), answered in one line like any other.
        """
        form = await request.form(max_files=max_files, max_fields=max_fields)
        sent = str(form.get("token") or request.headers.get("x-alignment-token") or "")
        if not hmac.compare_digest(sent.encode(), self.token.encode()):
            raise Refused(403, "Skjemaet er utløpt. Last siden på nytt og prøv igjen.")
        return form

    async def _read_upload(self, request: Request) -> Upload:
        form = await self.checked_form(request, max_files=1, max_fields=10)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise Refused(422, "Velg en planfil (.pdf, .docx, .txt eller .md).")
        data = await upload.read(MAX_FILE_BYTES + 1)
        district = str(form.get("district") or "").strip()[:80]
        ocr = str(form.get("ocr") or "") in ("1", "on", "true", "ja")
        try:
            return await run_in_threadpool(_read, upload.filename, data, district, ocr)
        except InputTooLargeError as error:
            raise Refused(413, str(error)) from error
        except UnsupportedFormatError as error:
            raise Refused(415, str(error)) from error
        except InputError as error:
            raise Refused(422, str(error)) from error

    async def api_upload(self, request: Request) -> Response:
        upload = await self._read_upload(request)
        try:
            check = self.checker.submit(upload)
        except QueueFull as exc:
            raise Refused(503, "Arbeidsbenken har mange planer i kø. Prøv igjen om noen minutter.") from exc
        status = 201 if check.state == DONE else 202
        return JSONResponse({"id": upload.plan_id, "district": upload.district, "state": check.state},
                            status_code=status, headers={"location": f"/api/plans/{upload.plan_id}"})

    async def upload_form(self, request: Request) -> Response:
        """The upload form without JavaScript: a page back, the plan's or the overview with the error."""
        try:
            upload = await self._read_upload(request)
            self.checker.submit(upload)
        except Refused as refusal:
            listings = await run_in_threadpool(self.listings)
            html = overview_html(listings, self._comparison(listings), self.token, error=refusal.message)
            return HTMLResponse(html, status_code=refusal.status)
        except QueueFull:
            return error_response("/", Refused(503, "Arbeidsbenken har mange planer i kø. Prøv igjen om noen minutter."))
        return RedirectResponse(f"/planer/{upload.plan_id}", status_code=303)

    async def remove_form(self, request: Request) -> Response:
        """Take a plan off the workbench (a mistaken upload, a test): its files are moved aside, not deleted."""
        plan, _ = self.lookup(request)
        await self.checked_form(request, max_files=0, max_fields=2)
        try:
            await run_in_threadpool(self.checker.remove, plan.id)
        except CheckRunning as exc:
            raise Refused(409, "Planen sjekkes nå. Vent til sjekken er ferdig, og prøv igjen.") from exc
        return RedirectResponse(f"/?fjernet={plan.id}", status_code=303)

    # --- the API -------------------------------------------------------------------------------

    async def api_token(self, request: Request) -> Response:
        return JSONResponse({"token": self.token})

    async def api_plans(self, request: Request) -> Response:
        listings = await run_in_threadpool(self.listings)
        return JSONResponse([_listing_json(listing) for listing in listings])

    async def api_plan(self, request: Request) -> Response:
        plan, state = self.lookup(request)
        analysis, _ = await run_in_threadpool(self.reviewed, plan, state)
        check = state.check
        data = {"id": plan.id, "district": plan.district, "state": check.state, "stage": check.stage,
                "done": check.done, "total": check.total, "versions": [asdict(v) for v in plan.versions],
                "revision": state.revision, "report": analysis_json(analysis) if analysis else None}
        if check.error:
            data["error"] = check.error
        if analysis is not None:
            data["candidates"] = {v.tiltak.id: [_candidate_json(c) for c in v.candidates]
                                  for v in analysis.machine_verdicts}
        return JSONResponse(data)

    async def api_save(self, request: Request) -> Response:
        plan, state = self.lookup(request)
        body = await _json_body(request)
        return JSONResponse(await run_in_threadpool(self._save, plan, state, request.path_params["tiltak"], body))

    def _save(self, plan: WorkspacePlan, state: PlanState, tiltak_id: str, body: dict) -> dict:
        state = self.checker.state(plan.id) or state
        if tiltak_id not in {t.id for t in self.checker.reference.tiltak}:
            raise Refused(404, f"Finner ikke tiltaket «{tiltak_id}» blant Byrådets tiltak.")
        if state.machine is None:
            raise Refused(409, "Planen sjekkes fortsatt. Prøv igjen når sjekken er ferdig.")
        status, evidence, comment, reviewer, seen, tab = _decision_fields(body)
        machine = state.machine
        unknown = [m for m in evidence if m not in {measure.id for measure in machine.measures}]
        if unknown:
            raise Refused(422, f"Ukjent tiltak i planen «{unknown[0]}» (tiltakene heter M01, M02, …).")
        machine_evidence = [e.measure.id for e in next(v for v in machine.machine_verdicts
                                                        if v.tiltak.id == tiltak_id).evidence]
        decision = Decision(tiltak_id, status, tuple(m for m in evidence if m not in machine_evidence),
                            tuple(m for m in machine_evidence if m not in evidence), comment, reviewer,
                            date.today().isoformat() if (status or comment) else "")
        with self.workspace.lock(plan.id):
            review = with_decision(self.checker.current_review(plan, machine), decision)
            path = self.workspace.review_path(plan)
            write_files({path: review_file(machine, review)})
            info = path.stat()
            state.review, state.review_stamp = review, (info.st_mtime_ns, info.st_size)
            state.revision += 1
            elsewhere = sorted(t for t, (revision, who) in state.changes.items()
                               if revision > seen and t != tiltak_id and (not tab or who != tab))
            state.changes[tiltak_id] = (state.revision, tab)
        reviewed = apply_review(machine, review)
        entry = verdict_json(reviewed.verdict(tiltak_id), reviewed.review)
        counts = reviewed.summary.counts
        return {"tiltak": entry, "revision": state.revision, "changed_elsewhere": elsewhere,
                "summary": {"covered": counts.covered, "partial": counts.partial, "missing": counts.missing},
                "reviewed": sum(1 for d in review.decisions.values() if d.status)}

    async def api_review_import(self, request: Request) -> Response:
        """Take a review file (edited elsewhere) for this plan; it is checked like the CLI checks one."""
        plan, state = self.lookup(request)
        form = await self.checked_form(request, max_files=1, max_fields=5)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Refused(422, "Velg en vurderingsfil (.review.yaml).")
        data = await upload.read(MAX_REVIEW_BYTES + 1)
        return JSONResponse(await run_in_threadpool(self._import_review, plan, state, upload.filename or "vurdering.yaml",
                                                    data))

    def _import_review(self, plan: WorkspacePlan, state: PlanState, name: str, data: bytes) -> dict:
        state = self.checker.state(plan.id) or state
        if state.machine is None:
            raise Refused(409, "Planen sjekkes fortsatt. Prøv igjen når sjekken er ferdig.")
        if len(data) > MAX_REVIEW_BYTES:
            raise Refused(413, f"{name}: vurderingsfilen er for stor (grensen er {MAX_REVIEW_BYTES // (1024 * 1024)} MB).")
        try:
            review = parse_review(data.decode("utf-8"), name, [t.id for t in self.checker.reference.tiltak])
            review = rebase_review(review, state.machine)
        except UnicodeDecodeError as exc:
            raise Refused(422, f"{name}: er ikke lagret som UTF-8.") from exc
        except ReviewError as error:
            raise Refused(422, str(error)) from error
        with self.workspace.lock(plan.id):
            path = self.workspace.review_path(plan)
            write_files({path: review_file(state.machine, review)})
            info = path.stat()
            state.review, state.review_stamp = review, (info.st_mtime_ns, info.st_size)
            state.revision += 1
            state.changes.update({t: (state.revision, "") for t in review.decisions})
        return {"id": plan.id, "revision": state.revision,
                "reviewed": sum(1 for d in review.decisions.values() if d.status)}


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
    return read_upload(name, data, district, ocr)


LETTER_MEDIA_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                      "pdf": "application/pdf"}


def _attachment(content, filename: str, media_type: str) -> Response:
    return Response(content, media_type=media_type,
                    headers={"content-disposition": f'attachment; filename="{filename}"'})


async def _json_body(request: Request) -> dict:
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(422, "Forespørselen er ikke gyldig JSON.") from exc
    if not isinstance(body, dict):
        raise Refused(422, "Forespørselen må være et JSON-objekt med status, evidence, comment og reviewer.")
    return body


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


def _listing_json(listing: PlanListing) -> dict:
    data = {"id": listing.plan.id, "district": listing.plan.district, "state": listing.check.state,
            "versions": len(listing.plan.versions), "reviewed": listing.reviewed}
    if listing.analysis is not None:
        counts = listing.analysis.summary.counts
        data["summary"] = {"covered": counts.covered, "partial": counts.partial, "missing": counts.missing}
    if listing.check.error:
        data["error"] = listing.check.error
    return data


def _candidate_json(candidate) -> dict:
    return {"measure_id": candidate.measure.id, "score": candidate.score,
            "measure": measure_json(candidate.measure)}
