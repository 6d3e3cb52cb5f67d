import pytest

from alignment import output
from alignment.errors import OutputError
from alignment.output import write_atomic, write_comparison, write_report, write_review_template
from alignment.records import Measure

from .fakes import keyword_analysis


@pytest.fixture(scope="module")
def analysis():
    return keyword_analysis([Measure("M01", "", "", "Tilby HAP til unge"), Measure("M02", "", "", "Sommerfest")])


def test_write_report_writes_whole_files_and_no_temp_files(analysis, tmp_path):
    paths = write_report(analysis, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.html", "plan.json"]
    assert all(p.read_text(encoding="utf-8") for p in paths)
    assert write_report(analysis, tmp_path / "a", ("json",), stem="frogner-2") == [tmp_path / "a" / "frogner-2.json"]


def test_failed_write_keeps_the_previous_report(analysis, tmp_path, monkeypatch):
    write_report(analysis, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full_disk)
    with pytest.raises(OutputError, match="den forrige er urørt"):
        write_report(analysis, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_interrupt_leaves_the_previous_file_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "rapport.html"
    write_atomic(target, "før")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "etter")
    assert target.read_text(encoding="utf-8") == "før" and [p.name for p in tmp_path.iterdir()] == ["rapport.html"]


def test_a_reviewers_file_is_never_overwritten(analysis, tmp_path):
    path = write_review_template(analysis, tmp_path)
    assert path == tmp_path / "plan.review.yaml"
    path.write_text("# min vurdering\n", encoding="utf-8")
    assert write_review_template(analysis, tmp_path) is None
    assert path.read_text(encoding="utf-8") == "# min vurdering\n"


def test_comparison_writes_each_plan_and_the_matrix(analysis, tmp_path):
    from alignment.compare import build_comparison

    comparison = build_comparison([analysis, analysis], ["a", "b"], [], analysis.reference)
    names = sorted(p.name for p in write_comparison(comparison, tmp_path))
    assert names == sorted(["a.html", "a.json", "a.review.yaml", "b.html", "b.json", "b.review.yaml",
                            "sammenligning.html", "sammenligning.csv", "sammenligning.xlsx", "sammenligning.json"])
    assert [p.name for p in write_comparison(comparison, tmp_path / "csv", ("csv",))] == ["sammenligning.csv"]


def test_nothing_is_written_when_no_plan_could_be_read(analysis, tmp_path):
    from alignment.compare import build_comparison
    from alignment.errors import InputError

    with pytest.raises(InputError, match="ingenting er skrevet"):
        write_comparison(build_comparison([], [], [], analysis.reference), tmp_path / "out")
    assert not (tmp_path / "out").exists()
