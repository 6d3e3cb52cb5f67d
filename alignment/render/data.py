"""The JSON outputs: the same verdicts as the HTML, for other tools.

Key order and number rounding are fixed, and there is no run timestamp, so
the same plan gives byte-identical JSON.
"""

from __future__ import annotations

import json

from ..records import (STATUSES, Analysis, Comparison, Evidence, ExtractionAccount, Measure, MeasureCheck, MeasureMatch,
                       ReviewOutcome, TiltakVerdict)


def analysis_json(analysis: Analysis) -> dict:
    document = analysis.document
    return {
        "plan": {"name": document.name, "source": document.source, "format": document.format},
        "model": analysis.model,
        "summary": {s: getattr(analysis.summary.counts, s) for s in STATUSES} | {"measures": len(analysis.measures)},
        "extraction": extraction_json(analysis.extraction),
        "tiltak": [verdict_json(v, analysis.review) for v in analysis.verdicts],
        "measures": [_measure_json(m, c) for m, c in zip(analysis.matches, analysis.measure_checks)],
        "checklist": [
            {"id": r.item.id, "title": r.item.title, "found": r.found, "signs": list(r.signs_found),
             "lines": [{"line": h.line, "page": h.page, "text": h.text} for h in r.hits]}
            for r in analysis.checklist
        ],
        "review": None if analysis.review is None else {
            "file": analysis.review.source,
            "new_measures": [m.id for m in analysis.review.new_measures],
            "changed_measures": [{"before": old, "id": m.id, "text": m.text} for old, m in analysis.review.changed_measures],
            "removed_measures": list(analysis.review.removed_measures),
            "added_measures": [m.id for m in analysis.review.added],
            "not_measures": [{"text": c.text, "reviewer": c.reviewer, "date": c.date} for c in analysis.review.rejected],
        },
    }


def analysis_json_text(analysis: Analysis) -> str:
    return dumps(analysis_json(analysis))


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def extraction_json(account: ExtractionAccount | None) -> dict | None:
    """How the plan was read: its chapters as measures or background, and the warnings every output repeats."""
    if account is None:
        return None
    return {
        "words": account.words,
        "measure_words": account.measure_words,
        "uncertain": account.uncertain,
        "warnings": [{"code": w.code, "message": w.message} for w in account.warnings],
        "layouts": [{"layout": layout, "measures": count} for layout, count in account.layouts],
        "chapters": [
            {"heading": c.heading, "role": c.role, "line": c.line, "page": c.page, "words": c.words,
             "measures": c.measures, "unread_commitments": c.unread_commitments}
            for c in account.chapters
        ],
    }


def verdict_json(verdict: TiltakVerdict, review: ReviewOutcome | None) -> dict:
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
        "evidence": [_evidence_json(e) for e in verdict.evidence],
        # the machine's evidence a reviewer set aside ("Vurdert og avvist av rådgiver"); no longer the verdict's
        "rejected_evidence": [_evidence_json(e) for e in note.rejected_evidence] if note else [],
    }


def _evidence_json(e: Evidence) -> dict:
    return {"measure_id": e.measure.id, "title": e.measure.title, "text": e.measure.text, "score": e.score,
            "embedding": e.embedding, "lexical": e.lexical, "added_by_reviewer": e.by_reviewer}


def measure_json(m: Measure) -> dict:
    """A measure as the JSON outputs show it (`check` and `extract --json`)."""
    return {
        "id": m.id,
        "section": m.section,
        "title": m.title,
        "text": m.text,
        "ansvar": list(m.ansvar),
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


def comparison_json_text(comparison: Comparison) -> str:
    data = {
        "districts": [
            {"name": d.name, "source": d.analysis.document.source, "report": d.report_file,
             "summary": {s: getattr(d.analysis.summary.counts, s) for s in STATUSES},
             "extraction_warnings": [w.message for w in d.analysis.extraction.warnings]
             if d.analysis.extraction else []}
            for d in comparison.districts
        ],
        "failures": [{"source": f.source, "message": f.message} for f in comparison.failures],
        "tiltak": [
            {"id": t.id, "owner": t.owner,
             "districts": {d.name: {"status": d.verdict(t.id).status, "score": d.verdict(t.id).score}
                           for d in comparison.districts}}
            for t in comparison.reference.tiltak
        ],
    }
    return dumps(data)
