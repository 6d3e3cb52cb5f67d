"""The gap report: one object from which the JSON, the HTML and the summary come.

Stages are properties computed once (`summary` → `as_json` → `html`), so the
HTML and the JSON can never disagree. Templates get plain dataclasses and
render through one autoescaping jinja Environment: text from a plan is data,
never markup.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from .errors import OutputError
from .ingest import Document
from .match import STATUSES, MeasureMatch, Settings, TiltakVerdict, measure_matches
from .reference import OWNER_LABELS, Reference
from .checklist import ChecklistItem, ChecklistResult, MeasureCheck, check_measures, load_checklist, run_checklist
from .review import ReviewOutcome, apply_review, load_review, render_review_file
from .segment import Measure

REPORT_FORMATS = ("html", "json")
STATUS_LABELS = {"covered": "Dekket", "partial": "Delvis", "missing": "Mangler"}
OWNER_GROUPS = (("district", "Bydelen skal handle (bydel og felles)", ("bydel", "felles")), ("city", "Byens ansvar", ("by",)))

environment = Environment(
    loader=PackageLoader("alignment", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
environment.filters["status_label"] = lambda status: STATUS_LABELS[status]
environment.globals.update(status_labels=STATUS_LABELS, owner_labels=OWNER_LABELS)  # the filter menus
environment.filters["anchor"] = lambda text: re.sub(r"[^A-Za-z0-9]+", "-", str(text)).strip("-")


def plan_title(document: Document) -> str:
    """'Bydel Frogner' when the plan names its district near the top, else the file name."""
    for line in document.lines[:60]:
        match = re.search(r"\bBydel\s+([A-ZÆØÅ][a-zæøåé]+(?:[ -][A-ZÆØÅ][a-zæøåé]+)?)", line.text)
        if match:
            return f"Bydel {match.group(1)}"
    return document.name


@dataclass(frozen=True)
class CoverageRow:
    label: str
    covered: int
    partial: int
    missing: int

    @property
    def total(self) -> int:
        return self.covered + self.partial + self.missing

    @property
    def addressed_share(self) -> float:
        return (self.covered + self.partial) / self.total if self.total else 0.0


@dataclass(frozen=True)
class ListView:
    section: str
    heading: str
    strategy: str
    verdicts: list[TiltakVerdict]


@dataclass(frozen=True)
class ReportView:
    """Everything the HTML template reads."""

    plan_title: str
    plan_source: str
    model: str
    counts: CoverageRow
    by_strategy: list[tuple[str, CoverageRow, CoverageRow]]
    by_owner: list[CoverageRow]
    lists: list[ListView]
    local_measures: list[Measure]
    measure_count: int
    settings: Settings
    strategies: list
    checklist: list[ChecklistResult]
    measure_checks: list[MeasureCheck]
    review: ReviewOutcome | None = None

    @property
    def checklist_found(self) -> int:
        return sum(result.found for result in self.checklist)

    @property
    def with_ansvar(self) -> int:
        return sum(check.has_ansvar for check in self.measure_checks)

    @property
    def with_deadline(self) -> int:
        return sum(check.has_deadline for check in self.measure_checks)


def _coverage(label: str, verdicts: list[TiltakVerdict]) -> CoverageRow:
    return CoverageRow(label, *(sum(v.status == s for v in verdicts) for s in STATUSES))


class GapReport:
    def __init__(self, document: Document, measures: list[Measure], verdicts: list[TiltakVerdict],
                 matches: list[MeasureMatch], reference: Reference, model: str, settings: Settings,
                 checklist: list[ChecklistItem] | None = None) -> None:
        self.document = document
        self.checklist_items = checklist if checklist is not None else load_checklist()
        self.measures = measures
        self.verdicts = verdicts
        self.matches = matches
        self.reference = reference
        self.model = model
        self.settings = settings
        self.review: ReviewOutcome | None = None
        self.stem = Path(document.source).stem  # the report's file name; `compare` keeps them apart
        # The template records the machine's verdicts, so it is made before any review changes them.
        self.review_template = render_review_file(plan_title(document), document.source, verdicts, measures)

    def apply_review(self, path: str | Path) -> None:
        """Let an advisor's review file decide; call before the report is rendered."""
        review = load_review(Path(path), [t.id for t in self.reference.tiltak])
        self.review = apply_review(review, self.verdicts, self.measures)
        # A measure the reviewer made evidence is no longer a local addition, anywhere.
        self.matches = measure_matches(self.measures, self.verdicts)
        for name in ("summary", "as_json", "json_text", "html"):
            self.__dict__.pop(name, None)

    def review_path(self, out_dir: str | Path) -> Path:
        return Path(out_dir) / f"{self.stem}.review.yaml"

    @cached_property
    def summary(self) -> ReportView:
        by_strategy = []
        for strategy in self.reference.strategies:
            group = [v for v in self.verdicts if v.tiltak.strategy == strategy.id]
            district = [v for v in group if v.tiltak.owner in OWNER_GROUPS[0][2]]
            city = [v for v in group if v.tiltak.owner in OWNER_GROUPS[1][2]]
            by_strategy.append((strategy.text, _coverage("Bydelen skal handle", district), _coverage("Byens ansvar", city)))
        by_owner = [
            _coverage(label, [v for v in self.verdicts if v.tiltak.owner in owners]) for _, label, owners in OWNER_GROUPS
        ]
        lists = [
            ListView(section, heading, self.reference.strategy_text(strategy),
                     [v for v in self.verdicts if v.tiltak.section == section])
            for section, heading, strategy in self.reference.sections
        ]
        local = [m.measure for m in self.matches if not m.matches]
        return ReportView(
            plan_title=plan_title(self.document),
            plan_source=self.document.source,
            model=self.model,
            counts=_coverage("Alle", self.verdicts),
            by_strategy=by_strategy,
            by_owner=by_owner,
            lists=lists,
            local_measures=local,
            measure_count=len(self.measures),
            settings=self.settings,
            strategies=self.reference.strategies,
            checklist=run_checklist(self.checklist_items, self.document),
            measure_checks=check_measures(self.measures),
            review=self.review,
        )

    @cached_property
    def as_json(self) -> dict:
        return {
            "plan": {"name": self.document.name, "source": self.document.source, "format": self.document.format},
            "model": self.model,
            "summary": {s: getattr(self.summary.counts, s) for s in STATUSES} | {"measures": len(self.measures)},
            "tiltak": [_verdict_json(v, self.review) for v in self.verdicts],
            "measures": [_measure_json(m, c) for m, c in zip(self.matches, self.summary.measure_checks)],
            "checklist": [
                {"id": r.item.id, "title": r.item.title, "found": r.found, "signs": r.signs_found,
                 "lines": [{"line": h.line, "page": h.page, "text": h.text} for h in r.hits]}
                for r in self.summary.checklist
            ],
            "review": None if self.review is None else {
                "file": self.review.source,
                "new_measures": [m.id for m in self.review.new_measures],
            },
        }

    @cached_property
    def json_text(self) -> str:
        return json.dumps(self.as_json, ensure_ascii=False, indent=2) + "\n"

    @cached_property
    def html(self) -> str:
        return environment.get_template("report.html").render(view=self.summary)

    def write(self, out_dir: str | Path, formats: tuple[str, ...] = REPORT_FORMATS) -> list[Path]:
        """Write <stem>.html and <stem>.json; each file appears whole or not at all."""
        out_dir = Path(out_dir)
        outputs = {"html": (out_dir / f"{self.stem}.html", lambda: self.html),
                   "json": (out_dir / f"{self.stem}.json", lambda: self.json_text)}
        written = []
        for fmt in formats:
            path, content = outputs[fmt]
            write_atomic(path, content())
            written.append(path)
        return written

    def write_review_template(self, out_dir: str | Path) -> Path | None:
        """Create <stem>.review.yaml unless it exists: a reviewer's file is never overwritten."""
        path = self.review_path(out_dir)
        if path.exists():
            return None
        write_atomic(path, self.review_template, exclusive=True)
        return path


