"""Checks of uploaded plans, one at a time on a worker thread, with the model loaded once.

The request thread only reads the upload (so a bad file is refused at once
with its Norwegian line) and hands the rest to `Checker`: encoding the plan's
measures (the slow part, reported as "n av N"), matching, and storing the
draft in the workspace. A failing check is reported on the plan and leaves
the workspace as it was; nothing a check does can stop the server.

The checker also holds each plan's latest analysis (the machine's verdicts,
and the review file's decisions applied). That state is the checker's own:
the pages and the API ask for a `PlanView` (a copy) and change a review only
through `save` and `import_review`, which hold the plan's lock.

One plan's bad state never reaches another's: a plan whose review file is
broken, or whose files cannot be read, is listed with its Norwegian line
and can still be repaired (a new review file, a new draft) or removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import logging
import collections
import threading
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from ..analysis import plan_title
from ..check import analyze
from ..checklist import load_checklist
from ..embed import Embedder
from ..errors import AlignmentError, OutputError, Refused, ReviewError, os_reason, storage_status
from ..ingest import parse_document, read_scan
from ..match import Matcher
from ..records import (CHECK_STAGES, Analysis, CheckState, Decision, Document, Measure, MeasureCorrection, Review,
                       Publication, TiltakVerdict, WorkspacePlan)
from ..reference import load_reference
from ..render.data import analysis_json_text, verdict_json
from ..render.html import report_html
from ..render.letter import draft_label, letter_docx
from ..render.review_file import review_file
from ..review import (MAX_FIELD_CHARS, MAX_REVIEW_BYTES, apply_review, empty_review, load_review, parse_review,
                      rebase_review, with_added_measure, with_decision, with_rejected_measure, without_correction)
from ..output import write_files
from ..segment import extract_measures
from ..segment.account import ensure_measures
from ..segment.corrections import apply_corrections, correction_key
from .workspace import PlanRemoved, Workspace, plan_id

MAX_QUEUED = 20  # uploads being read, waiting or checked at once; not the plans reloaded at start
MAX_QUEUED_EACH = 4  # on a team server: one user's uploads waiting or checked at once
MAX_PARSING = 2  # uploads read (PDF and Word parsing in their own processes) at once: the machine's cores
RUNNING, DONE, FAILED = "running", "done", "failed"
LOADING = CheckState(RUNNING, "laster inn")
log = logging.getLogger(__name__)


@dataclass
class _Place:
    """A place in the queue, held by one upload while it is read."""

    queued: bool = False
    owner: str = ""


STOP = ("stop", None)


class FairQueue:
    """The worker's queue: one line per owner (who uploaded), served in turn, so a burst from one district waits
    behind one check of each other's rather than in front of all of them."""

    def __init__(self) -> None:
        self._lines: dict[str, collections.deque] = {}
        self._turns: collections.deque = collections.deque()  # owners with work, in the order they are served
        self._ready = threading.Condition()
        self._closed = False

    def put(self, owner: str, item) -> None:
        with self._ready:
            line = self._lines.setdefault(owner, collections.deque())
            if not line:
                self._turns.append(owner)
            line.append(item)
            self._ready.notify()

    def close(self) -> None:
        """No more work: `get` gives `STOP` once everything queued has been taken."""
        with self._ready:
            self._closed = True
            self._ready.notify()

    def get(self):
        with self._ready:
            while not self._turns:
                if self._closed:
                    return STOP
                self._ready.wait()
            owner = self._turns.popleft()
            line = self._lines[owner]
            item = line.popleft()
            if line:
                self._turns.append(owner)  # their next check after everyone else's next one
            else:
                del self._lines[owner]
            return item


@dataclass
class Upload:
    """A draft read in the request: its bytes and what was read from them."""

    plan_id: str
    district: str
    name: str
    data: bytes
    ocr: bool
    document: Document | None  # None for a scan to OCR: the check reads it
    measures: tuple[Measure, ...]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class PlanState:
    """What the workbench knows of a plan now: its check's state, its analysis, its review."""

    check: CheckState
    district: str = ""
    machine: Analysis | None = None
    review: Review | None = None
    review_stamp: tuple = ()  # (mtime_ns, size) of the review file when read
    pure: Analysis | None = None  # the machine's result without the advisors' corrections (a team server's districts)
    revision: int = 0
    changes: dict = field(default_factory=dict)  # tiltak id -> revision of its last save


@dataclass(frozen=True)
class PlanView:
    """A plan as a page or the API shows it: a copy, taken at once, that no handler can change the checker through.

    `check` is FAILED with the Norwegian line when the plan's own files are broken (a review file with a typo),
    so the plan is listed and shown with what is wrong instead of taking a page down.
    """

    plan: WorkspacePlan
    check: CheckState
    revision: int = 0
    machine: Analysis | None = None  # the latest draft's analysis, as the machine made it
    analysis: Analysis | None = None  # the same with the review applied
    review: Review | None = None
    pure: Analysis | None = None  # the machine's own, without the advisors' corrections of the reading

    @property
    def reviewed(self) -> int:
        return sum(1 for d in self.review.decisions.values() if d.status) if self.review else 0


