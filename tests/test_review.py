import json

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from alignment.cli import main
from alignment.review import ReviewError, load_review
from alignment.reference import load_reference

from .conftest import FROGNER

IDS = [t.id for t in load_reference().tiltak]


def _check(args, small_model):
    return CliRunner().invoke(main, ["check", *map(str, args), "--model", small_model], catch_exceptions=False)


def _decide(path, tiltak_id, **fields):
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
def reviewed(tmp_path, small_model):
    out = tmp_path / "out"
    assert _check([FROGNER, "--out", out], small_model).exit_code == 0
    review = out / "frogner.review.yaml"
    assert review.exists()
    return out, review


def test_check_writes_a_review_template_once(reviewed, small_model):
    out, review = reviewed
    text = review.read_text(encoding="utf-8")
    assert text.startswith("# Vurderingsfil for Bydel Frogner")
    assert all(f'"{tiltak_id}":' in text for tiltak_id in IDS)
    review.write_text(text + "# min merknad\n", encoding="utf-8")
    assert _check([FROGNER, "--out", out], small_model).exit_code == 0
    assert review.read_text(encoding="utf-8").endswith("# min merknad\n")  # never overwritten


def test_reviewer_verdict_and_comment_show_in_json_and_html(reviewed, small_model):
    out, review = reviewed
    data = json.loads((out / "frogner.json").read_text(encoding="utf-8"))
    assert {t["decided_by"] for t in data["tiltak"]} == {"model"}
    machine = next(t for t in data["tiltak"] if t["id"] == "5.3.4 C")["status"]
    new_status = "covered" if machine != "covered" else "missing"
    _decide(review, "5.3.4 C", status=new_status, comment='"Les side 12 <b>nøye</b>"', reviewer='"Kari"', date='"2026-11-22"')
    result = _check([FROGNER, "--out", out, "--review", review], small_model)
    assert result.exit_code == 0 and "1 tiltak avgjort av rådgiver" in result.output
    data = json.loads((out / "frogner.json").read_text(encoding="utf-8"))
    entry = next(t for t in data["tiltak"] if t["id"] == "5.3.4 C")
    assert entry["decided_by"] == "reviewer" and entry["status"] == new_status and entry["model_status"] == machine
    assert entry["review"]["comment"] == "Les side 12 <b>nøye</b>" and entry["review"]["reviewer"] == "Kari"
    soup = BeautifulSoup((out / "frogner.html").read_text(encoding="utf-8"), "html.parser")
    row = soup.select_one("#tiltak-5-3-4-C")
    assert "Vurdert av Kari, 2026-11-22" in row.get_text()
    assert "Maskinen sa:" in row.get_text()  # they disagree: both are shown
    assert "Les side 12 <b>nøye</b>" in row.get_text() and not row.find("b", string="nøye")


def test_changed_evidence_is_flagged_and_new_measures_listed(reviewed, small_model, tmp_path):
    out, review = reviewed
    data = json.loads((out / "frogner.json").read_text(encoding="utf-8"))
    target = next(t for t in data["tiltak"] if t["evidence"])
    evidence_id = target["evidence"][0]["measure_id"]
    evidence_text = target["evidence"][0]["text"]
    _decide(review, target["id"], status="partial", comment='"Sjekket"', reviewer='"Ola"')
    draft = tmp_path / "frogner.txt"
    words = evidence_text.split()
    first_line = next(l for l in FROGNER.read_text(encoding="utf-8").splitlines() if l.strip().startswith(" ".join(words[:4])))
    draft.write_text(FROGNER.read_text(encoding="utf-8").replace(first_line, first_line + " (revidert)", 1), encoding="utf-8")
    result = _check([draft, "--out", out, "--review", review], small_model)
    assert result.exit_code == 0
    data = json.loads((out / "frogner.json").read_text(encoding="utf-8"))
    entry = next(t for t in data["tiltak"] if t["id"] == target["id"])
    assert entry["decided_by"] == "reviewer" and entry["review"]["needs_new_look"]
    assert evidence_id in entry["review"]["why"]
    assert data["review"]["new_measures"]  # the edited measure counts as new
    html = (out / "frogner.html").read_text(encoding="utf-8")
    assert "Trenger ny vurdering" in html and "Nye tiltak i planen siden vurderingen" in html
    untouched = [t for t in data["tiltak"] if t["review"] and t["id"] != target["id"]]
    assert all(not t["review"]["needs_new_look"] for t in untouched)


