import pytest

from alignment import output
from alignment.errors import OutputError
from alignment.output import write_comparison, write_files, write_report, write_review_template
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
    with pytest.raises(OutputError, match="de forrige er urørt"):
        write_report(analysis, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_interrupt_leaves_the_previous_file_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "rapport.html"
    write_files({target: "før"})

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_files({target: "etter"})
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


def test_a_report_is_written_whole_or_not_at_all(analysis, tmp_path, monkeypatch):
    synced = []

    def disk_full_on_the_second_file(fd):
        synced.append(fd)
        if len(synced) == 2:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", disk_full_on_the_second_file)
    with pytest.raises(OutputError, match=r"\(disken er full\); ingenting er skrevet"):
        write_report(analysis, tmp_path)
    assert list(tmp_path.iterdir()) == []  # neither the HTML nor the JSON, nor a temporary file


def test_a_read_only_folder_is_said_in_norwegian(analysis, tmp_path, monkeypatch):
    def read_only(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(output.tempfile, "mkstemp", read_only)
    with pytest.raises(OutputError, match="filsystemet er skrivebeskyttet") as error:
        write_report(analysis, tmp_path / "ut")
    assert "Read-only" not in str(error.value)


def test_two_writers_of_a_file_written_once_never_fail(analysis, tmp_path):
    import threading

    from alignment.output import write_once

    for attempt in range(20):
        path = tmp_path / f"{attempt}.review.yaml"
        start = threading.Barrier(2)
        results = []

        def writer(text):
            start.wait()
            results.append(write_once(path, text))

        threads = [threading.Thread(target=writer, args=(text,)) for text in ("første\n", "andre\n")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == [False, True]
        assert path.read_text(encoding="utf-8") in ("første\n", "andre\n")
    assert not list(tmp_path.glob(".*.tmp"))