def read_upload(name: str, data: bytes, district: str, ocr: bool) -> Upload:
    """Read and extract an uploaded draft; raises the same errors as `alignment check`."""
    document = parse_document(data, name, name, ocr=ocr)
    measures = extract_measures(document)
    ensure_measures(document, measures, name)
    guessed = district.strip() or plan_title(document)
    return Upload(plan_id(guessed), guessed, name, data, ocr, document, measures)


class Checker:
    def __init__(self, workspace: Workspace, model: str | None = None, backend: str | None = None,
                 audit=None) -> None:
        """`audit(actor, action, plan, target, before, after)`, when given (a team server), records each change
        before it is made; a failure to record it refuses the change. A team server also keeps each plan's result
        as the machine made it, without the advisors' corrections of the reading, for its district's users."""
        self.workspace = workspace
        self.audit = audit
        self.reference = load_reference()
        self.checklist = load_checklist()
        self.embedder = Embedder(model, backend=backend)
        self._matcher: Matcher | None = None
        self._matching = threading.Lock()  # the worker's checks and an advisor's corrections share the model
        # Unbounded: the plans reloaded at start are queued before the worker runs, however many there are.
        # Uploads are bounded by `_taken` instead (waiting checks and uploads being read).
        self._queue = FairQueue()
        self._taken: dict[str, int] = {}
        self._states: dict[str, PlanState] = {}
        self._states_lock = threading.Lock()
        self._thread = threading.Thread(target=self._work, name="alignment-checker", daemon=True)

    def start(self) -> None:
        """Clean what a crash left, then load the model and every plan in the workspace, on the worker thread.

        Returns at once, with any number of plans: each is queued as "laster inn" for the worker.
        """
        self.workspace.clean()
        for plan in self.workspace.plans():
            self._set(plan.id, LOADING)
            self._queue.put("", ("reload", plan))
        self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        """Let the worker finish the check it is on and end (the server is shutting down)."""
        if self._thread.is_alive():
            self._queue.close()
            self._thread.join(timeout)

    # --- uploads --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def place(self, owner: str = ""):
        """A place in the queue for an upload about to be read, taken before the (slow) reading, so a full
        queue is refused at once rather than after parsing. Given back unless `submit` queued the upload
        (then the worker gives it back when the check ends).

        On a team server `owner` is who uploads: each may hold MAX_QUEUED_EACH places, and the worker takes
        the owners' checks in turn, so one district's uploads cannot fill the queue or keep others waiting.
        """
        with self._states_lock:
            if sum(self._taken.values()) >= MAX_QUEUED:
                raise Refused(503, "Arbeidsbenken har mange planer i kø. Prøv igjen om noen minutter.")
            if owner and self._taken.get(owner, 0) >= MAX_QUEUED_EACH:
                raise Refused(429, f"Du har {MAX_QUEUED_EACH} planer i kø alt. Vent til de er sjekket, og prøv igjen.")
            self._taken[owner] = self._taken.get(owner, 0) + 1
        place = _Place(owner=owner)
        try:
            yield place
        finally:
            if not place.queued:
                self._give_back(owner)

    def _give_back(self, owner: str) -> None:
        with self._states_lock:
            self._taken[owner] -= 1
            if not self._taken[owner]:
                del self._taken[owner]

    def submit(self, upload: Upload, place: _Place | None = None) -> CheckState:
        """Queue a check of `upload` in `place` (one is taken here without); the check's state now."""
        if place is None:
            with self.place() as taken:
                return self.submit(upload, taken)
        state = self._live(upload.plan_id)
        plan = self.workspace.plan(upload.plan_id)
        if plan and plan.latest and plan.latest.sha256 == upload.sha256 and state and state.check.state == DONE:
            return state.check  # the same draft again: already checked
        self._set(upload.plan_id, CheckState(RUNNING, CHECK_STAGES[0]))  # before the worker can finish it
        with self._states_lock:
            self._states[upload.plan_id].district = upload.district
        self._queue.put(place.owner, ("check", (upload, place.owner)))
        place.queued = True
        return CheckState(RUNNING, CHECK_STAGES[0])

    def remove(self, plan_id: str, by: str = "") -> None:
        """Take a plan off the workbench: its folder is moved aside whole, and its live state dropped.

        A plan being checked is refused: the check would store its draft into a folder that is gone.
        """
        state = self._live(plan_id)
        if state is not None and state.check.state == RUNNING:
            raise Refused(409, "Planen sjekkes nå. Vent til sjekken er ferdig, og prøv igjen.")
        with self.workspace.lock(plan_id):
            self._record(by, "plan_fjernet", plan_id)
            try:
                self.workspace.remove(plan_id, datetime.now())
            except OSError as exc:
                raise storage_refusal(exc, "flytte planen til side") from exc
        with self._states_lock:
            live = self._states.get(plan_id)
            if live is not None and live.check.state != RUNNING:  # not a new draft uploaded meanwhile
                del self._states[plan_id]

    # --- what the pages read --------------------------------------------------------------------

    def state(self, plan_id: str) -> PlanState | None:
        """A copy of the plan's live state (the worker goes on changing the live one)."""
        with self._states_lock:
            live = self._states.get(plan_id)
            return replace(live, changes=dict(live.changes)) if live is not None else None

    def _live(self, plan_id: str) -> PlanState | None:
        with self._states_lock:
            return self._states.get(plan_id)

    def knows(self, plan_id: str) -> bool:
        """Whether the plan is in the workspace, or its first draft is being checked."""
        return self._live(plan_id) is not None or self.workspace.plan(plan_id) is not None

    def view(self, plan_id: str) -> PlanView | None:
        """The plan (in the workspace, or its first draft being checked) with its review applied; None if unknown.

        The state is read first: a check that is done has already written its draft to the plan.
        """
        state = self.state(plan_id)
        plan = self.workspace.plan(plan_id)
        if plan is None and state is not None:
            plan = WorkspacePlan(plan_id, state.district or plan_id)
        if plan is None:
            return None
        state = state or PlanState(LOADING)
        if state.machine is None:
            return PlanView(plan, state.check, state.revision)
        try:
            with self.workspace.lock(plan.id):
                review = self.current_review(plan, state.machine)
            return PlanView(plan, state.check, state.revision, state.machine, apply_review(state.machine, review),
                            review, state.pure)
        except PlanRemoved:
            raise
        except Exception as error:  # this plan's files are broken: show it with why, never fail the page
            if not isinstance(error, (AlignmentError, OSError)):
                log.exception("showing %s failed", plan.id)
            return PlanView(plan, CheckState(FAILED, error=plan_error(error)), state.revision, state.machine,
                            pure=state.pure)

    def views(self) -> list[PlanView]:
        """Every plan in the workspace; one whose files are broken is listed with its error, never left out."""
        views = []
        for plan in self.workspace.plans():
            try:
                view = self.view(plan.id)
            except PlanRemoved:
                continue  # removed while the list was made
            except Exception as error:
                log.exception("listing %s failed", plan.id)
                view = PlanView(plan, CheckState(FAILED, error=plan_error(error)))
            if view is not None:
                views.append(view)
        return views

    # --- changing the review ----------------------------------------------------------------------

    def save(self, plan_id: str, tiltak_id: str, status: str | None, evidence: list[str], comment: str,
             reviewer: str, seen: int, tab: str, sent: tuple[str, ...] | None = None,
             base: dict | None = None) -> dict:
        """One tiltak's decision, in the review file and the history before this returns.

        Only the fields in `sent` change (all three when None, as scripts send them); where `base` says what the
        client saw and the file now holds something else for a field it changes, the save is refused with both
        values (SaveConflict), so no field is ever overwritten unseen.
        """
        self._known_tiltak(tiltak_id)
        machine = self._machine(plan_id)
        known = {measure.id for measure in machine.measures}
        unknown = [m for m in evidence if m not in known]
        if unknown:
            raise Refused(422, f"Ukjent tiltak i planen «{unknown[0]}» (tiltakene heter M01, M02, …).")
        wanted = {"status": status, "evidence": list(evidence), "comment": comment}
        plan = self._plan(plan_id)
        with self.workspace.lock(plan_id):
            # A broken review file (a typo made by hand) is refused with its line, not replaced: the decisions
            # in it are the reviewer's. It is repaired by hand or by importing a good one.
            review = self.current_review(plan, machine)
            shown = apply_review(machine, review).verdict(tiltak_id)
            current = decision_values(review, shown)
            changed = DECISION_FIELDS if sent is None else tuple(f for f in DECISION_FIELDS if f in sent)
            conflicts = {field: {"yours": wanted[field], "theirs": current[field]} for field in changed
                         if base is not None and field in base and not same_value(field, base[field], current[field])
                         and not same_value(field, wanted[field], current[field])}
            if conflicts:
                raise SaveConflict(tiltak_id, conflicts)
            merged = {field: wanted[field] if field in changed else current[field] for field in DECISION_FIELDS}
            if merged["status"] == "missing" and "evidence" not in changed:  # "Mangler" sets the machine's aside
                merged["evidence"] = [e.measure.id for e in shown.evidence if e.by_reviewer]
            review, revision = self._decide(plan, machine, review, tiltak_id, current, merged, reviewer, tab)
            with self._states_lock:
                elsewhere = sorted(t for t, (rev, who) in self._states[plan_id].changes.items()
                                   if rev > seen and t != tiltak_id and (not tab or who != tab))
        return self._saved(machine, review, tiltak_id, revision, elsewhere)

    def undo(self, plan_id: str, tiltak_id: str, reviewer: str, tab: str = "") -> dict:
        """Put the tiltak's decision back as it was before its latest change that is not yet undone."""
        self._known_tiltak(tiltak_id)
        machine = self._machine(plan_id)
        plan = self._plan(plan_id)
        with self.workspace.lock(plan_id):
            entries = self.workspace.history(plan)
            undone = {entry.get("undo_of") for entry in entries}
            target = next((entry for entry in reversed(entries) if entry["tiltak"] == tiltak_id
                           and "undo_of" not in entry and entry.get("n") not in undone), None)
            if target is None:
                raise Refused(409, f"Det er ingenting å angre for {tiltak_id}.")
            review = self.current_review(plan, machine)
            current = decision_values(review, apply_review(machine, review).verdict(tiltak_id))
            before = values_now(target["before"], target.get("texts", {}), machine)
            review, revision = self._decide(plan, machine, review, tiltak_id, current, before, reviewer, tab,
                                            undo_of=target.get("n"))
        return self._saved(machine, review, tiltak_id, revision, [])

    def history(self, plan_id: str) -> dict[str, list[dict]]:
        """Each tiltak's decisions, newest first, as the cards show them."""
        plan = self.workspace.plan(plan_id)
        entries = self.workspace.history(plan) if plan is not None else []
        by_tiltak: dict[str, list[dict]] = {}
        for entry in reversed(entries):
            if entry["tiltak"]:
                by_tiltak.setdefault(entry["tiltak"], []).append(entry)
        return by_tiltak

    # --- a team server: publishing to the district, and the conversation ------------------------------

    def publish(self, plan_id: str, by: str) -> Publication:
        """Freeze the assessment as it stands (the latest draft with its review) as a new numbered version for the
        district: its report, JSON, review file and letter, written whole. Refused when nothing changed since the
        last version (the same draft and review)."""
        machine = self._machine(plan_id)
        plan = self._plan(plan_id)
        with self.workspace.lock(plan_id):
            review = self.current_review(plan, machine)
            analysis = apply_review(machine, review)
            review_text = review_file(machine, review)
            review_sha = hashlib.sha256(review_text.encode("utf-8")).hexdigest()
            published = self.workspace.publications(plan)
            last = published[-1] if published else None
            if last is not None and last.draft == plan.latest.number and last.review_sha256 == review_sha:
                raise Refused(409, f"Vurderingen er uendret siden versjon {last.number}, som alt er publisert.")
            files = {"rapport.html": report_html(analysis), "rapport.json": analysis_json_text(analysis),
                     "vurdering.yaml": review_text,
                     "tilbakemelding.docx": letter_docx(analysis, draft_label(plan.latest), plan.latest.name)}
            fingerprint = hashlib.sha256()
            for name, content in files.items():
                fingerprint.update(content.encode("utf-8") if isinstance(content, str) else content)
            publication = Publication(self.workspace.next_publication(plan), plan.latest.number, plan.latest.name,
                                      review_sha, datetime.now().astimezone().isoformat(timespec="seconds"), by,
                                      tuple(files), fingerprint.hexdigest())
            try:
                folder = self.workspace.store_publication(plan, publication, files)
            except (OSError, OutputError) as exc:
                raise storage_refusal(getattr(exc, "__cause__", None) or exc, "publisere vurderingen") from exc
            try:  # published and logged, or neither
                self._record(by, "publisert", plan.id, str(publication.number), None,
                             {"versjon": publication.number, "utkast": publication.draft, "sha256": publication.sha256})
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
        return publication

    def _statuses_now(self, plan: WorkspacePlan, machine: Analysis) -> dict | None:
        """The review's statuses as they stand (None when the review file is broken: it is being replaced)."""
        try:
            return _statuses(self.current_review(plan, machine))
        except (AlignmentError, OSError):
            return None

    def _record(self, actor: str, action: str, plan: str, target: str = "", before=None, after=None) -> None:
        """Into the audit log (a team server), before the change it records is made or acknowledged."""
        if self.audit is not None:
            self.audit(actor, action, plan, target, before, after)

    def publications(self, plan_id: str) -> list[Publication]:
        plan = self.workspace.plan(plan_id)
        return self.workspace.publications(plan) if plan is not None else []

    def comment(self, plan_id: str, by: str, role: str, text: str) -> dict:
        """A comment in the plan's conversation between the district and KoRus (it changes no decision)."""
        text = text.strip()
        if not text or len(text) > MAX_FIELD_CHARS or not valid_text(text):
            raise Refused(422, f"Skriv en kommentar på høyst {MAX_FIELD_CHARS} tegn.")
        plan = self._plan(plan_id)
        entry = {"at": datetime.now().astimezone().isoformat(timespec="seconds"), "by": by, "role": role,
                 "text": text, "draft": plan.latest.number if plan.latest else 0}
        with self.workspace.lock(plan_id):
            self._record(by, "kommentar", plan.id, "", None, {"tekst": text})
            try:
                self.workspace.append_comment(plan, entry)
            except OSError as exc:
                raise storage_refusal(exc, "lagre kommentaren") from exc
        return entry

    def comments(self, plan_id: str) -> list[dict]:
        plan = self.workspace.plan(plan_id)
        return self.workspace.comments(plan) if plan is not None else []

    def _decide(self, plan: WorkspacePlan, machine: Analysis, review: Review, tiltak_id: str, before: dict,
                after: dict, reviewer: str, tab: str, undo_of: int | None = None) -> tuple[Review, int]:
        """Record a decision: first in the history, then in the review file (hold the plan's lock)."""
        decision = decision_of(machine, tiltak_id, after, reviewer)
        review = with_decision(review, decision)
        texts = {m.id: m.text for m in machine.measures if m.id in {*before["evidence"], *after["evidence"]}}
        self._record(reviewer, "angret" if undo_of is not None else "vurdering", plan.id, tiltak_id, before, after)
        entry = {"at": datetime.now().astimezone().isoformat(
            timespec="seconds"), "reviewer": reviewer, "tiltak": tiltak_id, "before": before, "after": after,
            "texts": texts}
        if undo_of is not None:
            entry["undo_of"] = undo_of
        try:
            self.workspace.append_history(plan, entry)
        except OSError as exc:
            raise storage_refusal(exc, "lagre vurderingen") from exc
        return review, self._write_review(plan, machine, review, {tiltak_id: tab})

    def _saved(self, machine: Analysis, review: Review, tiltak_id: str, revision: int, elsewhere: list) -> dict:
        reviewed = apply_review(machine, review)
        counts = reviewed.summary.counts
        return {"tiltak": verdict_json(reviewed.verdict(tiltak_id), reviewed.review), "revision": revision,
                "changed_elsewhere": elsewhere,
                "summary": {"covered": counts.covered, "partial": counts.partial, "missing": counts.missing},
                "reviewed": sum(1 for d in review.decisions.values() if d.status)}

    def _known_tiltak(self, tiltak_id: str) -> None:
        if tiltak_id not in {t.id for t in self.reference.tiltak}:
            raise Refused(404, f"Finner ikke tiltaket «{tiltak_id}» blant Byrådets tiltak.")

    def import_review(self, plan_id: str, name: str, data: bytes, by: str = "") -> dict:
        """A review file edited elsewhere, checked as `check --review` checks one, in place of the plan's."""
        machine = self._machine(plan_id)
        if len(data) > MAX_REVIEW_BYTES:
            raise Refused(413, f"{name}: vurderingsfilen er for stor (grensen er {MAX_REVIEW_BYTES // (1024 * 1024)} MB).")
        try:
            review = parse_review(data.decode("utf-8"), name, [t.id for t in self.reference.tiltak])
            review = rebase_review(check_text(review, name), machine)
        except UnicodeDecodeError as exc:
            raise Refused(422, f"{name}: er ikke lagret som UTF-8.") from exc
        plan = self._plan(plan_id)
        with self.workspace.lock(plan_id):
            if self.audit is not None:
                self._record(by, "vurderingsfil_importert", plan_id, name, self._statuses_now(plan, machine),
                             _statuses(review))
            revision = self._write_review(plan, machine, review, {t: "" for t in review.decisions})
        return {"id": plan_id, "revision": revision, "reviewed": sum(1 for d in review.decisions.values() if d.status)}

    def correct(self, plan_id: str, action: str, text: str, reviewer: str) -> dict:
        """An advisor's correction of the reading: `add` a passage as a measure, `reject` a find, `undo` either.

        The plan is matched again at once on the loaded model (only the new passage is encoded), and the
        correction is in the review file, with the decisions moved to the new measure numbers, before this returns.
        """
        text = " ".join(text.split())
        if action not in ("add", "reject", "undo"):
            raise Refused(422, f"Ukjent handling «{action}» (bruk add, reject eller undo).")
        if not text or (action == "add" and len(text.split()) < 3):
            raise Refused(422, "Marker en tekst i planen på minst tre ord for å legge den til som tiltak.")
        if len(text) > MAX_FIELD_CHARS or len(reviewer) > 200:
            raise Refused(422, f"Teksten er for lang (høyst {MAX_FIELD_CHARS} tegn). Marker ett tiltak om gangen.")
        machine = self._machine(plan_id)
        plan = self._plan(plan_id)
        correction = MeasureCorrection(text, reviewer.strip(), date.today().isoformat())
        with self.workspace.lock(plan_id):
            review = self.current_review(plan, machine)
            if action == "reject" and correction_key(text) not in {correction_key(m.text) for m in machine.measures}:
                raise Refused(404, "Finner ikke det tiltaket i planen lenger. Last siden på nytt.")
            review = {"add": with_added_measure, "reject": with_rejected_measure}.get(
                action, lambda r, c: without_correction(r, c.text))(review, correction)
            document = machine.document
            measures = apply_corrections(document, extract_measures(document), review.added, review.rejected)
            with self._matching:
                fresh = self._as_stored(plan, analyze(document, measures, self.matcher(), self.reference,
                                                      self.checklist))
            review = rebase_review(review, fresh)
            self._record(correction.reviewer, "rettelse", plan_id, action, None, {"handling": action, "tekst": text})
            entry = {"tiltak": "", "reviewer": correction.reviewer,
                     "at": datetime.now().astimezone().isoformat(timespec="seconds"),
                     "correction": {"action": action, "text": text}}
            try:
                self.workspace.append_history(plan, entry)
            except OSError as exc:
                raise storage_refusal(exc, "lagre rettelsen") from exc
            revision = self._replace_machine(plan, machine, fresh, review)
        reviewed = apply_review(fresh, review)
        counts = reviewed.summary.counts
        added = [m.id for m in reviewed.review.added]
        return {"revision": revision, "measures": len(fresh.measures), "added": added,
                "rejected": [c.text for c in review.rejected],
                "summary": {"covered": counts.covered, "partial": counts.partial, "missing": counts.missing}}

    def _replace_machine(self, plan: WorkspacePlan, old: Analysis, fresh: Analysis, review: Review) -> int:
        """Put a re-matched analysis in place with its review file written; on a failed write, keep the old one."""
        with self._states_lock:
            live = self._states[plan.id]
            before = (live.machine, live.review, live.review_stamp)
            live.machine, live.review, live.review_stamp = fresh, None, ()
        try:
            return self._write_review(plan, fresh, review, {t.id: "" for t in self.reference.tiltak})
        except BaseException:
            with self._states_lock:
                live = self._states[plan.id]
                if live.machine is fresh:
                    live.machine, live.review, live.review_stamp = before
            raise

    def _rebuilt(self, plan: WorkspacePlan, machine: Analysis, source: str) -> Review:
        """The review as the history tells it, for a plan whose review file is gone (empty when there is none)."""
        review = empty_review(machine, source)
        for entry in self.workspace.history(plan):
            correction = entry.get("correction")
            if isinstance(correction, dict):
                change = MeasureCorrection(str(correction.get("text", "")), str(entry.get("reviewer", "")),
                                           str(entry.get("at", ""))[:10])
                review = {"add": with_added_measure, "reject": with_rejected_measure}.get(
                    correction.get("action"), lambda r, c: without_correction(r, c.text))(review, change)
            elif entry["tiltak"] in {t.id for t in self.reference.tiltak} and isinstance(entry.get("after"), dict):
                values = values_now(entry["after"], entry.get("texts", {}), machine)
                decision = decision_of(machine, entry["tiltak"], values, str(entry.get("reviewer", "")))
                review = with_decision(review, replace(decision, date=str(entry.get("at", ""))[:10] if decision.date
                                                       else ""))
        return review

    def _stored_corrections(self, plan_id: str) -> tuple[tuple, tuple]:
        """The advisor's corrections in the plan's review file, for a draft being checked; none if unreadable.

        A broken review file is shown with its error on the plan's page; it must not stop a check.
        """
        plan = self.workspace.plan(plan_id)
        path = self.workspace.review_path(plan) if plan is not None else None
        if path is None:
            return (), ()
        if not path.is_file():  # none yet, or lost: the history has the corrections too
            return self._history_corrections(plan)
        try:
            review = load_review(path, [t.id for t in self.reference.tiltak])
        except (AlignmentError, OSError):
            return (), ()
        return review.added, review.rejected

    def _history_corrections(self, plan: WorkspacePlan) -> tuple[tuple, tuple]:
        """The corrections the history records, replayed in order (when there is no analysis to rebuild against)."""
        added: dict[str, MeasureCorrection] = {}
        rejected: dict[str, MeasureCorrection] = {}
        for entry in self.workspace.history(plan):
            correction = entry.get("correction")
            if not isinstance(correction, dict):
                continue
            text = str(correction.get("text", ""))
            key = correction_key(text)
            change = MeasureCorrection(text, str(entry.get("reviewer", "")), str(entry.get("at", ""))[:10])
            added.pop(key, None)
            rejected.pop(key, None)
            if correction.get("action") == "add":
                added[key] = change
            elif correction.get("action") == "reject":
                rejected[key] = change
        return tuple(added.values()), tuple(rejected.values())

    def _plan(self, plan_id: str) -> WorkspacePlan:
        plan = self.workspace.plan(plan_id)
        if plan is None:
            raise PlanRemoved(plan_id)
        return plan

    def _machine(self, plan_id: str) -> Analysis:
        state = self._live(plan_id)
        if state is None or state.machine is None:
            raise Refused(409, "Planen sjekkes fortsatt. Prøv igjen når sjekken er ferdig.")
        return state.machine

    def _write_review(self, plan: WorkspacePlan, machine: Analysis, review: Review, changed: dict) -> int:
        """Write the review file (hold the lock) and record it on the live state; the new revision.

        The file is refused before it is written if `check --review` would refuse to read it back.
        """
        text = review_file(machine, check_text(review, plan.district))
        if len(text.encode("utf-8")) > MAX_REVIEW_BYTES:
            raise Refused(413, f"Vurderingsfilen for {plan.district} ville bli større enn "
                               f"{MAX_REVIEW_BYTES // (1024 * 1024)} MB, som er grensen for vurderingsfiler; ingenting "
                               "er lagret. Korte ned kommentarene, eller del opp planen.")
        path = self.workspace.review_path(plan)
        try:
            write_files({path: text})
            info = path.stat()
        except OutputError as error:
            raise storage_refusal(error.__cause__ or error, "lagre vurderingen") from error
        except OSError as exc:
            raise storage_refusal(exc, "lagre vurderingen") from exc
        with self._states_lock:
            live = self._states[plan.id]
            if live.machine is machine:
                live.review, live.review_stamp = review, (info.st_mtime_ns, info.st_size)
            live.revision += 1
            live.changes.update({t: (live.revision, tab) for t, tab in changed.items()})
            return live.revision

    def _set(self, plan_id: str, check: CheckState, machine: Analysis | None = None,
             pure: Analysis | None = None) -> None:
        with self._states_lock:
            current = self._states.get(plan_id) or PlanState(check)
            current.check = check
            if machine is not None:
                current.machine, current.review, current.review_stamp = machine, None, ()
                current.pure = pure or machine
            self._states[plan_id] = current

    def matcher(self) -> Matcher:
        if self._matcher is None:
            self.embedder.load()  # the one model load of this process
            self._matcher = Matcher(self.embedder).fit(self.reference.tiltak)
        return self._matcher

    def _work(self) -> None:
        try:
            self.matcher()
        except AlignmentError:
            pass  # no model: each check fails with the same message, and the pages show it
        while True:
            kind, item = self._queue.get()
            if kind == "stop":
                return
            upload, owner = item if kind == "check" else (None, "")
            key = upload.plan_id if upload is not None else item.id
            try:
                if upload is not None:
                    self._check(upload)
                else:
                    self._reload(item)
            except Exception as error:  # nothing one plan does may stop the worker
                if not isinstance(error, (AlignmentError, OSError)):
                    log.exception("the check of %s failed", key)
                self._set(key, CheckState(FAILED, error=plan_error(error)))
            finally:
                if upload is not None:
                    self._give_back(owner)

    def _analyze(self, plan_id: str, document: Document, measures: tuple[Measure, ...]) -> Analysis:
        def encoded(done: int, total: int) -> None:
            self._set(plan_id, CheckState(RUNNING, CHECK_STAGES[3], done, total))

        self._set(plan_id, CheckState(RUNNING, CHECK_STAGES[3], 0, len(measures)))
        corrected = apply_corrections(document, measures, *self._stored_corrections(plan_id))
        with self._matching:
            analysis = analyze(document, corrected, self.matcher(), self.reference, self.checklist, progress=encoded)
            pure = analysis
            if self.audit is not None and corrected != measures:  # unpublished work a district must not see
                pure = analyze(document, measures, self.matcher(), self.reference, self.checklist)
        self._set(plan_id, CheckState(RUNNING, CHECK_STAGES[4]))
        return analysis, pure

    def _check(self, upload: Upload) -> None:
        document, measures, text_layer = upload.document, upload.measures, None
        if document is None:
            self._set(upload.plan_id, CheckState(RUNNING, CHECK_STAGES[1]))
            document, text_layer = read_scan(upload.data, upload.name, upload.name)
            measures = extract_measures(document)
        self._set(upload.plan_id, CheckState(RUNNING, CHECK_STAGES[2]))
        analysis, pure = self._analyze(upload.plan_id, document, measures)
        self._set(upload.plan_id, CheckState(RUNNING, CHECK_STAGES[5]))
        uploaded = datetime.now().astimezone().replace(microsecond=0).isoformat()
        with self.workspace.lock(upload.plan_id, create=True):
            plan, version = self.workspace.next_version(upload.plan_id, upload.district, upload.name, upload.sha256,
                                                        uploaded, upload.ocr)
            stored = self._as_stored(plan, analysis)
            try:
                self.workspace.store_version(plan, version, upload.data, analysis_json_text(stored), text_layer)
            except OutputError as error:
                raise storage_refusal(error.__cause__ or error, "lagre utkastet") from error
        self._set(plan.id, CheckState(DONE), stored, self._as_stored(plan, pure))

    def _reload(self, plan: WorkspacePlan) -> None:
        """A scan is read from the OCR'd copy kept beside it (drafts stored before there were copies are OCR'd)."""
        path = self.workspace.version_path(plan, plan.latest)
        copy = self.workspace.text_layer_path(plan, plan.latest)
        if plan.latest.ocr and copy.is_file():
            document = parse_document(copy.read_bytes(), path.name, str(path))
        else:
            document = parse_document(path.read_bytes(), path.name, str(path), ocr=plan.latest.ocr)
        analysis, pure = self._analyze(plan.id, document, extract_measures(document))
        self._set(plan.id, CheckState(DONE), self._as_stored(plan, analysis), self._as_stored(plan, pure))

    def _as_stored(self, plan: WorkspacePlan, analysis: Analysis) -> Analysis:
        """The analysis as of the draft's file in the workspace, under the plan's district name."""
        path = self.workspace.version_path(plan, plan.latest)
        document = replace(analysis.document, name=path.stem, source=str(path))
        return replace(analysis, document=document,
                       plan=replace(analysis.plan, name=path.stem, source=str(path), title=plan.district))

    # --- the review ---------------------------------------------------------------------------

    def current_review(self, plan: WorkspacePlan, machine: Analysis) -> Review:
        """The review file's decisions in terms of `machine` (the latest draft); re-read when the file changed.

        Call with the plan's lock held. The parsed review is kept on the plan's live state while that
        state still holds the same analysis.
        """
        path = self.workspace.review_path(plan)
        try:
            info = path.stat()
            stamp = (info.st_mtime_ns, info.st_size)
        except FileNotFoundError:
            stamp = ()
        live = self._live(plan.id)
        if live is not None and live.machine is machine and live.review is not None and live.review_stamp == stamp:
            return live.review
        ids = [t.id for t in self.reference.tiltak]
        loaded = check_text(load_review(path, ids), str(path)) if stamp else self._rebuilt(plan, machine, str(path))
        review = rebase_review(loaded, machine)
        if live is not None and live.machine is machine:
            live.review, live.review_stamp = review, stamp
        return review


