from alignment.compare import build_comparison, compare_plans, unique_stems
from alignment.resources import example_plans

from .conftest import ALNA, FROGNER
from .fakes import keyword_analysis


def test_without_plans_the_bundled_examples_are_compared(small_embedder):
    comparison = compare_plans(embedder=small_embedder)
    assert [d.analysis.plan.source for d in comparison.districts] == [str(p) for p in example_plans()]
    assert [d.name for d in comparison.districts] == ["Bydel Frogner", "Bydel Alna"]


def test_unreadable_plan_becomes_a_failure_and_the_others_go_on(small_embedder, tmp_path):
    bad = tmp_path / "tom.txt"
    bad.write_text("", encoding="utf-8")
    seen = []
    comparison = compare_plans([FROGNER, bad], embedder=small_embedder, progress=seen.append)
    assert [d.name for d in comparison.districts] == ["Bydel Frogner"]
    assert [f.source for f in comparison.failures] == [str(bad)] and "filen er tom" in comparison.failures[0].message
    assert seen == [FROGNER, bad]


def test_stems_never_collide_with_each_other_or_the_comparison():
    assert unique_stems(["plan", "plan", "sammenligning", "plan"]) == ["plan", "plan-2", "sammenligning-2", "plan-3"]


def test_two_drafts_of_one_district_get_their_own_columns(small_embedder, tmp_path):
    for folder in ("v1", "v2"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "plan.txt").write_bytes(FROGNER.read_bytes())
    comparison = compare_plans([tmp_path / "v1/plan.txt", tmp_path / "v2/plan.txt", ALNA], embedder=small_embedder)
    assert [(d.name, d.stem) for d in comparison.districts] == [
        ("Bydel Frogner (plan)", "plan"), ("Bydel Frogner (plan-2)", "plan-2"), ("Bydel Alna", "alna")]


def test_matrix_rows_are_grouped_by_list_and_uncovered_tiltak_named():
    from alignment.records import Measure

    analysis = keyword_analysis([Measure("M01", "", "", "Tilby HAP til unge")])
    comparison = build_comparison([analysis, analysis], ["a", "b"], [], analysis.reference)
    assert [g.section for g in comparison.groups] == [s for s, _, _ in analysis.reference.sections]
    assert sum(len(g.rows) for g in comparison.groups) == len(analysis.reference.tiltak)
    assert "5.2.1 H" not in {t.id for t in comparison.uncovered}
    assert len(comparison.uncovered) == sum(v.status == "missing" for v in analysis.verdicts)
