"""Every record the stages pass to each other, frozen, in one place.

Stages import records, not each other: a renderer needs to know what a
verdict is, not how the matcher made it. Nothing here changes after it is
made; a review produces a new `Analysis` rather than editing verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import quote

import numpy as np

STATUSES = ("covered", "partial", "missing")
STATUS_LABELS = {"covered": "Dekket", "partial": "Delvis", "missing": "Mangler"}
OWNERS = ("bydel", "by", "felles")
OWNER_LABELS = {"bydel": "Bydelen", "felles": "Felles", "by": "Byen"}  # district to city, as the menus list them
# Who must act, as the summary groups it: (key, label, owners).
OWNER_GROUPS = (("district", "Bydelen skal handle (bydel og felles)", ("bydel", "felles")), ("city", "Byens ansvar", ("by",)))


# --- the plan as read ---------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    text: str
    number: int
    page: Optional[int] = None
    heading_level: int = 0
    bullet: bool = False  # an item of a Word list (its bullet glyph is not in the text)


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    index: int
    page: Optional[int] = None
    after_line: int = 0  # how many lines of the document precede the table


@dataclass(frozen=True)
class Document:
    name: str
    source: str
    format: str
    lines: tuple[Line, ...] = ()
    tables: tuple[Table, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True)
class Measure:
    """One of the district's measures (a *tiltak* in the plan), as the readers found it."""

    id: str
    section: str
    title: str
    text: str
    ansvar: tuple[str, ...] = ()
    line: Optional[int] = None
    page: Optional[int] = None
    layout: str = ""
    group: str = ""
    frist: str = ""
    row: Optional[int] = None  # the table row, for measures read from a real table

    @property
    def location(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"side {self.page}")
        if self.row is not None:
            parts.append(f"{self.layout}, rad {self.row}")
        elif self.line is not None:
            parts.append(f"linje {self.line}")
        return ", ".join(parts)


@dataclass(frozen=True)
class ChapterReading:
    """How one chapter of the plan was read: as measures or as background, and what it held."""

    heading: str  # "" for the text before the first heading
    role: str  # "tiltak": measures were found here; "bakgrunn": read as background; "lest": read, none found
    line: Optional[int]
    page: Optional[int]
    words: int
    measures: int
    unread_commitments: int = 0  # sentences that read like the district's commitments, in a background chapter


@dataclass(frozen=True)
class ExtractionWarning:
    """Why the measures found may not be all the plan's: `code` for programs, `message` in Norwegian."""

    code: str  # "no_measures", "few_measures", "unread_commitments"
    message: str


@dataclass(frozen=True)
class ExtractionAccount:
    """What the readers did with the plan, so that a thin reading is never shown as a plan's gaps."""

    words: int  # in the whole plan, tables included
    measure_words: int  # in the chapters measures were found in
    chapters: tuple[ChapterReading, ...]
    layouts: tuple[tuple[str, int], ...]  # (layout, measures read from it), most first
    warnings: tuple[ExtractionWarning, ...] = ()

    @property
    def uncertain(self) -> bool:
        """True when "Mangler" may mean "not found by the tool" rather than "not in the plan"."""
        return bool(self.warnings)

    @property
    def measure_share(self) -> float:
        return self.measure_words / self.words if self.words else 0.0


# --- the Byråd's strategy -------------------------------------------------------------

@dataclass(frozen=True)
class Statement:
    id: str
    text: str


@dataclass(frozen=True)
class Tiltak:
    id: str
    section: str
    section_printed: bool
    letter: str
    strategy: str
    heading: str
    owner: str
    text: str

    @property
    def owner_label(self) -> str:
        return OWNER_LABELS[self.owner]


@dataclass(frozen=True)
class Reference:
    source: str
    goals: tuple[Statement, ...]
    strategies: tuple[Statement, ...]
    tiltak: tuple[Tiltak, ...]

    def strategy_text(self, strategy_id: str) -> str:
        return next(s.text for s in self.strategies if s.id == strategy_id)

    @property
    def sections(self) -> list[tuple[str, str, str]]:
        """(section, heading, strategy id) per Byråd list, in the source's order."""
        seen: dict[str, tuple[str, str, str]] = {}
        for item in self.tiltak:
            seen.setdefault(item.section, (item.section, item.heading, item.strategy))
        return list(seen.values())