DECISION_FIELDS = ("status", "evidence", "comment")


class SaveConflict(Refused):
    """A save that would overwrite a field someone else changed since the client read it; both values go back."""

    def __init__(self, tiltak_id: str, conflicts: dict) -> None:
        names = {"status": "vurderingen", "evidence": "belegget", "comment": "kommentaren"}
        fields = " og ".join(names[field] for field in conflicts)
        super().__init__(409, f"{tiltak_id}: {fields} er endret i en annen fane eller av en annen rådgiver siden du "
                              "åpnet siden. Velg hvilken som skal gjelde.")
        self.details = {"conflict": conflicts}  # both values, for the page to offer the choice


def _statuses(review: Review) -> dict:
    """A review's decided statuses by tiltak, for the log of a review file that replaced another."""
    return {tiltak: decision.status for tiltak, decision in sorted(review.decisions.items()) if decision.status}


def decision_values(review: Review, verdict: TiltakVerdict) -> dict:
    """What the card shows for a tiltak now (its verdict with the review applied): the advisor's status (None: the
    machine's), the evidence and the comment."""
    decision = review.decisions.get(verdict.tiltak.id)
    return {"status": decision.status if decision else None, "evidence": [e.measure.id for e in verdict.evidence],
            "comment": decision.comment if decision else ""}


