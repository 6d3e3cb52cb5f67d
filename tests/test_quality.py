"""Quality gate: the default model on the labelled plans must stay at the measured level.

Skipped locally (with the reason shown) when EmbeddingGemma is not installed;
in CI (CI=true) a missing model is a failure, not a skip.
"""

import os

import pytest

from alignment import model_store

# Floors set just under what `alignment evaluate` measures today (see README, "Nøyaktighet"):
# a change that makes the matcher worse fails here.
FLOORS = {"accuracy": 0.80, "precision": 0.80, "recall": 0.60}
OCR_AGREEMENT_FLOOR = 0.90


@pytest.fixture(scope="module")
def evaluation():
    if not model_store.is_installed():
        if os.environ.get("CI"):
            pytest.fail("EmbeddingGemma is not installed in CI: .ci/run must run `alignment model install`")
        pytest.skip("EmbeddingGemma not installed (run `alignment model install`)")
    from alignment.embed import Embedder
    from alignment.evaluate import evaluate_all
    from alignment.match import Matcher
    from alignment.reference import load_reference

    return evaluate_all(Matcher(Embedder()).fit(load_reference().tiltak))


@pytest.mark.model
def test_overall_accuracy_precision_recall(evaluation):
    overall = evaluation.group(tuple(d.document for d in evaluation.documents))
    for key, floor in FLOORS.items():
        assert overall[key] >= floor, f"{key} {overall[key]:.3f} < {floor}"


@pytest.mark.model
def test_ocr_agreement(evaluation):
    assert evaluation.ocr_agreement >= OCR_AGREEMENT_FLOOR


@pytest.mark.model
def test_frogner_obvious_matches(evaluation):
    frogner = next(d for d in evaluation.documents if d.document == "frogner")
    assert frogner.evidence_hit_rate >= 0.9


@pytest.mark.model
def test_frogner_obvious_tiltak_have_the_right_evidence(evaluation):
    from alignment.check import check_plan

    from .conftest import FROGNER

    verdicts = {v.tiltak.id: v for v in check_plan(FROGNER).verdicts}
    expected = {
        "5.2.1 H": "TILBY HAP (HASJAVVENNINGS-PROGRAM)",
        "5.2.1 G": "HA ÉN FAST KONTAKTPERSON I BYDEL",
        "5.1.1 E": "GI INFORMASJON OM TILTAK PÅ RUSFELTET PÅ NETTSIDENE",
    }
    for tiltak_id, title in expected.items():
        assert verdicts[tiltak_id].status != "missing"
        assert verdicts[tiltak_id].evidence[0].measure.title == title
    assert verdicts["5.3.4 C"].status != "covered"  # national financing: the city's job
