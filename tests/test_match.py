import numpy as np

from alignment.check import check_plan
from alignment.match import Matcher, Scores, Settings, addressed_scores, judge, measure_text
from alignment.reference import load_reference
from alignment.segment import Measure

from .conftest import FROGNER


class KeywordEmbedder:
    """A stand-in model: one dimension per keyword, so similarities are known in advance."""

    model_key = "keywords"
    words = ["hap", "kontaktperson", "nettside", "samtykke", "finansiering", "bolig", "pårørende", "arbeid"]

    def encode(self, texts, prompt_name=None):
        rows = []
        for text in texts:
            lower = text.lower()
            row = np.array([1.0 if w in lower else 0.0 for w in self.words] + [0.3])
            rows.append(row / np.linalg.norm(row))
        return np.array(rows)


def _measure(mid, text, title=""):
    return Measure(mid, "5.2", title, text)


def test_matcher_fit_returns_self_and_stores_reference_embeddings():
    reference = load_reference()
    matcher = Matcher(KeywordEmbedder())
    assert matcher.fit(reference.tiltak) is matcher
    assert matcher.reference_embeddings_.shape[0] == 36


def test_clear_measures_cover_their_tiltak_and_nothing_else():
    reference = load_reference()
    matcher = Matcher(KeywordEmbedder()).fit(reference.tiltak)
    measures = [
        _measure("M01", "Bydelen skal tilby hasjavvenningsprogram (HAP) i alle bydeler."),
        _measure("M02", "Gi alle som mottar tjenester for rusproblemer én fast kontaktperson i bydelen."),
        _measure("M03", "Bydelen arrangerer sommerfest i parken."),
    ]
    verdicts, matches = matcher.match(measures)
    status = {v.tiltak.id: v.status for v in verdicts}
    assert status["5.2.1 H"] == "covered" and status["5.2.1 G"] == "covered"
    assert [v.tiltak.id for v in verdicts if v.status != "missing"] == ["5.2.1 G", "5.2.1 H"]
    assert [e.measure.id for v in verdicts if v.tiltak.id == "5.2.1 H" for e in v.evidence] == ["M01"]
    assert matches[2].matches == []  # a local addition


def test_judge_thresholds_and_top_k():
    reference = load_reference()
    tiltak = reference.tiltak[:3]
    measures = [_measure("M01", "a"), _measure("M02", "b")]
    fused = np.array([[3.5, 2.7, 2.9], [1.0, 0.0, 0.5]])
    scores = Scores(np.zeros_like(fused), np.zeros_like(fused), fused)
    verdicts, matches = judge(tiltak, measures, scores, Settings(covered=3.4, partial=2.6, top_k=2))
    assert [v.status for v in verdicts] == ["covered", "missing", "partial"]
    assert matches[0].matches == [(tiltak[0].id, 3.5), (tiltak[2].id, 2.9)]
    assert matches[1].matches == []


def test_no_measures_means_all_missing():
    reference = load_reference()
    matcher = Matcher(KeywordEmbedder()).fit(reference.tiltak)
    verdicts, matches = matcher.match([])
    assert len(verdicts) == 36 and {v.status for v in verdicts} == {"missing"} and matches == []


def test_measure_text_recases_capital_titles_and_repairs_ocr():
    measure = Measure("M01", "", "TILBY OPPF@LGINGSSAMTALER", "Bydelen vil tilby samtaler pa NAV.")
    assert measure_text(measure) == "Tilby oppfølgingssamtaler: Bydelen vil tilby samtaler på NAV."


def test_full_path_with_a_small_real_model(small_model):
    report = check_plan(FROGNER, model=small_model)
    assert len(report.verdicts) == 36
    assert {v.status for v in report.verdicts} <= {"covered", "partial", "missing"}
    assert len(report.measures) == 45


def test_addressed_scores_only_count_each_measures_top_k():
    fused = np.array([[3.0, 2.0, 1.0], [0.5, 2.5, 2.4]])
    np.testing.assert_array_equal(addressed_scores(fused, top_k=1), [3.0, 2.5, -np.inf])
    np.testing.assert_array_equal(addressed_scores(fused, top_k=2), [3.0, 2.5, 2.4])
    assert np.all(addressed_scores(np.zeros((0, 3)), top_k=2) == -np.inf)


def test_a_tiltak_is_addressed_exactly_when_its_addressed_score_reaches_partial():
    rng = np.random.default_rng(0)
    fused = rng.normal(size=(12, 36)) * 2
    tiltak = load_reference().tiltak
    measures = [_measure(f"M{i:02d}", f"tiltak {i}") for i in range(12)]
    scores = Scores(fused, fused, fused)
    verdicts, _ = judge(tiltak, measures, scores, Settings(partial=1.5, covered=3.0, top_k=2))
    expected = addressed_scores(fused, top_k=2) >= 1.5
    assert [v.status != "missing" for v in verdicts] == list(expected)


def test_prepared_reference_leaves_only_the_plans_measures_to_encode(small_model, tmp_path, monkeypatch):
    from alignment.check import extract, prepare_reference
    from alignment.embed import Embedder

    monkeypatch.setenv("ALIGNMENT_CACHE", str(tmp_path / "fresh-cache"))
    assert prepare_reference(small_model) > 36  # the tiltak and their rewordings
    assert prepare_reference(small_model) == 0
    embedder = Embedder(small_model)
    report = check_plan(FROGNER, embedder=embedder)
    measure_texts = {measure_text(m) for m in extract(FROGNER)[1]}
    assert embedder.encoded_count == len(measure_texts)
    assert report.verdicts
