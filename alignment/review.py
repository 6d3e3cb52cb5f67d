"""An advisor's review of the machine's verdicts: read a review file, apply it to an analysis.

KoRus advisors will not send a district a report that a machine alone
decided. The review file (written by `render.review_file`, edited by hand or
by the workbench) holds per tiltak the machine's status and evidence, and
the reviewer's decision. Applying it makes the reviewer's word the verdict,
keeps the machine's beside it, and survives a new draft: decisions are tied
to the text of the measures they rest on, not to measure numbers, so a
decision whose evidence changed or vanished is kept but flagged for a new look.

Review files are edited by hand and uploaded, so every part of one is
checked, with the line, before any of it is used.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml

from .analysis import summarize
from .errors import ReviewError
from .match import measure_matches
from .records import (STATUSES, Analysis, Assessment, Decision, Evidence, Measure, MeasureCorrection, Review,
                      ReviewNote, ReviewOutcome)
from .segment.corrections import ADDED_LAYOUT, correction_key
from .textnorm import fold
from .untrusted import load_yaml, read_named_file

MAX_REVIEW_BYTES = 2 * 1024 * 1024
MAX_FIELD_CHARS = 5000
TOP_LEVEL = ("plan", "bydel", "tiltak", "nye_tiltak", "endrede_tiltak", "fjernede_tiltak", "tiltak_lagt_til",
             "ikke_tiltak", "tiltak_i_planen")
CORRECTION_FIELDS = ("text", "reviewer", "date")
FIELDS = ("maskin", "status", "evidence", "comment", "reviewer", "date", "ny_vurdering")
TEXT_FIELDS = ("comment", "reviewer", "date", "ny_vurdering")
# Share of a review's measures that must still be in the plan when the file names another district.
MIN_SHARED_MEASURES = 0.2


def measure_key(text: str) -> str:
    """A measure's identity across drafts: its text, ignoring case, accents and spacing."""
    return fold(text)


def measure_review_text(measure: Measure) -> str:
    """A measure as the review file records it: goal title and text."""
    return f"{measure.title} {measure.text}".strip()


def load_review(path: str | Path, tiltak_ids: list[str]) -> Review:
    """Read and check a review file; every problem names the line."""
    path = Path(path)
    data = read_named_file(path, MAX_REVIEW_BYTES, "vurderingsfilen", ReviewError,
                           "Oppgi vurderingsfilen (.review.yaml).")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReviewError(f"{path}: er ikke lagret som UTF-8. Lagre filen som UTF-8 i redigeringsprogrammet.") from exc
    return parse_review(text, str(path), tiltak_ids)


def parse_review(text: str, source: str, tiltak_ids: list[str]) -> Review:
    if len(text.encode("utf-8")) > MAX_REVIEW_BYTES:
        raise ReviewError(f"{source}: vurderingsfilen er for stor (grensen er {MAX_REVIEW_BYTES // (1024 * 1024)} MB).")
    try:
        data, root = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"linje {mark.line + 1}: " if mark else ""
        raise ReviewError(f"{source}: {where}ugyldig YAML ({getattr(exc, 'problem', None) or exc}). "
                          "Rett filen og prøv igjen.") from exc
    return _ReviewReader(source, root, set(tiltak_ids)).read(data)