def decision_of(machine: Analysis, tiltak_id: str, values: dict, reviewer: str) -> Decision:
    """The review file's form of what the card shows: evidence as additions to and removals from the machine's.

    Under "Mangler" the machine's evidence is set aside, so every measure the advisor keeps is an addition.
    """
    machine_evidence = [e.measure.id for e in next(v for v in machine.machine_verdicts
                                                    if v.tiltak.id == tiltak_id).evidence]
    evidence, status = values["evidence"], values["status"]
    added = tuple(evidence) if status == "missing" else tuple(m for m in evidence if m not in machine_evidence)
    removed = tuple(m for m in machine_evidence if m not in evidence)
    return Decision(tiltak_id, status, added, removed, values["comment"], reviewer,
                    date.today().isoformat() if (status or values["comment"]) else "")


def same_value(field: str, first, second) -> bool:
    return sorted(first or []) == sorted(second or []) if field == "evidence" else (first or None) == (second or None)


def values_now(values: dict, texts: dict, machine: Analysis) -> dict:
    """A history entry's values in terms of the measures now: evidence follows its text to today's numbers."""
    by_text = {m.text: m.id for m in machine.measures}
    known = {m.id for m in machine.measures}
    evidence = []
    for old in values.get("evidence", []):
        now = by_text.get(texts.get(old, ""), old if old in known and old not in texts else None)
        if now is not None:
            evidence.append(now)
    return {"status": values.get("status"), "evidence": evidence, "comment": values.get("comment", "")}


