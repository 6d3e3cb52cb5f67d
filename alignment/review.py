"""An advisor's review of the machine's verdicts, kept in a YAML file they edit by hand.

KoRus advisors will not send a district a report that a machine alone
decided. `check` writes `<plan>.review.yaml` once (never over a reviewer's
file): per tiltak the machine's status and evidence, and empty fields for the
reviewer. Applying it makes the reviewer's word the verdict, keeps the
machine's beside it, and survives a new draft: decisions are tied to the
text of the measures they rest on, not to measure numbers, so a decision
whose evidence changed or vanished is kept but flagged for a new look.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import AlignmentError
from .match import STATUSES, Evidence, TiltakVerdict
from .segment import Measure
from .textnorm import fold


class ReviewError(AlignmentError):
    exit_code = 8


@dataclass
class Decision:
    tiltak_id: str
    status: str | None = None
    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    comment: str = ""
    reviewer: str = ""
    date: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.status or self.add or self.remove or self.comment)


@dataclass
class Review:
    path: Path
    plan: str
    machine_evidence: dict[str, list[str]]
    measures: dict[str, str]  # measure id at review time -> its text then
    decisions: dict[str, Decision]


@dataclass(frozen=True)
class ReviewNote:
    """What the report shows of a reviewer's decision on one tiltak."""

    model_status: str
    status: str | None
    reviewer: str
    date: str
    comment: str
    needs_new_look: bool
    why_new_look: str

    @property
    def disagrees(self) -> bool:
        return self.status is not None and self.status != self.model_status


def measure_key(text: str) -> str:
    """A measure's identity across drafts: its text, ignoring case, accents and spacing."""
    return fold(text)


def _measure_text(measure: Measure) -> str:
    return f"{measure.title} {measure.text}".strip()


HEADER = """\
# Vurderingsfil for {title}
# Plan: {source}
#
# Her kan en rådgiver bekrefte eller rette maskinens vurdering av hvert av
# Byrådets tiltak. Kjør deretter `alignment check` på planen igjen med samme
# --out: denne filen ved siden av rapporten brukes da. Den kan også
# oppgis med --review.
#
# For hvert tiltak:
#   maskin      maskinens vurdering da filen ble laget (ikke endre).
#   status      din vurdering: covered (dekket), partial (delvis) eller missing
#               (mangler). Tomt = maskinens vurdering gjelder.
#   evidence    tiltak i planen du vil legge til som belegg (M07) eller fjerne
#               (-M07). Numrene står under `tiltak_i_planen` nederst.
#   comment     din kommentar; vises i rapporten.
#   reviewer    ditt navn.       date    dato, f.eks. 2026-11-22.
#
# Filen skrives bare når den ikke finnes fra før: verktøyet overskriver aldri
# en rådgivers vurderinger. Ved et nytt utkast av planen beholdes vurderingene;
# de som bygger på tekst som er endret eller borte, merkes «trenger ny vurdering».
"""