# --- matching ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    """Every number that turns scores into verdicts, in one place.

    Chosen with `alignment evaluate` on the tuning plans (Frogner, Fjellvik,
    Solhøgda) and checked on the others (Alna, Elvebakken); see README,
    "Nøyaktighet". The fused score is a z-score, so the thresholds read as
    "how many standard deviations above this measure's typical tiltak".
    `partial` and the weight maximised tuning accuracy. `covered` only splits
    covered from partial: 3.2 would agree better with the labels' three-way
    status (0.761 against 0.711 over all plans) but flips one more tiltak
    between Frogner's clean and OCR'd text (agreement 0.944 against 0.972).
    """

    embedding_weight: float = 0.8  # the rest goes to the lexical z-score
    covered: float = 3.4  # fused z at or above: the tiltak is covered
    partial: float = 2.6  # fused z at or above (and below covered): partly covered
    top_k: int = 2  # a measure can be evidence for at most this many tiltak
    measure_prompt: str = "STS"
    tiltak_prompt: str = "STS"
    include_title: bool = True  # embed "Goal title: measure text" rather than the text alone
    include_heading: bool = False  # embed the Byråd list heading with each tiltak
    recase_titles: bool = True  # goal titles in capitals put in sentence case before embedding
    paraphrases: bool = True  # also compare with plain-language wordings of each tiltak (data/tiltak_omskrivinger.yaml)
    ocr_repair: bool = True  # repair OCR'd Norwegian (only in plans that look OCR'd)
    candidates: int = 5  # measures shown per tiltak for a reviewer to pick from, whatever the verdict


DEFAULT_SETTINGS = Settings()


@dataclass(frozen=True, eq=False)
class Scores:
    """Measures × tiltak: embedding cosine, lexical cosine, and the fused row z-scores (read-only arrays).

    Compared by identity: arrays have no single truth value.
    """

    embedding: np.ndarray
    lexical: np.ndarray
    fused: np.ndarray


@dataclass(frozen=True)
class Evidence:
    measure: Measure
    score: float
    embedding: float
    lexical: float
    by_reviewer: bool = False  # added by an advisor, not found by the matcher


@dataclass(frozen=True)
class TiltakVerdict:
    tiltak: Tiltak
    status: str
    score: float
    evidence: tuple[Evidence, ...] = ()
    decided_by: str = "model"  # "reviewer" once an advisor's review sets the status
    candidates: tuple[Evidence, ...] = ()  # the best-scoring measures for this tiltak, whatever the verdict


@dataclass(frozen=True)
class MeasureMatch:
    measure: Measure
    matches: tuple[tuple[str, float], ...]  # (tiltak id, fused score), best first


# --- KoRus's checklist ---------------------------------------------------------------------

@dataclass(frozen=True)
class ChecklistItem:
    id: str
    title: str
    description: str
    min_signs: int
    signs: tuple[str, ...]


@dataclass(frozen=True)
class Hit:
    line: int
    page: Optional[int]
    text: str
    sign: str


@dataclass(frozen=True)
class ChecklistResult:
    item: ChecklistItem
    found: bool
    hits: tuple[Hit, ...] = ()
    signs_found: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeasureCheck:
    measure: Measure
    has_ansvar: bool
    has_deadline: bool


# --- an advisor's review -----------------------------------------------------------------

@dataclass(frozen=True)
class Decision:
    tiltak_id: str
    status: Optional[str] = None
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    comment: str = ""
    reviewer: str = ""
    date: str = ""
    stale: str = ""  # why it needs a new look, carried over from an earlier draft of the plan

    @property
    def is_empty(self) -> bool:
        return not (self.status or self.add or self.remove or self.comment)


@dataclass(frozen=True)
class MeasureCorrection:
    """An advisor's correction of what the readers found: a passage that is a measure, or a find that is not.

    Kept by its text, like every decision, so it carries over to a new draft where the text is the same.
    """

    text: str
    reviewer: str = ""
    date: str = ""


@dataclass(frozen=True)
class Review:
    """A review file as read: the machine's evidence then, the measures then, and the decisions."""

    source: str
    plan: str
    district: str = ""  # the plan's district as the file names it ("Bydel Frogner"); empty in older files
    machine_evidence: dict = field(default_factory=dict)  # tiltak id -> measure ids the machine gave then
    measures: dict = field(default_factory=dict)  # measure id at review time -> its text then
    decisions: dict = field(default_factory=dict)  # tiltak id -> Decision
    new_measures: tuple[str, ...] = ()  # ids of `measures` that were new against the draft reviewed before
    added: tuple[MeasureCorrection, ...] = ()  # passages of the plan an advisor made measures
    rejected: tuple[MeasureCorrection, ...] = ()  # finds of the readers an advisor said are not measures
    changed: tuple[tuple[str, str], ...] = ()  # (text in the draft reviewed before, id of what it became here)
    removed: tuple[str, ...] = ()  # texts of the draft reviewed before that are gone from this one