class _ReviewReader:
    """Checks a parsed review file part by part; each failure names the line it is on."""

    def __init__(self, source: str, root, known: set[str]) -> None:
        self.source = source
        self.root = root
        self.known = known

    def fail(self, node, message: str) -> ReviewError:
        line = f"linje {node.start_mark.line + 1}: " if node is not None else ""
        return ReviewError(f"{self.source}: {line}{message}")

    def read(self, data) -> Review:
        if not isinstance(data, dict):
            raise self.fail(self.root, "filen må ha feltene plan, tiltak og tiltak_i_planen. Slett filen og kjør "
                                       "check på nytt for en ny mal.")
        nodes = _children(self.root)
        for key in data:
            if str(key) not in TOP_LEVEL:
                raise self.fail(nodes.get(str(key), (None,))[0], f"ukjent felt '{key}' (bruk {', '.join(TOP_LEVEL)}).")
        if not isinstance(data.get("tiltak"), dict):
            raise self.fail(nodes.get("tiltak", (self.root,))[-1], "mangler 'tiltak:' med ett avsnitt per tiltak. "
                                                                    "Slett filen og kjør check på nytt for en ny mal.")
        measures = self._measures(data.get("tiltak_i_planen"), nodes.get("tiltak_i_planen", (None, None))[1])
        machine: dict[str, tuple[str, ...]] = {}
        decisions: dict[str, Decision] = {}
        entries = _children(nodes["tiltak"][1])
        for tiltak_id, entry in data["tiltak"].items():
            key_node, value_node = entries.get(str(tiltak_id), (None, None))
            tiltak_id = str(tiltak_id)
            if tiltak_id not in self.known:
                raise self.fail(key_node, f"ukjent tiltak '{tiltak_id}'.")
            machine[tiltak_id], decisions[tiltak_id] = self._entry(tiltak_id, entry, key_node, value_node, measures)
        return Review(self.source, self._text(data.get("plan"), nodes.get("plan", (None,))[0], "plan"),
                      self._text(data.get("bydel"), nodes.get("bydel", (None,))[0], "bydel"),
                      machine, measures, decisions,
                      self._new_measures(data.get("nye_tiltak"), nodes.get("nye_tiltak", (None, None))[1], measures),
                      self._corrections(data, nodes, "tiltak_lagt_til"), self._corrections(data, nodes, "ikke_tiltak"),
                      self._changed(data, nodes, measures), self._removed(data, nodes))

    def _changed(self, data, nodes, measures: dict[str, str]) -> tuple[tuple[str, str], ...]:
        """`endrede_tiltak`: what measures of the draft reviewed before became, as {M07: "text then"}."""
        raw, node = data.get("endrede_tiltak"), nodes.get("endrede_tiltak", (None, None))[1]
        if raw is None:
            return ()
        if not isinstance(raw, dict) or not all(str(k) in measures and isinstance(v, str) for k, v in raw.items()):
            raise self.fail(node, 'endrede_tiltak må ha én linje per tiltak, M07: "teksten før".')
        return tuple((text, str(measure_id)) for measure_id, text in raw.items())

    def _removed(self, data, nodes) -> tuple[str, ...]:
        raw, node = data.get("fjernede_tiltak"), nodes.get("fjernede_tiltak", (None, None))[1]
        if raw is None:
            return ()
        if not isinstance(raw, list) or not all(isinstance(text, str) for text in raw):
            raise self.fail(node, "fjernede_tiltak må være en liste av tekster.")
        return tuple(raw)

    def _corrections(self, data, nodes, key: str) -> tuple[MeasureCorrection, ...]:
        """`tiltak_lagt_til` / `ikke_tiltak`: a list of {text, reviewer, date}, each text a passage of the plan."""
        raw, node = data.get(key), nodes.get(key, (None, None))[1]
        if raw is None:
            return ()
        example = f'{key} må være en liste, f.eks.:\n  - text: "Bydelen vil …"\n    reviewer: "Kari"'
        if not isinstance(raw, list):
            raise self.fail(node, example)
        items = node.value if isinstance(node, yaml.SequenceNode) else [node] * len(raw)
        corrections = []
        for item, item_node in zip(raw, items):
            if not isinstance(item, dict) or any(str(name) not in CORRECTION_FIELDS for name in item):
                raise self.fail(item_node, example)
            fields = _children(item_node)
            texts = {name: self._text(item.get(name), fields.get(name, (item_node, item_node))[1], f"{key}: {name}")
                     for name in CORRECTION_FIELDS}
            if not texts["text"].strip():
                raise self.fail(item_node, f"{key}: hvert punkt må ha en text med teksten fra planen.")
            corrections.append(MeasureCorrection(texts["text"].strip(), texts["reviewer"], texts["date"]))
        return tuple(corrections)

    def _new_measures(self, raw, node, measures: dict[str, str]) -> tuple[str, ...]:
        if raw is None:
            return ()
        if not _scalar_list(raw) or any(str(m) not in measures for m in raw):
            raise self.fail(node, "nye_tiltak må være en liste av tiltak under tiltak_i_planen, f.eks. [M12, M30].")
        return tuple(str(m) for m in raw)

    def _measures(self, raw, node) -> dict[str, str]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            raise self.fail(node, "tiltak_i_planen må ha én linje per tiltak i planen, på formen M07: \"tekst\" "
                                  "(uten «-» foran).")
        children = _children(node)
        measures = {}
        for key, value in raw.items():
            if not isinstance(key, (str, int)) or not isinstance(value, (str, int, float)):
                raise self.fail(children.get(str(key), (node,))[0],
                                f"tiltak_i_planen: '{key}' må ha en tekst, f.eks. M07: \"Kurs for foreldre\".")
            measures[str(key)] = str(value)
        return measures

    def _entry(self, tiltak_id: str, entry, key_node, value_node, measures: dict[str, str]):
        where = f"tiltak '{tiltak_id}'"
        if entry is None:
            return (), Decision(tiltak_id)
        if not isinstance(entry, dict):
            raise self.fail(key_node, f"{where}: feltene må stå på egne linjer under tiltaket (status:, comment: ...).")
        fields = _children(value_node)
        for name in entry:
            if str(name) not in FIELDS:
                raise self.fail(fields.get(str(name), (key_node,))[0],
                                f"{where}: ukjent felt '{name}' (bruk {', '.join(FIELDS[1:6])}).")

        def node_of(name):
            return fields.get(name, (key_node, key_node))[1]

        machine = entry.get("maskin") or {}
        machine_evidence = machine.get("evidence") if isinstance(machine, dict) else None
        if not isinstance(machine, dict) or not _scalar_list(machine_evidence or []):
            raise self.fail(node_of("maskin"), f"{where}: maskin må være {{status: ..., evidence: [M01, ...]}} "
                                               "som da filen ble laget.")
        status = entry.get("status")
        if status not in (None, "") and (not isinstance(status, str) or status not in STATUSES):
            raise self.fail(node_of("status"), f"{where}: status '{status}' er ukjent (bruk covered, partial eller missing).")
        evidence = entry.get("evidence") or []
        if not isinstance(evidence, list) or not _scalar_list(evidence):
            raise self.fail(node_of("evidence"), f"{where}: evidence må være en liste, f.eks. [M07, -M03].")
        add: list[str] = []
        remove: list[str] = []
        for item in evidence:
            item = str(item).strip()
            measure_id = item.lstrip("+-").strip()
            if measure_id not in measures:
                raise self.fail(node_of("evidence"), f"{where}: ukjent tiltak i planen '{measure_id}'.")
            (remove if item.startswith("-") else add).append(measure_id)
        texts = {name: self._text(entry.get(name), node_of(name), f"{where}: {name}") for name in TEXT_FIELDS}
        decision = Decision(tiltak_id, status or None, tuple(add), tuple(remove), texts["comment"], texts["reviewer"],
                            texts["date"], texts["ny_vurdering"])
        return tuple(str(m) for m in machine_evidence or []), decision

    def _text(self, value, node, where: str) -> str:
        if value is None:
            return ""
        if isinstance(value, (dict, list)):
            raise self.fail(node, f"{where} må være en tekst, ikke en liste eller ordbok.")
        text = str(value)
        if len(text) > MAX_FIELD_CHARS:
            raise self.fail(node, f"{where} er for lang (over {MAX_FIELD_CHARS} tegn).")
        return text


