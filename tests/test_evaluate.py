"""The evaluation's scoring, the labelled plans, and the quality gate on the default model."""

import os

import numpy as np
import pytest

from alignment import model_store
from alignment.evaluate import Gold, load_gold, score_document, threshold_separation, gold_files
from alignment.onnx_model import is_exported
from alignment.records import Evidence, Measure, MeasureMatch, TiltakVerdict
from alignment.reference import load_reference


def test_separation_of_perfectly_ranked_scores():
    auc, ceiling = threshold_separation(np.array([3.0, 2.9, 1.0, -np.inf]), np.array([True, True, False, False]))
    assert auc == 1.0
    assert ceiling == 1.0


def test_separation_when_one_missing_tiltak_outscores_an_addressed_one():
    scores = np.array([3.0, 2.0, 2.5, 1.0])
    addressed = np.array([True, True, False, False])
    auc, ceiling = threshold_separation(scores, addressed)
    assert auc == pytest.approx(0.75)  # 3 of the 4 (addressed, missing) pairs in the right order
    assert ceiling == pytest.approx(0.75)  # no threshold gets all four right


def test_separation_counts_ties_as_half_and_no_measure_as_lowest():
    auc, _ = threshold_separation(np.array([-np.inf, -np.inf]), np.array([True, False]))
    assert auc == 0.5


def _verdicts(statuses: dict[str, str], evidence: dict[str, Measure]) -> list[TiltakVerdict]:
    verdicts = []
    for item in load_reference().tiltak:
        status = statuses.get(item.id, "missing")
        found = (Evidence(evidence[item.id], 3.0, 0.8, 0.5),) if item.id in evidence else ()
        verdicts.append(TiltakVerdict(item, status, 3.0 if found else 0.0, found))
    return tuple(verdicts)


def test_score_document_counts_addressed_against_missing_and_scores_partial_leniently(tmp_path):
    ids = [t.id for t in load_reference().tiltak]
    labels = {tid: {"status": "missing", "evidence": []} for tid in ids}
    labels["5.2.1 H"] = {"status": "covered", "evidence": ["hasjavvenning"]}
    labels["5.2.1 G"] = {"status": "partial", "evidence": ["kontaktperson"]}
    labels["5.3.4 C"] = {"status": "missing", "evidence": []}
    gold = Gold("test", tmp_path / "plan.txt", labels, tmp_path / "gold.yaml")
    hap = Measure("M01", "5.2", "", "Tilby hasjavvenning til unge")
    contact = Measure("M02", "5.2", "", "Fast kontaktperson for alle")
    naloxone = Measure("M03", "5.3", "", "Dele ut nalokson")
    measures = (hap, contact, naloxone)
    verdicts = _verdicts({"5.2.1 H": "covered", "5.2.1 G": "covered", "5.3.4 C": "covered"},
                         {"5.2.1 H": hap, "5.2.1 G": contact, "5.3.4 C": naloxone})
    matches = (MeasureMatch(hap, (("5.2.1 H", 3.0),)), MeasureMatch(contact, (("5.2.1 G", 3.0),)),
               MeasureMatch(naloxone, (("5.3.4 C", 3.0),)))
    addressed = np.array([3.0 if v.status != "missing" else -np.inf for v in verdicts])
    score = score_document(gold, measures, verdicts, matches, addressed)
    assert score.counts == {"tp": 2, "fp": 1, "fn": 0, "tn": 33}
    assert score.precision == pytest.approx(2 / 3)
    assert score.recall == 1.0
    assert score.false_covered == 1
    assert score.evidence_hit_rate == 1.0
    assert score.exact == pytest.approx(34 / 36)  # 5.2.1 G covered where the label says partial
    assert score.wrong_matches == ["M03 → 5.3.4 C (3.00): Dele ut nalokson"]
    assert score.ceiling == pytest.approx(35 / 36)


def test_every_gold_file_labels_all_36_tiltak_with_known_statuses_and_evidence_in_the_plan():
    """Every snippet is in its plan's text; in the plans the readers were built from, also in a measure.

    For the plans in new layouts, how many snippets the readers find is a result (`utdrag` in
    `alignment evaluate`, with a floor below), not a condition of the labels.
    """
    from alignment.check import extract
    from alignment.evaluate import NEW_LAYOUT_DOCUMENTS, measures_for_snippet
    from alignment.textnorm import fold

    ids = {t.id for t in load_reference().tiltak}
    for path in gold_files():
        gold = load_gold(path)
        assert set(gold.labels) == ids, path.name
        document, measures = extract(gold.plan)
        text = " ".join(fold(" ".join([document.text, *(" ".join(r) for t in document.tables for r in t.rows)])).split())
        for tiltak_id in ids:
            assert gold.status(tiltak_id) in {"covered", "partial", "missing"}, (path.name, tiltak_id)
            for snippet in gold.snippets(tiltak_id):
                assert " ".join(fold(snippet).split()) in text, (path.name, tiltak_id, snippet)
                if gold.document not in NEW_LAYOUT_DOCUMENTS:
                    assert measures_for_snippet(snippet, measures), (path.name, tiltak_id, snippet)