@dataclass(frozen=True)
class ReviewNote:
    """What the report shows of a reviewer's decision on one tiltak."""

    model_status: str
    status: Optional[str]
    reviewer: str
    date: str
    comment: str
    needs_new_look: bool
    why_new_look: str
    rejected_evidence: tuple = ()  # the machine's evidence the reviewer set aside (all of it when they chose "missing")
    text_changes: tuple[tuple[str, str], ...] = ()  # (text then, text now or "" if gone) of the evidence that changed

    @property
    def disagrees(self) -> bool:
        return self.status is not None and self.status != self.model_status


@dataclass(frozen=True)
class ReviewOutcome:
    notes: dict  # tiltak id -> ReviewNote
    new_measures: tuple[Measure, ...]
    source: str
    renumbered: bool  # the plan changed: the file's measure numbers are those of the reviewed draft
    reviewed_plan: str
    added: tuple[Measure, ...] = ()  # measures an advisor added (in `Analysis.measures` too)
    rejected: tuple[MeasureCorrection, ...] = ()  # finds an advisor said are not measures (left out of the analysis)
    changed_measures: tuple[tuple[str, Measure], ...] = ()  # (text in the reviewed draft, the measure it became)
    removed_measures: tuple[str, ...] = ()  # texts of the reviewed draft that are gone from this one


@dataclass(frozen=True)
class Assessment:
    """Who assessed an analysis: the advisors its review names, and how many verdicts they decided.

    A letter or report must never present the machine's verdict as an advisor's.
    """

    reviewers: tuple[str, ...]
    date: str  # the latest date on their decisions; "" when none is given
    decided: int  # verdicts an advisor set
    total: int

    @property
    def reviewed(self) -> bool:
        return self.decided > 0

    @property
    def complete(self) -> bool:
        return self.decided == self.total


# --- the finished analysis --------------------------------------------------------------

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
class TiltakList:
    """One of the Byråd's lists (5.1.1, 5.2.1, ...) with its verdicts."""

    section: str
    heading: str
    strategy: str
    verdicts: tuple[TiltakVerdict, ...]


@dataclass(frozen=True)
class Summary:
    """Counts and groupings every output shows, computed once from the verdicts."""

    counts: CoverageRow
    by_strategy: tuple[tuple[str, CoverageRow, CoverageRow], ...]  # strategy text, district-owned, city-owned
    by_owner: tuple[CoverageRow, ...]
    lists: tuple[TiltakList, ...]
    local_measures: tuple[Measure, ...]


@dataclass(frozen=True)
class Plan:
    """Which plan an analysis is of: the file, and the district it names."""

    name: str  # the file's stem
    source: str
    format: str
    title: str  # "Bydel Frogner" when the plan names its district, else the file's stem
    heading: str = ""  # the plan's own title line ("Russtrategi 2021-2024 Bydel Frogner"), when it has one


@dataclass(frozen=True)
class Analysis:
    """One plan, read and judged: everything any output shows, and nothing an output adds."""

    plan: Plan
    document: Document
    measures: tuple[Measure, ...]
    scores: Scores
    machine_verdicts: tuple[TiltakVerdict, ...]  # the matcher's, kept for the review file and the workbench
    verdicts: tuple[TiltakVerdict, ...]  # what the report says: the machine's, or a reviewer's where one decided
    matches: tuple[MeasureMatch, ...]
    checklist: tuple[ChecklistResult, ...]
    measure_checks: tuple[MeasureCheck, ...]
    summary: Summary
    reference: Reference
    model: str
    settings: Settings
    review: Optional[ReviewOutcome] = None
    extraction: Optional[ExtractionAccount] = None

    def verdict(self, tiltak_id: str) -> TiltakVerdict:
        return next(v for v in self.verdicts if v.tiltak.id == tiltak_id)

    @property
    def checklist_found(self) -> int:
        return sum(result.found for result in self.checklist)

    @property
    def with_ansvar(self) -> int:
        return sum(check.has_ansvar for check in self.measure_checks)

    @property
    def with_deadline(self) -> int:
        return sum(check.has_deadline for check in self.measure_checks)