def test_review_errors_name_the_line(reviewed):
    _, review = reviewed
    text = review.read_text(encoding="utf-8")
    review.write_text(text.replace('  "5.1.1 B":', '  "5.1.1 X":', 1), encoding="utf-8")
    with pytest.raises(ReviewError, match=r"linje \d+: ukjent tiltak '5.1.1 X'"):
        load_review(review, IDS)
    review.write_text(text, encoding="utf-8")
    _decide(review, "5.1.1 B", status="dekket")
    with pytest.raises(ReviewError, match=r"linje \d+: tiltak '5.1.1 B': status 'dekket' er ukjent"):
        load_review(review, IDS)
    review.write_text(text, encoding="utf-8")
    _decide(review, "5.1.1 B", evidence="[M99]")
    with pytest.raises(ReviewError, match="ukjent tiltak i planen 'M99'"):
        load_review(review, IDS)
    review.write_text(text + "  feil: [\n", encoding="utf-8")
    with pytest.raises(ReviewError, match=r"linje \d+: ugyldig YAML"):
        load_review(review, IDS)


def test_bad_review_file_is_one_line_on_the_cli(reviewed, small_model):
    out, review = reviewed
    review.write_text(review.read_text(encoding="utf-8").replace('  "5.1.1 B":', '  "9.9 Z":', 1), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(FROGNER), "--out", str(out), "--model", small_model])
    assert result.exit_code == 8 and result.output.startswith("Feil: ") and "ukjent tiltak '9.9 Z'" in result.output


def test_comparison_uses_reviewed_verdicts(reviewed, small_model):
    out, review = reviewed
    _decide(review, "5.3.5 B", status="covered", reviewer='"Kari"')
    result = CliRunner().invoke(main, ["compare", str(FROGNER), "--out", str(out), "--model", small_model, "--quiet"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    soup = BeautifulSoup((out / "sammenligning.html").read_text(encoding="utf-8"), "html.parser")
    cell = soup.select_one("#rad-5-3-5-B td.cell")
    assert "Dekket" in cell.get_text() and "rådgiver" in cell.get_text()


def test_reviewer_evidence_is_no_longer_a_local_measure(reviewed, small_model):
    out, review = reviewed
    data = json.loads((out / "frogner.json").read_text(encoding="utf-8"))
    local = next(m for m in data["measures"] if not m["matches"])
    _decide(review, "5.3.5 B", status="partial", evidence=f"[{local['id']}]", reviewer='"Kari"')
    assert _check([FROGNER, "--out", out], small_model).exit_code == 0
    data = json.loads((out / "frogner.json").read_text(encoding="utf-8"))
    measure = next(m for m in data["measures"] if m["id"] == local["id"])
    assert [m["tiltak_id"] for m in measure["matches"]] == ["5.3.5 B"]
    soup = BeautifulSoup((out / "frogner.html").read_text(encoding="utf-8"), "html.parser")
    assert local["id"] not in [r.th.get_text() for r in soup.select("table.local tbody tr")]
    assert "lagt til av rådgiver" in soup.select_one("#tiltak-5-3-5-B").get_text()


def test_review_file_mistakes_a_person_makes(reviewed):
    _, review = reviewed
    text = review.read_text(encoding="utf-8")
    review.write_bytes(text.replace('"5.1.1 A":', '"5.1.1 A": # Ålesund', 1).encode("cp1252", errors="replace"))
    with pytest.raises(ReviewError, match="UTF-8"):
        load_review(review, IDS)
    review.write_text(text.replace('  "5.1.1 B":\n', '  "5.1.1 B": covered\n  "5.1.1 Bx":\n', 1), encoding="utf-8")
    with pytest.raises(ReviewError):
        load_review(review, IDS)
    review.write_text(text, encoding="utf-8")
    _decide(review, "5.1.1 B", evidence="M10")
    with pytest.raises(ReviewError, match="evidence må være en liste"):
        load_review(review, IDS)
