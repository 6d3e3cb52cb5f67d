"""Checks of uploaded plans, one at a time on a worker thread, with the model loaded once.

The request thread only reads the upload (so a bad file is refused at once
with its Norwegian line) and hands the rest to `Checker`: encoding the plan's
measures (the slow part, reported as "n av N"), matching, and storing the
draft in the workspace. A failing check is reported on the plan and leaves
the workspace as it was; nothing a check does can stop the server.

The checker also holds each plan's latest analysis (the machine's verdicts,
and the review file's decisions applied), which the pages and the API read.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..analysis import plan_title
from ..check import analyze
from ..checklist import load_checklist
from ..embed import Embedder
from ..errors import AlignmentError
from ..ingest import parse_document, read_scan
from ..match import Matcher
from ..records import CHECK_STAGES, Analysis, CheckState, Document, Measure, Review, WorkspacePlan
from ..reference import load_reference
from ..render.data import analysis_json_text
from ..review import empty_review, load_review, rebase_review
from ..segment import extract_measures
from .workspace import Workspace, plan_id

MAX_QUEUED = 20
RUNNING, DONE, FAILED = "running", "done", "failed"


class QueueFull(Exception):
    """More checks are waiting than the workbench takes at once."""


class CheckRunning(Exception):
    """The plan is being checked (or loaded) now, so it cannot be removed."""


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
    revision: int = 0
    changes: dict = field(default_factory=dict)  # tiltak id -> revision of its last save


def read_upload(name: str, data: bytes, district: str, ocr: bool) -> Upload:
    """Read and extract an uploaded draft; raises the same errors as `alignment check`."""
    document = parse_document(data, name, name, ocr=ocr)
    measures = extract_measures(document)
    guessed = district.strip() or plan_title(document)
    return Upload(plan_id(guessed), guessed, name, data, ocr, document, measures)


class Checker:
    def __init__(self, workspace: Workspace, model: str | None = None, backend: str | None = None) -> None:
        self.workspace = workspace
        self.reference = load_reference()
        self.checklist = load_checklist()
        self.embedder = Embedder(model, backend=backend)
        self._matcher: Matcher | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=MAX_QUEUED)
        self.states: dict[str, PlanState] = {}
        self._states_lock = threading.Lock()
        self._thread = threading.Thread(target=self._work, name="alignment-checker", daemon=True)

    def start(self) -> None:
        """Load the model and every plan already in the workspace, then take uploads, on the worker thread."""
        for plan in self.workspace.plans():
            self._set(plan.id, CheckState(RUNNING, "laster inn"))
            self._queue.put(("reload", plan))
        self._thread.start()

    def stop(self, timeout: float = 30) -> None:
        """Let the worker finish the check it is on and end (the server is shutting down)."""
        if self._thread.is_alive():
            self._queue.put(("stop", None))
            self._thread.join(timeout)

    def submit(self, upload: Upload) -> CheckState:
        state = self.state(upload.plan_id)
        plan = self.workspace.plan(upload.plan_id)
        if plan and plan.latest and plan.latest.sha256 == upload.sha256 and state and state.check.state == DONE:
            return state.check  # the same draft again: already checked
        if self._queue.qsize() >= MAX_QUEUED - 1:  # one place is kept for `stop`
            raise QueueFull
        previous = state.check if state else CheckState(FAILED, error="Køen var full. Last opp planen igjen.")
        self._set(upload.plan_id, CheckState(RUNNING, CHECK_STAGES[0]))  # before the worker can finish it
        self.state(upload.plan_id).district = upload.district
        try:
            self._queue.put_nowait(("check", upload))
        except queue.Full as exc:
            self._set(upload.plan_id, previous)
            raise QueueFull from exc
        return CheckState(RUNNING, CHECK_STAGES[0])

    def remove(self, plan_id: str) -> None:
        """Take a plan off the workbench: its folder is moved aside whole, and its live state dropped.

        A plan being checked is refused: the check would store its draft into a folder that is gone.
        """
        state = self.state(plan_id)
        if state is not None and state.check.state == RUNNING:
            raise CheckRunning(plan_id)
        with self.workspace.lock(plan_id):
            self.workspace.remove(plan_id, datetime.now())
        with self._states_lock:
            live = self.states.get(plan_id)
            if live is not None and live.check.state != RUNNING:  # not a new draft uploaded meanwhile
                del self.states[plan_id]

    def state(self, plan_id: str) -> PlanState | None:
        with self._states_lock:
            return self.states.get(plan_id)

    def _set(self, plan_id: str, check: CheckState, machine: Analysis | None = None) -> None:
        with self._states_lock:
            current = self.states.get(plan_id) or PlanState(check)
            current.check = check
            if machine is not None:
                current.machine, current.review, current.review_stamp = machine, None, ()
            self.states[plan_id] = current

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
            key = item.plan_id if kind == "check" else item.id
            try:
                if kind == "check":
                    self._check(item)
                else:
                    self._reload(item)
            except AlignmentError as error:
                self._set(key, CheckState(FAILED, error=str(error)))
            except Exception as error:  # a bug of ours must not stop the worker
                self._set(key, CheckState(FAILED, error=f"Intern feil ({type(error).__name__}). Prøv igjen, og meld "
                                                         "fra om det skjer igjen."))

    def _analyze(self, plan_id: str, document: Document, measures: tuple[Measure, ...]) -> Analysis:
        def encoded(done: int, total: int) -> None:
            self._set(plan_id, CheckState(RUNNING, CHECK_STAGES[3], done, total))

        self._set(plan_id, CheckState(RUNNING, CHECK_STAGES[3], 0, len(measures)))
        analysis = analyze(document, measures, self.matcher(), self.reference, self.checklist, progress=encoded)
        self._set(plan_id, CheckState(RUNNING, CHECK_STAGES[4]))
        return analysis

    def _check(self, upload: Upload) -> None:
        document, measures, text_layer = upload.document, upload.measures, None
        if document is None:
            self._set(upload.plan_id, CheckState(RUNNING, CHECK_STAGES[1]))
            document, text_layer = read_scan(upload.data, upload.name, upload.name)
            measures = extract_measures(document)
        self._set(upload.plan_id, CheckState(RUNNING, CHECK_STAGES[2]))
        analysis = self._analyze(upload.plan_id, document, measures)
        self._set(upload.plan_id, CheckState(RUNNING, CHECK_STAGES[5]))
        uploaded = datetime.now().astimezone().replace(microsecond=0).isoformat()
        with self.workspace.lock(upload.plan_id, create=True):
            plan, version = self.workspace.next_version(upload.plan_id, upload.district, upload.name, upload.sha256,
                                                        uploaded, upload.ocr)
            stored = self._as_stored(plan, analysis)
            self.workspace.store_version(plan, version, upload.data, analysis_json_text(stored), text_layer)
        self._set(plan.id, CheckState(DONE), stored)

    def _reload(self, plan: WorkspacePlan) -> None:
        """A scan is read from the OCR'd copy kept beside it (drafts stored before there were copies are OCR'd)."""
        path = self.workspace.version_path(plan, plan.latest)
        copy = self.workspace.text_layer_path(plan, plan.latest)
        if plan.latest.ocr and copy.is_file():
            document = parse_document(copy.read_bytes(), path.name, str(path))
        else:
            document = parse_document(path.read_bytes(), path.name, str(path), ocr=plan.latest.ocr)
        analysis = self._analyze(plan.id, document, extract_measures(document))
        self._set(plan.id, CheckState(DONE), self._as_stored(plan, analysis))

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
        live = self.state(plan.id)
        if live is not None and live.machine is machine and live.review is not None and live.review_stamp == stamp:
            return live.review
        ids = [t.id for t in self.reference.tiltak]
        review = rebase_review(load_review(path, ids) if stamp else empty_review(machine, str(path)), machine)
        if live is not None and live.machine is machine:
            live.review, live.review_stamp = review, stamp
        return review