def _children(node) -> dict[str, tuple]:
    """(key node, value node) per key of a mapping node."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): (key, value) for key, value in node.value}


def _scalar_list(items) -> bool:
    return isinstance(items, list) and all(isinstance(item, (str, int)) for item in items)


def check_review_fits(review: Review, analysis: Analysis) -> None:
    """Refuse another plan's review file: it names another district and shares almost no measures."""
    if not review.district or review.district == analysis.plan.title or not review.measures:
        return
    current = {measure_key(measure_review_text(m)) for m in analysis.measures}
    shared = sum(measure_key(text) in current for text in review.measures.values()) / len(review.measures)
    if shared < MIN_SHARED_MEASURES:
        raise ReviewError(f"{review.source}: vurderingsfilen gjelder {review.district}, ikke {analysis.plan.title}. "
                          "Bruk vurderingsfilen for denne planen, eller flytt denne bort for å få en ny.")


SAME_MEASURE_SHARE = 0.5  # of the content words two texts share, for the newer to count as the older one changed


def draft_successors(old_texts: dict[str, str], old_key: dict[str, str], measures: tuple[Measure, ...],
                     keys: dict[str, str]) -> dict[str, Measure | None]:
    """For each measure of the reviewed draft whose text is not in this one: what it became, or None if it is gone.

    A measure of this draft that is new by its exact text, but shares most of its words with a vanished one, is that
    one changed; so a new draft names what was changed, what was removed and what is really new.
    """
    present = set(keys.values())
    vanished = [old_id for old_id, key in old_key.items() if key not in present]
    old_keys = set(old_key.values())
    fresh = [m for m in measures if keys[m.id] not in old_keys]
    words = {m.id: _content_words(measure_review_text(m)) for m in fresh}
    successor: dict[str, Measure | None] = {}
    taken: set[str] = set()
    for old_id in vanished:
        before = _content_words(old_texts[old_id])
        best, share = None, 0.0
        for measure in fresh:
            if measure.id in taken or not before or not words[measure.id]:
                continue
            common = len(before & words[measure.id]) / max(len(before), len(words[measure.id]))
            if common > share:
                best, share = measure, common
        successor[old_id] = best if share >= SAME_MEASURE_SHARE else None
        if successor[old_id] is not None:
            taken.add(best.id)
    return successor