def test_evaluation_leaves_readers_out_by_name(small_matcher):
    from alignment.evaluate import evaluate_all

    frogner = [p for p in gold_files() if p.stem == "frogner"]
    without = evaluate_all(small_matcher, frogner, without_readers=frozenset({"flate-tabeller", "prosa"}))
    assert without.documents[0].recall == 0.0  # Frogner's measures all sit in its flattened tables


# --- quality gate: the default model on the labelled plans must stay at the measured level ---
# Skipped locally (with the reason shown) when EmbeddingGemma is not installed; in CI (CI=true) a missing
# model is a failure. Floors sit just under what `alignment evaluate` measures (README, "Nøyaktighet").

FLOORS = {"accuracy": 0.80, "precision": 0.80, "recall": 0.60}
OCR_AGREEMENT_FLOOR = 0.90
NEW_LAYOUT_FLOORS = {"accuracy": 0.80, "precision": 0.85, "snippets_found": 0.75}


@pytest.fixture(scope="module")
def gemma_matcher():
    if not (model_store.is_installed() and is_exported(model_store.default_model_dir())):
        if os.environ.get("CI"):
            pytest.fail("EmbeddingGemma is not installed in CI: .ci/run must run `alignment model install`")
        pytest.skip("EmbeddingGemma or its ONNX export not installed (run `alignment model install`)")
    from alignment.embed import Embedder
    from alignment.match import Matcher

    return Matcher(Embedder()).fit(load_reference().tiltak)


@pytest.fixture(scope="module")
def evaluation(gemma_matcher):
    from alignment.evaluate import evaluate_all

    return evaluate_all(gemma_matcher)


@pytest.mark.model
def test_overall_accuracy_precision_recall(evaluation):
    overall = evaluation.group(tuple(d.document for d in evaluation.documents))
    for key, floor in FLOORS.items():
        assert overall[key] >= floor, f"{key} {overall[key]:.3f} < {floor}"


@pytest.mark.model
def test_plans_in_new_layouts_are_read_and_matched(evaluation):
    """Prose, action tables with merged cells, mixed plans: the readers find their measures and the verdicts hold."""
    from alignment.evaluate import NEW_LAYOUT_DOCUMENTS

    new = [d for d in evaluation.documents if d.document in NEW_LAYOUT_DOCUMENTS]
    assert new, "the new-layout plans are missing from data/eval/gold"
    group = evaluation.group(tuple(d.document for d in new))
    assert group["accuracy"] >= NEW_LAYOUT_FLOORS["accuracy"], group
    assert group["precision"] >= NEW_LAYOUT_FLOORS["precision"], group
    for document in new:
        assert document.snippets_found >= NEW_LAYOUT_FLOORS["snippets_found"], (document.document,
                                                                                document.snippets_found)


@pytest.mark.model
def test_ocr_agreement(evaluation):
    assert evaluation.ocr_agreement >= OCR_AGREEMENT_FLOOR


@pytest.mark.model
def test_frogner_evidence_hits(evaluation):
    frogner = next(d for d in evaluation.documents if d.document == "frogner")
    assert frogner.evidence_hit_rate >= 0.9


@pytest.mark.model
def test_frogner_obvious_tiltak_have_the_right_evidence(gemma_matcher):
    from alignment.check import check_plan

    from .conftest import FROGNER

    analysis = check_plan(FROGNER, reference=load_reference(), matcher=gemma_matcher)
    expected = {
        "5.2.1 H": "TILBY HAP (HASJAVVENNINGS-PROGRAM)",
        "5.2.1 G": "HA ÉN FAST KONTAKTPERSON I BYDEL",
        "5.1.1 E": "GI INFORMASJON OM TILTAK PÅ RUSFELTET PÅ NETTSIDENE",
    }
    for tiltak_id, title in expected.items():
        assert analysis.verdict(tiltak_id).status != "missing"
        assert analysis.verdict(tiltak_id).evidence[0].measure.title == title
    assert analysis.verdict("5.3.4 C").status != "covered"  # national financing: the city's job