def valid_text(text: str) -> bool:
    """Text that can be written as UTF-8: no lone UTF-16 surrogate ("\\ud800" in JSON or YAML reads as one)."""
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def check_text(review: Review, source: str) -> Review:
    """The review, if every text in it can be written and read back; a file that could not is never written."""
    texts = [review.district, *review.measures.values(), *review.new_measures]
    for decision in review.decisions.values():
        texts += [decision.comment, decision.reviewer, decision.date, decision.stale, *decision.add, *decision.remove]
    if not all(valid_text(text) for text in texts if isinstance(text, str)):
        raise ReviewError(f"{source}: vurderingen inneholder ugyldige tegn (en enslig UTF-16-surrogat). "
                          "Fjern tegnet og prøv igjen.")
    return review


def plan_error(error: BaseException) -> str:
    """One Norwegian line for what went wrong with one plan (its own line for errors we know, else "Intern feil")."""
    if isinstance(error, AlignmentError):
        return str(error)
    if isinstance(error, OSError):
        return storage_refusal(error, "lese eller skrive planens filer").message
    return f"Intern feil ({type(error).__name__}). Prøv igjen, og meld fra om det skjer igjen."


def storage_refusal(error: BaseException, doing: str) -> Refused:
    """A write the disk refused, as one line: 507 for a full disk, 503 for a read-only workspace. Nothing is lost:
    every write is atomic, so the files are as they were."""
    if not isinstance(error, OSError):
        return Refused(500, f"Kunne ikke {doing}: {error}")
    status = storage_status(error)
    advice = {507: " Frigjør plass på disken og prøv igjen.",
              503: " Sjekk at arbeidsmappen kan skrives til, og prøv igjen."}.get(status, "")
    return Refused(status, f"Kunne ikke {doing} ({os_reason(error)}); ingenting er endret.{advice}")