def _content_words(text: str) -> set[str]:
    return {w for w in fold(text).split() if len(w) > 3}


def _why_new_look(gone: list[str], successor: dict[str, Measure | None]) -> str:
    parts = []
    for old_id in dict.fromkeys(gone):
        now = successor.get(old_id)
        parts.append(f"{old_id} er endret (nå {now.id})" if now is not None else f"{old_id} er tatt ut av planen")
    return "teksten i belegget er endret siden vurderingen: " + "; ".join(parts)


def apply_review(analysis: Analysis, review: Review) -> Analysis:
    """A new analysis in which the reviewer's decisions are the verdicts; the machine's stay beside them.

    Always starts from the machine's verdicts, so applying a review twice gives the same analysis.
    """
    check_review_fits(review, analysis)
    measures = analysis.measures
    keys = {m.id: measure_key(measure_review_text(m)) for m in measures}
    current_by_key = {keys[m.id]: m for m in measures}
    old_key = {old_id: measure_key(text) for old_id, text in review.measures.items()}
    old_keys = set(old_key.values())

    def current(old_id: str) -> Measure | None:
        return current_by_key.get(old_key[old_id]) if old_id in old_key else None

    successor = draft_successors(review.measures, old_key, measures, keys)

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
        explicit = {m.id for m in added}
        # "Mangler" rejects what the machine found (evidence beside a missing verdict would contradict it);
        # the rejected evidence stays on the note, shown as the reviewer's, and what the reviewer added stays.
        setting_aside = {e.measure.id for e in verdict.evidence} - explicit if decision.status == "missing" else removed
        kept = [e for e in verdict.evidence if e.measure.id not in setting_aside]
        rejected = tuple(e for e in verdict.evidence if e.measure.id in setting_aside)
        present = {e.measure.id for e in kept}
        kept += [Evidence(m, 0.0, 0.0, 0.0, by_reviewer=True) for m in added if m.id not in present]
        verdicts.append(replace(verdict, status=decision.status or verdict.status, evidence=tuple(kept),
                                decided_by="reviewer" if decision.status else "model"))
        changes = tuple((review.measures[old_id], successor[old_id].text if successor.get(old_id) else "")
                        for old_id in dict.fromkeys(gone))
        if not changes and decision.stale:  # carried from the draft before: the file keeps what changed
            shown = {e.measure.id for e in verdict.evidence} | {m.id for m in added}
            by_id = {m.id: m for m in measures}
            changes = tuple((old, by_id[new_id].text) for old, new_id in review.changed
                            if new_id in shown and new_id in by_id)
        why = _why_new_look(gone, successor) if gone else decision.stale
        notes[verdict.tiltak.id] = ReviewNote(verdict.status, decision.status, decision.reviewer, decision.date,
                                              decision.comment, bool(why), why, rejected, changes)
    carried = {old_key[m] for m in review.new_measures}
    became = {m.id for m in successor.values() if m is not None}
    new_measures = tuple(m for m in measures
                         if (keys[m.id] not in old_keys or keys[m.id] in carried) and m.id not in became)
    changed_measures = tuple((review.measures[old_id], m) for old_id, m in successor.items() if m is not None)
    removed_measures = tuple(review.measures[old_id] for old_id, m in successor.items() if m is None)
    if not successor:  # the file was already moved to this draft: it says what changed from the one before
        by_id = {m.id: m for m in measures}
        changed_measures = tuple((old, by_id[new_id]) for old, new_id in review.changed if new_id in by_id)
        removed_measures = review.removed
    renumbered = any(
        (current(old_id) is None or current(old_id).id != old_id) for old_id in review.measures
    ) or bool(new_measures)
    verdicts = tuple(verdicts)
    matches = measure_matches(measures, verdicts)  # a measure a reviewer made evidence is no longer local
    outcome = ReviewOutcome(notes, new_measures, review.source, renumbered, review.plan,
                            tuple(m for m in measures if m.layout == ADDED_LAYOUT), review.rejected,
                            changed_measures, removed_measures)
    return replace(analysis, verdicts=verdicts, matches=matches, review=outcome,
                   summary=summarize(verdicts, matches, analysis.reference))


