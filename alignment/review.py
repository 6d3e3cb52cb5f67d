"""An advisor's review of the machine's verdicts: read a review file, apply it to an analysis.

KoRus advisors will not send a district a report that a machine alone
decided. The review file (written by `render.review_file`, edited by hand or
by the workbench) holds per tiltak the machine's status and evidence, and
the reviewer's decision. Applying it makes the reviewer's word the verdict,
keeps the machine's beside it, and survives a new draft: decisions are tied
to the text of the measures they rest on, not to measure numbers, so a
decision whose evidence changed or vanished is kept but flagged for a new look.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml

from .analysis import summarize
from .errors import ReviewError
from .match import measure_matches
from .records import STATUSES, Analysis, Decision, Evidence, Measure, Review, ReviewNote, ReviewOutcome
from .textnorm import fold


def measure_key(text: str) -> str:
    """A measure's identity across drafts: its text, ignoring case, accents and spacing."""
    return fold(text)


def measure_review_text(measure: Measure) -> str:
    """A measure as the review file records it: goal title and text."""
    return f"{measure.title} {measure.text}".strip()


def load_review(path: str | Path, tiltak_ids: list[str]) -> Review:
    """Read and check a review file; every problem names the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ReviewError(f"{path}: er ikke lagret som UTF-8. Lagre filen som UTF-8 i redigeringsprogrammet.") from exc
    except OSError as exc:
        raise ReviewError(f"{path}: kan ikke lese vurderingsfilen ({exc.strerror}).") from exc
    return parse_review(text, str(path), tiltak_ids)


def parse_review(text: str, source: str, tiltak_ids: list[str]) -> Review:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"linje {mark.line + 1}: " if mark else ""
        raise ReviewError(f"{source}: {where}ugyldig YAML ({getattr(exc, 'problem', exc)}). Rett filen og prøv igjen.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("tiltak"), dict):
        raise ReviewError(f"{source}: mangler 'tiltak:'. Slett filen og kjør check på nytt for en ny mal.")
    lines = _key_lines(root, "tiltak")
    measure_texts = {str(k): str(v) for k, v in (data.get("tiltak_i_planen") or {}).items()}
    known = set(tiltak_ids)
    machine_evidence: dict[str, tuple[str, ...]] = {}
    decisions: dict[str, Decision] = {}
    for tiltak_id, entry in data["tiltak"].items():
        tiltak_id = str(tiltak_id)
        line = lines.get(tiltak_id, 0)
        if tiltak_id not in known:
            raise ReviewError(f"{source}: linje {line}: ukjent tiltak '{tiltak_id}'.")
        entry = entry or {}
        if not isinstance(entry, dict):
            raise ReviewError(f"{source}: linje {line}: tiltak '{tiltak_id}': feltene må stå på egne linjer under tiltaket (status:, comment: ...).")
        machine = entry.get("maskin") or {}
        if not isinstance(machine, dict) or not isinstance(entry.get("evidence") or [], list):
            raise ReviewError(f"{source}: linje {line}: tiltak '{tiltak_id}': evidence må være en liste, f.eks. [M07, -M03].")
        machine_evidence[tiltak_id] = tuple(str(m) for m in machine.get("evidence") or [])
        status = entry.get("status")
        if status not in (None, "") and status not in STATUSES:
            raise ReviewError(f"{source}: linje {line}: tiltak '{tiltak_id}': status '{status}' er ukjent (bruk covered, partial eller missing).")
        add: list[str] = []
        remove: list[str] = []
        for item in entry.get("evidence") or []:
            item = str(item).strip()
            target = remove if item.startswith("-") else add
            measure_id = item.lstrip("+-").strip()
            if measure_id not in measure_texts:
                raise ReviewError(f"{source}: linje {line}: tiltak '{tiltak_id}': ukjent tiltak i planen '{measure_id}'.")
            target.append(measure_id)
        decisions[tiltak_id] = Decision(tiltak_id, status or None, tuple(add), tuple(remove),
                                        comment=str(entry.get("comment") or ""),
                                        reviewer=str(entry.get("reviewer") or ""), date=str(entry.get("date") or ""))
    return Review(source, str(data.get("plan") or ""), machine_evidence, measure_texts, decisions)


def _key_lines(root, section: str) -> dict[str, int]:
    """1-based line of each key under a top-level mapping, for messages."""
    if root is None or not hasattr(root, "value"):
        return {}
    for key, value in root.value:
        if getattr(key, "value", None) == section and hasattr(value, "value") and isinstance(value.value, list):
            return {str(k.value): k.start_mark.line + 1 for k, _ in value.value}
    return {}


def apply_review(analysis: Analysis, review: Review) -> Analysis:
    """A new analysis in which the reviewer's decisions are the verdicts; the machine's stay beside them.

    Always starts from the machine's verdicts, so applying a review twice gives the same analysis.
    """
    measures = analysis.measures
    current_by_key = {measure_key(measure_review_text(m)): m for m in measures}
    old_keys = {measure_key(text) for text in review.measures.values()}

    def current(old_id: str) -> Measure | None:
        text = review.measures.get(old_id)
        return current_by_key.get(measure_key(text)) if text is not None else None

    notes: dict[str, ReviewNote] = {}
    verdicts = []
    for verdict in analysis.machine_verdicts:
        decision = review.decisions.get(verdict.tiltak.id)
        if decision is None or decision.is_empty:
            verdicts.append(verdict)
            continue
        basis = [*review.machine_evidence.get(verdict.tiltak.id, ()), *decision.add]
        gone = [old_id for old_id in basis if current(old_id) is None]
        removed = {m.id for m in (current(i) for i in decision.remove) if m is not None}
        added = [m for m in (current(i) for i in decision.add) if m is not None]
        kept = [e for e in verdict.evidence if e.measure.id not in removed]
        present = {e.measure.id for e in kept}
        kept += [Evidence(m, 0.0, 0.0, 0.0, by_reviewer=True) for m in added if m.id not in present]
        verdicts.append(replace(verdict, status=decision.status or verdict.status, evidence=tuple(kept),
                                decided_by="reviewer" if decision.status else "model"))
        why = f"teksten i {', '.join(gone)} er endret eller borte siden vurderingen" if gone else ""
        notes[verdict.tiltak.id] = ReviewNote(verdict.status, decision.status, decision.reviewer, decision.date,
                                              decision.comment, bool(gone), why)
    new_measures = tuple(m for m in measures if measure_key(measure_review_text(m)) not in old_keys)
    renumbered = any(
        (current(old_id) is None or current(old_id).id != old_id) for old_id in review.measures
    ) or bool(new_measures)
    verdicts = tuple(verdicts)
    matches = measure_matches(measures, verdicts)  # a measure a reviewer made evidence is no longer local
    outcome = ReviewOutcome(notes, new_measures, review.source, renumbered, review.plan)
    return replace(analysis, verdicts=verdicts, matches=matches, review=outcome,
                   summary=summarize(verdicts, matches, analysis.reference))
