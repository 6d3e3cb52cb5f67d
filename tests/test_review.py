import dataclasses

import pytest
from bs4 import BeautifulSoup

from alignment.check import analyze, extract
from alignment.errors import ReviewError
from alignment.render.data import analysis_json
from alignment.render.html import report_html
from alignment.render.review_file import review_template
from alignment.review import apply_review, load_review

from .conftest import FROGNER


def _ids(analysis):
    return [t.id for t in analysis.reference.tiltak]


def decide(path, tiltak_id, **fields):
    """Fill the reviewer's fields of one tiltak in a review file, as a person would in an editor."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f'  "{tiltak_id}":\n')
    end = text.index('    date: ""\n', start) + len('    date: ""\n')
    block = text[start:end]
    for key, value in fields.items():
        old = next(line for line in block.splitlines() if line.startswith(f"    {key}:"))
        block = block.replace(old, f"    {key}: {value}")
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")


@pytest.fixture
def review(tmp_path, frogner_analysis):
    path = tmp_path / "frogner.review.yaml"
    path.write_text(review_template(frogner_analysis), encoding="utf-8")
    return path


def _reviewed(analysis, path):
    return apply_review(analysis, load_review(path, _ids(analysis)))


def test_an_empty_review_changes_nothing(frogner_analysis, review):
    reviewed = _reviewed(frogner_analysis, review)
    assert reviewed.verdicts == frogner_analysis.verdicts and reviewed.review.notes == {}
    assert not reviewed.review.renumbered and reviewed.review.new_measures == ()


def test_reviewer_verdict_and_comment_show_in_json_and_html(frogner_analysis, review):
    machine = frogner_analysis.verdict("5.3.4 C").status
    new_status = "covered" if machine != "covered" else "missing"
    decide(review, "5.3.4 C", status=new_status, comment='"Les side 12 <b>nøye</b>"', reviewer='"Kari"',
           date='"2026-11-22"')
    reviewed = _reviewed(frogner_analysis, review)
    entry = next(t for t in analysis_json(reviewed)["tiltak"] if t["id"] == "5.3.4 C")
    assert entry["decided_by"] == "reviewer" and entry["status"] == new_status and entry["model_status"] == machine
    assert entry["review"]["comment"] == "Les side 12 <b>nøye</b>" and entry["review"]["reviewer"] == "Kari"
    row = BeautifulSoup(report_html(reviewed), "html.parser").select_one("#tiltak-5-3-4-C")
    assert "Vurdert av Kari, 2026-11-22" in row.get_text()
    assert "Maskinen sa:" in row.get_text()  # they disagree: both are shown
    assert "Les side 12 <b>nøye</b>" in row.get_text() and not row.find("b", string="nøye")


def test_applying_a_review_makes_a_new_analysis_and_leaves_the_old_one(frogner_analysis, review):
    before = frogner_analysis.verdict("5.3.5 B")
    decide(review, "5.3.5 B", status="covered", reviewer='"Kari"')
    reviewed = _reviewed(frogner_analysis, review)
    assert reviewed.verdict("5.3.5 B").status == "covered" and reviewed.verdict("5.3.5 B").decided_by == "reviewer"
    assert frogner_analysis.verdict("5.3.5 B") == before and frogner_analysis.review is None
    assert reviewed.machine_verdicts == frogner_analysis.machine_verdicts
    assert _reviewed(reviewed, review) == reviewed  # a review always starts from the machine's verdicts
    assert reviewed.summary.counts.covered == sum(v.status == "covered" for v in reviewed.verdicts)
    with pytest.raises(dataclasses.FrozenInstanceError):
        reviewed.verdicts = ()


def test_changed_evidence_is_flagged_and_new_measures_listed(frogner_analysis, review, small_matcher, tmp_path):
    target = next(v for v in frogner_analysis.verdicts if v.evidence)
    evidence = target.evidence[0].measure
    decide(review, target.tiltak.id, status="partial", comment='"Sjekket"', reviewer='"Ola"')
    words = evidence.text.split()
    text = FROGNER.read_text(encoding="utf-8")
    first_line = next(line for line in text.splitlines() if line.strip().startswith(" ".join(words[:4])))
    draft = tmp_path / "frogner.txt"
    draft.write_text(text.replace(first_line, first_line + " (revidert)", 1), encoding="utf-8")
    document, measures = extract(draft)
    reviewed = _reviewed(analyze(document, measures, small_matcher, frogner_analysis.reference), review)
    note = reviewed.review.notes[target.tiltak.id]
    assert reviewed.verdict(target.tiltak.id).decided_by == "reviewer" and note.needs_new_look
    assert evidence.id in note.why_new_look
    assert [m.text for m in reviewed.review.new_measures] == [next(
        m.text for m in measures if m.text.startswith(" ".join(words[:4])))]
    html = report_html(reviewed)
    assert "Trenger ny vurdering" in html and "Nye tiltak i planen siden vurderingen" in html
    assert all(not n.needs_new_look for tid, n in reviewed.review.notes.items() if tid != target.tiltak.id)


def test_reviewer_evidence_is_no_longer_a_local_measure(frogner_analysis, review):
    local = frogner_analysis.summary.local_measures[0]
    decide(review, "5.3.5 B", status="partial", evidence=f"[{local.id}]", reviewer='"Kari"')
    reviewed = _reviewed(frogner_analysis, review)
    match = next(m for m in reviewed.matches if m.measure.id == local.id)
    assert [tiltak_id for tiltak_id, _ in match.matches] == ["5.3.5 B"]
    assert local not in reviewed.summary.local_measures
    assert reviewed.verdict("5.3.5 B").evidence[-1].by_reviewer


def test_reviewer_can_remove_the_machines_evidence(frogner_analysis, review):
    verdict = next(v for v in frogner_analysis.verdicts if v.evidence)
    decide(review, verdict.tiltak.id, evidence=f"[-{verdict.evidence[0].measure.id}]")
    reviewed = _reviewed(frogner_analysis, review)
    assert verdict.evidence[0].measure.id not in {e.measure.id for e in reviewed.verdict(verdict.tiltak.id).evidence}
    assert reviewed.verdict(verdict.tiltak.id).decided_by == "model"  # no status: the machine's stands


def test_review_errors_name_the_line(frogner_analysis, review):
    ids = _ids(frogner_analysis)
    text = review.read_text(encoding="utf-8")
    review.write_text(text.replace('  "5.1.1 B":', '  "5.1.1 X":', 1), encoding="utf-8")
    with pytest.raises(ReviewError, match=r"linje \d+: ukjent tiltak '5.1.1 X'"):
        load_review(review, ids)
    review.write_text(text, encoding="utf-8")
    decide(review, "5.1.1 B", status="dekket")
    with pytest.raises(ReviewError, match=r"linje \d+: tiltak '5.1.1 B': status 'dekket' er ukjent"):
        load_review(review, ids)
    review.write_text(text, encoding="utf-8")
    decide(review, "5.1.1 B", evidence="[M99]")
    with pytest.raises(ReviewError, match="ukjent tiltak i planen 'M99'"):
        load_review(review, ids)
    review.write_text(text + "  feil: [\n", encoding="utf-8")
    with pytest.raises(ReviewError, match=r"linje \d+: ugyldig YAML"):
        load_review(review, ids)


def test_review_file_mistakes_a_person_makes(frogner_analysis, review):
    ids = _ids(frogner_analysis)
    text = review.read_text(encoding="utf-8")
    review.write_bytes(text.replace('"5.1.1 A":', '"5.1.1 A": # Ålesund', 1).encode("cp1252", errors="replace"))
    with pytest.raises(ReviewError, match="UTF-8"):
        load_review(review, ids)
    review.write_text(text.replace('  "5.1.1 B":\n', '  "5.1.1 B": covered\n  "5.1.1 Bx":\n', 1), encoding="utf-8")
    with pytest.raises(ReviewError):
        load_review(review, ids)
    review.write_text(text, encoding="utf-8")
    decide(review, "5.1.1 B", evidence="M10")
    with pytest.raises(ReviewError, match="evidence må være en liste"):
        load_review(review, ids)
