import dataclasses

import pytest
from bs4 import BeautifulSoup

from alignment.check import analyze, extract
from alignment.errors import ReviewError
from alignment.render.data import analysis_json
from alignment.render.html import report_html
from alignment.render.review_file import review_file
from alignment.review import apply_review, assessment, load_review

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
    path.write_text(review_file(frogner_analysis), encoding="utf-8")
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
    assert "Vurdert av Kari, 22. november 2026" in row.get_text()  # the date as Norwegian writes it
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
    revised = next(m for m in measures if m.text.startswith(" ".join(words[:4])))
    assert f"{evidence.id} er endret (nå {revised.id})" in note.why_new_look
    assert note.text_changes == ((f"{evidence.title} {evidence.text}".strip(), revised.text),)
    assert reviewed.review.new_measures == ()  # a changed measure is not a new one
    assert [(old, m.id) for old, m in reviewed.review.changed_measures] == [
        (f"{evidence.title} {evidence.text}".strip(), revised.id)]
    assert reviewed.review.removed_measures == ()
    html = report_html(reviewed)
    assert "Trenger ny vurdering" in html and "Endret siden vurderingen" in html and "(revidert)" in html
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


# --- hand-edited and hostile review files ---------------------------------------------------

def test_a_yaml_bomb_is_refused_quickly(frogner_analysis, review):
    from .test_untrusted import BILLION_LAUGHS

    text = review.read_text(encoding="utf-8")
    review.write_text(BILLION_LAUGHS.replace("comment: *i\n", "") + text.replace('comment: ""', "comment: *i", 1),
                      encoding="utf-8")
    with pytest.raises(ReviewError, match=r"linje 2: ugyldig YAML \(anker og alias"):
        load_review(review, _ids(frogner_analysis))