def render_review_file(title: str, source: str, verdicts: list[TiltakVerdict],
                       measures: list[Measure]) -> str:
    lines = [HEADER.format(title=title, source=source), f"plan: {json.dumps(source, ensure_ascii=False)}", "tiltak:"]
    for verdict in verdicts:
        evidence = ", ".join(e.measure.id for e in verdict.evidence)
        lines += [
            f"  {json.dumps(verdict.tiltak.id)}:",
            f"    maskin: {{status: {verdict.status}, evidence: [{evidence}]}}",
            "    status:",
            "    evidence: []",
            '    comment: ""',
            '    reviewer: ""',
            '    date: ""',
        ]
    lines.append("# Tiltakene i planen slik de lød da filen ble laget (brukes til å se endringer i nye utkast).")
    lines.append("tiltak_i_planen:")
    for measure in measures:
        lines.append(f"  {measure.id}: {json.dumps(_measure_text(measure), ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def load_review(path: Path, tiltak_ids: list[str]) -> Review:
    """Parse and check a review file; every problem names the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ReviewError(f"{path}: er ikke lagret som UTF-8. Lagre filen som UTF-8 i redigeringsprogrammet.") from exc
    except OSError as exc:
        raise ReviewError(f"{path}: kan ikke lese vurderingsfilen ({exc.strerror}).") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"linje {mark.line + 1}: " if mark else ""
        raise ReviewError(f"{path}: {where}ugyldig YAML ({getattr(exc, 'problem', exc)}). Rett filen og prøv igjen.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("tiltak"), dict):
        raise ReviewError(f"{path}: mangler 'tiltak:'. Slett filen og kjør check på nytt for en ny mal.")
    lines = _key_lines(root, "tiltak")
    measure_texts = {str(k): str(v) for k, v in (data.get("tiltak_i_planen") or {}).items()}
    known = set(tiltak_ids)
    review = Review(path, str(data.get("plan") or ""), {}, measure_texts, {})
    for tiltak_id, entry in data["tiltak"].items():
        tiltak_id = str(tiltak_id)
        line = lines.get(tiltak_id, 0)
        if tiltak_id not in known:
            raise ReviewError(f"{path}: linje {line}: ukjent tiltak '{tiltak_id}'.")
        entry = entry or {}
        if not isinstance(entry, dict):
            raise ReviewError(f"{path}: linje {line}: tiltak '{tiltak_id}': feltene må stå på egne linjer under tiltaket (status:, comment: ...).")
        machine = entry.get("maskin") or {}
        if not isinstance(machine, dict) or not isinstance(entry.get("evidence") or [], list):
            raise ReviewError(f"{path}: linje {line}: tiltak '{tiltak_id}': evidence må være en liste, f.eks. [M07, -M03].")
        review.machine_evidence[tiltak_id] = [str(m) for m in machine.get("evidence") or []]
        status = entry.get("status")
        if status not in (None, "") and status not in STATUSES:
            raise ReviewError(f"{path}: linje {line}: tiltak '{tiltak_id}': status '{status}' er ukjent (bruk covered, partial eller missing).")
        decision = Decision(tiltak_id, status or None, comment=str(entry.get("comment") or ""),
                            reviewer=str(entry.get("reviewer") or ""), date=str(entry.get("date") or ""))
        for item in entry.get("evidence") or []:
            item = str(item).strip()
            target = decision.remove if item.startswith("-") else decision.add
            measure_id = item.lstrip("+-").strip()
            if measure_id not in measure_texts:
                raise ReviewError(f"{path}: linje {line}: tiltak '{tiltak_id}': ukjent tiltak i planen '{measure_id}'.")
            target.append(measure_id)
        review.decisions[tiltak_id] = decision
    return review


def _key_lines(root, section: str) -> dict[str, int]:
    """1-based line of each key under a top-level mapping, for messages."""
    if root is None or not hasattr(root, "value"):
        return {}
    for key, value in root.value:
        if getattr(key, "value", None) == section and hasattr(value, "value") and isinstance(value.value, list):
            return {str(k.value): k.start_mark.line + 1 for k, _ in value.value}
    return {}


@dataclass
class ReviewOutcome:
    notes: dict[str, ReviewNote]
    new_measures: list[Measure]
    source: str
    renumbered: bool  # the plan changed: the file's measure numbers are those of the reviewed draft
    reviewed_plan: str


def apply_review(review: Review, verdicts: list[TiltakVerdict], measures: list[Measure]) -> ReviewOutcome:
    """Make the reviewer's status the verdict, adjust evidence, and flag decisions on changed text."""
    current_by_key = {measure_key(_measure_text(m)): m for m in measures}
    old_keys = {measure_key(text) for text in review.measures.values()}

    def current(old_id: str) -> Measure | None:
        text = review.measures.get(old_id)
        return current_by_key.get(measure_key(text)) if text is not None else None

    notes: dict[str, ReviewNote] = {}
    for verdict in verdicts:
        decision = review.decisions.get(verdict.tiltak.id)
        if decision is None or decision.is_empty:
            verdict.decided_by = "model"
            continue
        basis = [*review.machine_evidence.get(verdict.tiltak.id, []), *decision.add]
        gone = [old_id for old_id in basis if current(old_id) is None]
        model_status = verdict.status
        if decision.status:
            verdict.status = decision.status
            verdict.decided_by = "reviewer"
        else:
            verdict.decided_by = "model"
        removed = {m.id for m in (current(i) for i in decision.remove) if m is not None}
        added = [m for m in (current(i) for i in decision.add) if m is not None]
        kept = [e for e in verdict.evidence if e.measure.id not in removed]
        present = {e.measure.id for e in kept}
        kept += [Evidence(m, 0.0, 0.0, 0.0, by_reviewer=True) for m in added if m.id not in present]
        verdict.evidence = kept
        why = ""
        if gone:
            why = f"teksten i {', '.join(gone)} er endret eller borte siden vurderingen"
        notes[verdict.tiltak.id] = ReviewNote(model_status, decision.status, decision.reviewer, decision.date,
                                              decision.comment, bool(gone), why)
    new_measures = [m for m in measures if measure_key(_measure_text(m)) not in old_keys]
    renumbered = any(
        (current(old_id) is None or current(old_id).id != old_id) for old_id in review.measures
    ) or bool(new_measures)
    return ReviewOutcome(notes, new_measures, str(review.path), renumbered, review.plan)