# --- several plans ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanFailure:
    source: str
    message: str


@dataclass(frozen=True)
class District:
    """A plan in a comparison: its column name and the stem its report files get."""

    name: str
    stem: str
    analysis: Analysis

    @property
    def report_file(self) -> str:
        return f"{quote(self.stem)}.html"

    def verdict(self, tiltak_id: str) -> TiltakVerdict:
        return self.analysis.verdict(tiltak_id)


@dataclass(frozen=True)
class MatrixRow:
    tiltak: Tiltak
    strategy: str
    cells: tuple[tuple[District, TiltakVerdict], ...]

    @property
    def statuses(self) -> str:
        return " ".join(sorted({v.status for _, v in self.cells}))


@dataclass(frozen=True)
class MatrixGroup:
    strategy_id: str
    strategy: str
    section: str
    heading: str
    rows: tuple[MatrixRow, ...]


@dataclass(frozen=True)
class Comparison:
    districts: tuple[District, ...]
    failures: tuple[PlanFailure, ...]
    reference: Reference
    groups: tuple[MatrixGroup, ...]
    uncovered: tuple[Tiltak, ...]


# --- the workbench's workspace ----------------------------------------------------------------

@dataclass(frozen=True)
class PlanVersion:
    """One uploaded draft of a plan, as the workspace keeps it."""

    number: int
    file: str  # relative to the plan's folder
    name: str  # the file name it was uploaded with
    uploaded: str  # ISO time
    sha256: str
    ocr: bool = False


@dataclass(frozen=True)
class WorkspacePlan:
    """A district's plan in the workbench: its drafts, newest last."""

    id: str
    district: str
    versions: tuple[PlanVersion, ...] = ()

    @property
    def latest(self) -> Optional[PlanVersion]:
        return self.versions[-1] if self.versions else None


# A workbench check's stages, in order, as the progress view names them.
CHECK_STAGES = ("venter", "leser planen", "finner tiltak", "koder tekstene", "matcher", "lagrer")


@dataclass(frozen=True)
class CheckState:
    """How far the workbench has come with a plan: running (with its stage), done or failed."""

    state: str  # "running", "done", "failed"
    stage: str = ""
    done: int = 0
    total: int = 0
    error: str = ""


@dataclass(frozen=True)
class PlanListing:
    """A plan as the workbench's overview lists it."""

    plan: WorkspacePlan
    check: CheckState
    analysis: Optional[Analysis] = None  # the latest draft's, the review applied; None until checked
    reviewed: int = 0  # tiltak a reviewer has decided


# --- the team server: who may do what, and what was published -------------------------------------

ROLES = ("rådgiver", "bydel", "admin")
ALL_DISTRICTS = "*"


@dataclass(frozen=True)
class RoleAssignment:
    """One row of the table that alone says who may do what: a principal has a role in a scope (a district's
    plan id, or `ALL_DISTRICTS`). `source` is "lokal" for what an admin set, "oidc" for what the identity
    provider's groups gave at the latest login."""

    principal: str
    role: str
    scope: str
    source: str = "lokal"


@dataclass(frozen=True)
class Principal:
    """Who a request acts as, and what they were assigned when it came in."""

    name: str
    assignments: tuple[RoleAssignment, ...] = ()
    csrf: str = ""  # the token this session's forms and scripts carry
    session: str = ""  # the session's id hash, to log out ("" for the single-user key)
    team: bool = False  # logged in on a team server (names come from the login, not from the page)


@dataclass(frozen=True)
class Publication:
    """An assessment as an advisor sent it to its district: a frozen, numbered version."""

    number: int
    draft: int  # the draft (PlanVersion.number) it assesses
    draft_name: str
    review_sha256: str  # of the review file as it was published (the same review and draft: nothing new to send)
    published: str  # ISO time
    by: str
    files: tuple[str, ...]  # file names in its folder
    sha256: str  # of its files, in order: the version's fingerprint


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log: who did what, when, to which plan, with before and after; chained by hash."""

    n: int
    at: str
    actor: str
    action: str
    plan: str
    target: str
    before: str  # JSON
    after: str  # JSON
    previous: str  # the hash of entry n-1 ("" for the first)
    hash: str