def _verdict_json(verdict: TiltakVerdict, review: ReviewOutcome | None) -> dict:
    t = verdict.tiltak
    note = review.notes.get(t.id) if review else None
    return {
        "id": t.id,
        "section": t.section,
        "letter": t.letter,
        "strategy": t.strategy,
        "text": t.text,
        "owner": t.owner,
        "status": verdict.status,
        "score": verdict.score,
        "decided_by": verdict.decided_by,
        "model_status": note.model_status if note else verdict.status,
        "review": None if note is None else {
            "status": note.status, "reviewer": note.reviewer, "date": note.date, "comment": note.comment,
            "needs_new_look": note.needs_new_look, "why": note.why_new_look,
        },
        "evidence": [
            {"measure_id": e.measure.id, "title": e.measure.title, "text": e.measure.text, "score": e.score,
             "embedding": e.embedding, "lexical": e.lexical, "added_by_reviewer": e.by_reviewer}
            for e in verdict.evidence
        ],
    }


def measure_json(m: Measure) -> dict:
    """A measure as the JSON outputs show it (`check` and `extract --json`)."""
    return {
        "id": m.id,
        "section": m.section,
        "title": m.title,
        "text": m.text,
        "ansvar": m.ansvar,
        "frist": m.frist,
        "group": m.group,
        "location": {"line": m.line, "page": m.page, "row": m.row},
        "layout": m.layout,
    }


def _measure_json(match: MeasureMatch, check: MeasureCheck) -> dict:
    return measure_json(match.measure) | {
        "has_ansvar": check.has_ansvar,
        "has_deadline": check.has_deadline,
        "matches": [{"tiltak_id": tiltak_id, "score": score} for tiltak_id, score in match.matches],
    }


def write_atomic(path: Path, content: str | bytes, exclusive: bool = False) -> None:
    """Write via a temporary file in the same folder and rename, so a crash never leaves half a file.

    With `exclusive`, an existing file is left alone (a hard link fails where os.replace would overwrite).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path.parent}: kan ikke skrive rapporten her ({exc.strerror}). Velg en annen mappe med --out.") from exc
    try:
        data = content.encode("utf-8") if isinstance(content, str) else content
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        if exclusive:
            os.link(tmp, path)
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: kunne ikke skrive rapporten ({exc.strerror}); den forrige er urørt.") from exc
        raise