def test_an_oversized_review_file_is_refused(frogner_analysis, review):
    review.write_text("# " + "x" * (3 * 1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="for stor"):
        load_review(review, _ids(frogner_analysis))


SMALL_FILE = ('plan: "p"\nbydel: "Bydel Frogner"\ntiltak:\n  "5.1.1 A":\n    maskin: {status: missing, evidence: []}\n'
              '    status:\n    evidence: []\n    comment: ""\n    reviewer: ""\n    date: ""\n'
              'tiltak_i_planen:\n  M01: "tekst"\n')
ENTRY = SMALL_FILE[SMALL_FILE.index('  "5.1.1 A"'):SMALL_FILE.index("tiltak_i_planen")]


@pytest.mark.parametrize("old, new, message, line", [
    ('  M01: "tekst"', "  - M01", "tiltak_i_planen må ha én linje per tiltak", 12),
    ('comment: ""', "comment: {hva: nå}", "comment må være en tekst", 8),
    ("maskin: {status: missing, evidence: []}", "maskin: dekket", "maskin må være", 5),
    ("evidence: []\n    comment", "evidence: [{M01: 1}]\n    comment", "evidence må være en liste", 7),
    ("    status:\n", "    stauts: covered\n", "ukjent felt 'stauts'", 6),
    (ENTRY, '  "5.1.1 A": [covered]\n', "feltene må stå på egne linjer", 4),
    ('bydel: "Bydel Frogner"', "ekstra: 1", "ukjent felt 'ekstra'", 2),
    (SMALL_FILE[SMALL_FILE.index("tiltak:"):], "tiltak: [1, 2]\n", "mangler 'tiltak:'", 3),
    ("evidence: []\n    comment", "evidence: [M99]\n    comment", "ukjent tiltak i planen 'M99'", 7),
])
def test_every_part_of_the_file_is_checked_with_its_line(frogner_analysis, old, new, message, line):
    from alignment.review import parse_review

    assert old in SMALL_FILE
    assert parse_review(SMALL_FILE, "v.yaml", _ids(frogner_analysis)).decisions["5.1.1 A"].is_empty
    with pytest.raises(ReviewError) as error:
        parse_review(SMALL_FILE.replace(old, new, 1), "v.yaml", _ids(frogner_analysis))
    assert message in str(error.value) and f"v.yaml: linje {line}:" in str(error.value)


def test_a_file_that_is_not_a_mapping(frogner_analysis, review):
    review.write_text("- en\n- liste\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="linje 1: filen må ha feltene"):
        load_review(review, _ids(frogner_analysis))


def test_another_districts_review_is_refused(frogner_analysis, small_matcher, tmp_path):
    from alignment.reference import load_reference

    from .conftest import ALNA

    document, measures = extract(ALNA)
    alna = analyze(document, measures, small_matcher, load_reference())
    alna_review = tmp_path / "alna.review.yaml"
    alna_review.write_text(review_file(alna), encoding="utf-8")
    with pytest.raises(ReviewError, match="gjelder Bydel Alna, ikke Bydel Frogner"):
        _reviewed(frogner_analysis, alna_review)


def test_a_file_name_with_a_line_break_keeps_the_file_valid(frogner_analysis, tmp_path):
    from alignment.records import Document

    document = Document("plan\nny", "/tmp/plan\nny\u2028linje.txt", "txt", frogner_analysis.document.lines)
    analysis = analyze(document, frogner_analysis.measures, _matcher_of(frogner_analysis), frogner_analysis.reference)
    path = tmp_path / "plan.review.yaml"
    path.write_text(review_file(analysis), encoding="utf-8")
    review = load_review(path, _ids(analysis))
    assert review.plan == "/tmp/plan\nny\u2028linje.txt"
    assert path.read_text(encoding="utf-8").splitlines()[1] == "# Plan: /tmp/plan\\u000any\\u2028linje.txt"


def _matcher_of(analysis):
    from alignment.match import Matcher

    from .fakes import KeywordEmbedder

    return Matcher(KeywordEmbedder()).fit(analysis.reference.tiltak)


def test_decisions_follow_their_text_into_a_new_draft_and_keep_their_flag(frogner_analysis, small_matcher, tmp_path):
    from alignment.records import Decision
    from alignment.review import empty_review, rebase_review, with_decision

    target = next(v for v in frogner_analysis.verdicts if v.evidence)
    extra = frogner_analysis.summary.local_measures[0]
    review = with_decision(empty_review(frogner_analysis, "frogner.review.yaml"),
                           Decision(target.tiltak.id, "partial", add=(extra.id,), comment="sjekket", reviewer="Ola"))
    text = FROGNER.read_text(encoding="utf-8")
    changed = target.evidence[0].measure.text.split()[:4]
    first_line = next(line for line in text.splitlines() if line.strip().startswith(" ".join(changed)))
    draft = tmp_path / "frogner.txt"
    draft.write_text("Nytt innledende avsnitt.\n\n" + text.replace(first_line, first_line + " (revidert)", 1),
                     encoding="utf-8")
    document, measures = extract(draft)
    newer = analyze(document, measures, small_matcher, frogner_analysis.reference)
    rebased = rebase_review(review, newer)
    decision = rebased.decisions[target.tiltak.id]
    assert decision.status == "partial" and decision.comment == "sjekket"
    assert [rebased.measures[m] for m in decision.add] == [f"{extra.title} {extra.text}".strip()]
    assert "er endret (nå" in decision.stale
    path = tmp_path / "frogner.review.yaml"
    path.write_text(review_file(newer, rebased), encoding="utf-8")
    reread = load_review(path, _ids(newer))
    assert {k: d for k, d in reread.decisions.items() if not d.is_empty} == rebased.decisions
    note = apply_review(newer, reread).review.notes[target.tiltak.id]
    assert note.needs_new_look and note.why_new_look == decision.stale
    cleared = with_decision(reread, reread.decisions[target.tiltak.id])
    assert not apply_review(newer, cleared).review.notes[target.tiltak.id].needs_new_look


def test_assessment_names_who_decided_and_when(frogner_analysis, review):
    assert assessment(frogner_analysis) == assessment(_reviewed(frogner_analysis, review))
    unreviewed = assessment(frogner_analysis)
    assert (unreviewed.reviewers, unreviewed.date, unreviewed.decided, unreviewed.reviewed) == ((), "", 0, False)
    decide(review, "5.1.1 A", status="covered", reviewer='"Kari"', date='"2026-11-30"')
    decide(review, "5.1.1 B", comment='"Se på dette."', reviewer='"Ola"', date='"2026-12-02"')
    decide(review, "5.1.1 C", status="partial", reviewer='"Kari"')
    who = assessment(_reviewed(frogner_analysis, review))
    assert who.reviewers == ("Kari", "Ola") and who.date == "2026-12-02"
    assert (who.decided, who.total, who.reviewed, who.complete) == (2, 36, True, False)


# --- corrections of the extraction: passages an advisor adds as measures, finds an advisor refuses ------------

def test_corrections_round_trip_through_the_review_file(frogner_analysis, tmp_path):
    from alignment.records import MeasureCorrection
    from alignment.review import empty_review, with_added_measure, with_rejected_measure

    review = empty_review(frogner_analysis, "frogner.review.yaml")
    review = with_added_measure(review, MeasureCorrection('Bydelen vil "tilby" kurs\nfor foreldre.', "Kari", "2026-12-06"))
    review = with_rejected_measure(review, MeasureCorrection(frogner_analysis.measures[0].text, "Ola", "2026-12-07"))
    path = tmp_path / "frogner.review.yaml"
    path.write_text(review_file(frogner_analysis, review), encoding="utf-8")
    reread = load_review(path, _ids(frogner_analysis))
    assert reread.added == review.added and reread.rejected == review.rejected


def test_a_check_with_corrections_matches_the_corrected_measures(small_matcher, tmp_path):
    from alignment.check import check_plan
    from alignment.reference import load_reference
    from alignment.records import MeasureCorrection
    from alignment.review import empty_review, with_added_measure, with_rejected_measure
    from alignment.segment.corrections import ADDED_LAYOUT

    reference = load_reference()
    plain = check_plan(FROGNER, reference=reference, matcher=small_matcher)
    refused = plain.measures[3]
    passage = next(line.text.strip() for line in plain.document.lines if "Kastanjen" in line.text and len(line.text) > 40)
    review = with_added_measure(empty_review(plain, "r.yaml"), MeasureCorrection(passage, "Kari", "2026-12-06"))
    review = with_rejected_measure(review, MeasureCorrection(refused.text, "Kari", "2026-12-06"))
    path = tmp_path / "frogner.review.yaml"
    path.write_text(review_file(plain, review), encoding="utf-8")
    corrected = check_plan(FROGNER, reference=reference, matcher=small_matcher, review=path)
    assert len(corrected.measures) == len(plain.measures)  # one in, one out
    assert refused.text not in {m.text for m in corrected.measures}
    [added] = [m for m in corrected.measures if m.layout == ADDED_LAYOUT]
    assert added.text == " ".join(passage.split()) and added.line is not None
    assert corrected.review.added == (added,) and corrected.review.rejected[0].text == refused.text
    data = analysis_json(corrected)
    assert data["review"]["added_measures"] == [added.id]
    assert data["review"]["not_measures"][0]["reviewer"] == "Kari"
    html = BeautifulSoup(report_html(corrected), "html.parser")
    assert "lagt til av rådgiver" in html.select_one("#lesing").get_text()


def test_correction_lists_in_a_review_file_are_checked_with_their_line(frogner_analysis, review):
    text = review.read_text(encoding="utf-8").replace("tiltak_lagt_til: []", "tiltak_lagt_til:\n  - tekst: x")
    review.write_text(text, encoding="utf-8")
    with pytest.raises(ReviewError, match=r"linje \d+: tiltak_lagt_til må være en liste"):
        load_review(review, _ids(frogner_analysis))


def test_mangler_sets_the_machines_evidence_aside_as_rejected(frogner_analysis, review):
    machine = next(v for v in frogner_analysis.verdicts if len(v.evidence) >= 2)
    machine_ids = [e.measure.id for e in machine.evidence]
    local = frogner_analysis.summary.local_measures[0]
    decide(review, machine.tiltak.id, status="missing", evidence=f"[{local.id}]", reviewer='"Kari"')
    reviewed = _reviewed(frogner_analysis, review)
    verdict = reviewed.verdict(machine.tiltak.id)
    note = reviewed.review.notes[machine.tiltak.id]
    assert verdict.status == "missing" and [e.measure.id for e in verdict.evidence] == [local.id]  # added: stays
    assert verdict.evidence[0].by_reviewer
    assert [e.measure.id for e in note.rejected_evidence] == machine_ids
    for match in reviewed.matches:  # the rejected measures are no longer this tiltak's evidence anywhere
        assert machine.tiltak.id not in {t for t, _ in match.matches} or match.measure.id == local.id
    entry = next(t for t in analysis_json(reviewed)["tiltak"] if t["id"] == machine.tiltak.id)
    assert [e["measure_id"] for e in entry["evidence"]] == [local.id]
    assert [e["measure_id"] for e in entry["rejected_evidence"]] == machine_ids
    assert all(not t["rejected_evidence"] for t in analysis_json(reviewed)["tiltak"] if t["id"] != machine.tiltak.id)
    row = BeautifulSoup(report_html(reviewed), "html.parser").select_one(f"#tiltak-{machine.tiltak.id.replace('.', '-').replace(' ', '-')}")
    assert row.select_one(".badge").get_text(strip=True) == "Mangler"
    first, rejected = row.select("details.evidence-box")
    assert first.summary.get_text(strip=True) == "1 tiltak i planen (lagt til av rådgiver)"
    assert rejected.summary.get_text(strip=True) == f"Vurdert og avvist av rådgiver: {len(machine_ids)} tiltak i planen"
    assert [p.get_text().split(" ·")[0] for p in rejected.select(".evidence p.small")] == machine_ids


def test_mangler_alone_leaves_no_evidence_beside_the_verdict(frogner_analysis, review):
    machine = next(v for v in frogner_analysis.verdicts if v.status != "missing" and v.evidence)
    decide(review, machine.tiltak.id, status="missing", reviewer='"Kari"')
    reviewed = _reviewed(frogner_analysis, review)
    assert reviewed.verdict(machine.tiltak.id).evidence == ()
    row = BeautifulSoup(report_html(reviewed), "html.parser").select_one(f"#tiltak-{machine.tiltak.id.replace('.', '-').replace(' ', '-')}")
    assert "tiltak i planen (" not in row.get_text() and "Vurdert og avvist av rådgiver" in row.get_text()
    assert "Ingen tiltak i planen svarer til dette." not in row.get_text()
    assert _reviewed(reviewed, review) == reviewed  # still starts from the machine's verdicts


def test_evidence_a_reviewer_removes_is_shown_as_rejected(frogner_analysis, review):
    verdict = next(v for v in frogner_analysis.verdicts if v.evidence)
    decide(review, verdict.tiltak.id, evidence=f"[-{verdict.evidence[0].measure.id}]")
    reviewed = _reviewed(frogner_analysis, review)
    note = reviewed.review.notes[verdict.tiltak.id]
    assert [e.measure.id for e in note.rejected_evidence] == [verdict.evidence[0].measure.id]
    kept = [e.measure.id for e in reviewed.verdict(verdict.tiltak.id).evidence]
    assert kept == [e.measure.id for e in verdict.evidence[1:]]
