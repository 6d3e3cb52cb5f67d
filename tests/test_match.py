import dataclasses

import numpy as np
import pytest

from alignment.check import check_plan, extract
from alignment.match import Matcher, addressed_scores, judge, measure_text
from alignment.records import Measure, Scores, Settings
from alignment.reference import load_reference

from .conftest import FROGNER
from .fakes import KeywordEmbedder


def _measure(mid, text, title=""):
    return Measure(mid, "5.2", title, text)


def test_matcher_fit_returns_self_and_stores_reference_embeddings():
    reference = load_reference()
    matcher = Matcher(KeywordEmbedder())
    assert matcher.fit(reference.tiltak) is matcher
    assert matcher.reference_embeddings_.shape[0] == len(reference.tiltak)


def test_an_unfitted_matcher_says_so():
    with pytest.raises(RuntimeError, match="fit"):
        Matcher(KeywordEmbedder()).score((_measure("M01", "x"),))


def test_clear_measures_cover_their_tiltak_and_nothing_else():
    reference = load_reference()
    matcher = Matcher(KeywordEmbedder()).fit(reference.tiltak)
    measures = (
        _measure("M01", "Bydelen skal tilby hasjavvenningsprogram (HAP) i alle bydeler."),
        _measure("M02", "Gi alle som mottar tjenester for rusproblemer én fast kontaktperson i bydelen."),
        _measure("M03", "Bydelen arrangerer sommerfest i parken."),
    )
    verdicts, matches = matcher.match(measures)
    status = {v.tiltak.id: v.status for v in verdicts}
    assert status["5.2.1 H"] == "covered" and status["5.2.1 G"] == "covered"
    assert [v.tiltak.id for v in verdicts if v.status != "missing"] == ["5.2.1 G", "5.2.1 H"]
    assert [e.measure.id for v in verdicts if v.tiltak.id == "5.2.1 H" for e in v.evidence] == ["M01"]
    assert matches[2].matches == ()  # a local addition


def _three_tiltak_verdicts():
    tiltak = load_reference().tiltak[:3]
    measures = (_measure("M01", "a"), _measure("M02", "b"))
    fused = np.array([[3.5, 2.7, 2.9], [1.0, 0.0, 0.5]])
    scores = Scores(np.zeros_like(fused), np.zeros_like(fused), fused)
    return tiltak, judge(tiltak, measures, scores, Settings(covered=3.4, partial=2.6, top_k=2, candidates=2))


def test_judge_thresholds_and_top_k():
    tiltak, (verdicts, matches) = _three_tiltak_verdicts()
    assert [v.status for v in verdicts] == ["covered", "missing", "partial"]
    assert matches[0].matches == ((tiltak[0].id, 3.5), (tiltak[2].id, 2.9))
    assert matches[1].matches == ()


def test_every_verdict_carries_its_best_candidates_even_when_missing():
    _, (verdicts, _) = _three_tiltak_verdicts()
    missing = verdicts[1]
    assert missing.status == "missing" and missing.evidence == ()
    assert [(c.measure.id, c.score) for c in missing.candidates] == [("M01", 2.7), ("M02", 0.0)]


def test_verdicts_and_scores_cannot_be_changed_after_judging():
    _, (verdicts, _) = _three_tiltak_verdicts()
    with pytest.raises(dataclasses.FrozenInstanceError):
        verdicts[0].status = "missing"
    matcher = Matcher(KeywordEmbedder()).fit(load_reference().tiltak)
    scores = matcher.score((_measure("M01", "Tilby HAP"),))
    with pytest.raises(ValueError):
        scores.fused[0, 0] = 9.0


def test_no_measures_means_all_missing():
    reference = load_reference()
    matcher = Matcher(KeywordEmbedder()).fit(reference.tiltak)
    verdicts, matches = matcher.match(())
    assert len(verdicts) == len(reference.tiltak) and {v.status for v in verdicts} == {"missing"} and matches == ()


def test_measure_text_recases_capital_titles_and_repairs_ocr():
    measure = Measure("M01", "", "TILBY OPPF@LGINGSSAMTALER", "Bydelen vil tilby samtaler pa NAV.")
    assert measure_text(measure) == "Tilby oppfølgingssamtaler: Bydelen vil tilby samtaler på NAV."


def test_full_path_with_a_small_real_model(frogner_analysis):
    assert len(frogner_analysis.verdicts) == len(frogner_analysis.reference.tiltak)
    assert {v.status for v in frogner_analysis.verdicts} <= {"covered", "partial", "missing"}
    assert frogner_analysis.measures == extract(FROGNER)[1]


def test_addressed_scores_only_count_each_measures_top_k():
    fused = np.array([[3.0, 2.0, 1.0], [0.5, 2.5, 2.4]])
    np.testing.assert_array_equal(addressed_scores(fused, top_k=1), [3.0, 2.5, -np.inf])
    np.testing.assert_array_equal(addressed_scores(fused, top_k=2), [3.0, 2.5, 2.4])
    assert np.all(addressed_scores(np.zeros((0, 3)), top_k=2) == -np.inf)


def test_a_tiltak_is_addressed_exactly_when_its_addressed_score_reaches_partial():
    rng = np.random.default_rng(0)
    fused = rng.normal(size=(12, 36)) * 2
    tiltak = load_reference().tiltak
    measures = tuple(_measure(f"M{i:02d}", f"tiltak {i}") for i in range(12))
    scores = Scores(fused, fused, fused)
    verdicts, _ = judge(tiltak, measures, scores, Settings(partial=1.5, covered=3.0, top_k=2))
    expected = addressed_scores(fused, top_k=2) >= 1.5
    assert [v.status != "missing" for v in verdicts] == list(expected)


def test_prepared_reference_leaves_only_the_plans_measures_to_encode(small_model, tmp_path, monkeypatch):
    from alignment.check import prepare_reference
    from alignment.embed import Embedder

    monkeypatch.setenv("ALIGNMENT_CACHE", str(tmp_path / "fresh-cache"))
    assert prepare_reference(small_model) > 36  # the tiltak and their rewordings
    assert prepare_reference(small_model) == 0
    embedder = Embedder(small_model)
    analysis = check_plan(FROGNER, embedder=embedder)
    measure_texts = {measure_text(m) for m in extract(FROGNER)[1]}
    assert embedder.encoded_count == len(measure_texts)
    assert analysis.verdicts