def rebase_review(review: Review, analysis: Analysis) -> Review:
    """The same decisions in terms of `analysis` (a newer draft): its machine evidence and measure numbers.

    Evidence the reviewer added or removed follows its text to the new numbers
    (and is dropped where the text is gone); a decision that needs a new look
    keeps saying why, and the measures new in this draft stay listed, so
    writing the file for the new draft loses nothing.
    """
    check_review_fits(review, analysis)
    by_key = {measure_key(measure_review_text(m)): m.id for m in analysis.measures}
    reviewed = apply_review(analysis, review)

    def moved(old_ids: tuple[str, ...]) -> tuple[str, ...]:
        found = (by_key.get(measure_key(review.measures.get(old_id, ""))) for old_id in old_ids)
        return tuple(dict.fromkeys(new_id for new_id in found if new_id))

    decisions = {}
    for tiltak_id, decision in review.decisions.items():
        note = reviewed.review.notes.get(tiltak_id)
        decisions[tiltak_id] = replace(decision, add=moved(decision.add), remove=moved(decision.remove),
                                       stale=note.why_new_look if note else decision.stale)
    return Review(review.source, analysis.plan.source, analysis.plan.title,
                  {v.tiltak.id: tuple(e.measure.id for e in v.evidence) for v in analysis.machine_verdicts},
                  {m.id: measure_review_text(m) for m in analysis.measures}, decisions,
                  tuple(m.id for m in reviewed.review.new_measures) if review.measures else (),
                  review.added, review.rejected,
                  tuple((old, m.id) for old, m in reviewed.review.changed_measures),
                  reviewed.review.removed_measures)


def assessment(analysis: Analysis) -> Assessment:
    """Who decided what: the advisors named on decisions or comments, and the latest date they give."""
    notes = analysis.review.notes.values() if analysis.review else ()
    spoken = [note for note in notes if note.status or note.comment]
    reviewers = tuple(dict.fromkeys(note.reviewer.strip() for note in spoken if note.reviewer.strip()))
    dates = sorted(note.date.strip() for note in spoken if note.date.strip())
    decided = sum(verdict.decided_by == "reviewer" for verdict in analysis.verdicts)
    return Assessment(reviewers, dates[-1] if dates else "", decided, len(analysis.verdicts))


def empty_review(analysis: Analysis, source: str) -> Review:
    """A review of `analysis` with nothing decided yet (what a new review file holds)."""
    return rebase_review(Review(source, analysis.plan.source, analysis.plan.title), analysis)


def with_decision(review: Review, decision: Decision) -> Review:
    """The review with one tiltak's decision replaced; saving it means the reviewer has looked again."""
    return replace(review, decisions={**review.decisions, decision.tiltak_id: replace(decision, stale="")})


def with_added_measure(review: Review, correction: MeasureCorrection) -> Review:
    """The review with a passage of the plan made a measure (and no longer refused, if it was)."""
    key = correction_key(correction.text)
    return replace(review, added=(*(c for c in review.added if correction_key(c.text) != key), correction),
                   rejected=tuple(c for c in review.rejected if correction_key(c.text) != key))


def with_rejected_measure(review: Review, correction: MeasureCorrection) -> Review:
    """The review with a find of the readers marked as no measure (and no longer added, if an advisor had)."""
    key = correction_key(correction.text)
    return replace(review, rejected=(*(c for c in review.rejected if correction_key(c.text) != key), correction),
                   added=tuple(c for c in review.added if correction_key(c.text) != key))


def without_correction(review: Review, text: str) -> Review:
    """The review with an advisor's correction of this passage taken back."""
    key = correction_key(text)
    return replace(review, added=tuple(c for c in review.added if correction_key(c.text) != key),
                   rejected=tuple(c for c in review.rejected if correction_key(c.text) != key))
