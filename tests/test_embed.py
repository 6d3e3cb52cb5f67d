import os

import numpy as np
import pytest

from alignment import model_store, onnx_model
from alignment.embed import Embedder, EmbeddingCache, resolve_backend, resolve_model
from alignment.errors import ModelError


def test_small_real_model_encodes_unit_vectors(small_model, tmp_path):
    embedder = Embedder(small_model, cache_dir=tmp_path)
    vectors = embedder.encode(["Tilby HAP til unge", "Fast kontaktperson", "Tilby HAP til unge"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.allclose(vectors[0], vectors[2])
    assert embedder.encoded_count == 2  # each distinct text once


def test_cached_texts_need_no_model(small_model, tmp_path):
    first = Embedder(small_model, cache_dir=tmp_path)
    expected = first.encode(["Samarbeid med pårørende"], "STS")
    second = Embedder(small_model, cache_dir=tmp_path)
    again = second.encode(["Samarbeid med pårørende"], "STS")
    assert second._model is None and second.encoded_count == 0
    assert np.allclose(expected, again)


def test_prompt_is_part_of_the_cache_key(tmp_path):
    cache = EmbeddingCache("k", tmp_path)
    cache.put("STS", "tekst", np.ones(3, dtype=np.float32))
    assert cache.get("query", "tekst") is None
    cache.save()
    assert EmbeddingCache("k", tmp_path).get("STS", "tekst") is not None


def test_damaged_cache_is_ignored(tmp_path):
    cache = EmbeddingCache("k", tmp_path)
    cache.path.write_bytes(b"not an npz")
    assert EmbeddingCache("k", tmp_path).get("STS", "x") is None


def test_missing_default_model_says_how_to_install(no_default_model):
    with pytest.raises(ModelError, match="alignment model install"):
        resolve_model(None)


def test_a_folder_that_is_not_a_model(tmp_path):
    with pytest.raises(ModelError, match="modules.json"):
        resolve_model(str(tmp_path))


def test_truncated_cache_is_rebuilt(tmp_path):
    cache = EmbeddingCache("k", tmp_path)
    cache.put("STS", "tekst", np.ones(3, dtype=np.float32))
    cache.save()
    cache.path.write_bytes(cache.path.read_bytes()[:40])
    assert EmbeddingCache("k", tmp_path).get("STS", "tekst") is None
    assert not list(tmp_path.glob(".emb-*"))


def test_two_caches_saving_at_once_keep_each_others_vectors(tmp_path):
    first, second = EmbeddingCache("k", tmp_path), EmbeddingCache("k", tmp_path)
    first.put("STS", "fra første", np.ones(3, dtype=np.float32))
    second.put("STS", "fra andre", np.full(3, 2.0, dtype=np.float32))
    first.save()
    second.save()
    merged = EmbeddingCache("k", tmp_path)
    assert merged.get("STS", "fra første") is not None and merged.get("STS", "fra andre") is not None


def test_a_model_name_that_is_not_downloaded_fails_at_once(tmp_path, monkeypatch):
    import time

    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    started = time.monotonic()
    with pytest.raises(ModelError, match="finnes verken som mappe eller i den lokale Hugging Face-cachen"):
        resolve_model("noen/modell-som-ikke-finnes")
    assert time.monotonic() - started < 1
    (tmp_path / "hf" / "hub" / "models--sentence-transformers--lokal" / "snapshots").mkdir(parents=True)
    assert resolve_model("lokal")[0] == "lokal"


def test_an_empty_home_still_finds_the_cache_and_the_model(monkeypatch):
    import pwd

    from alignment.embed import cache_home

    monkeypatch.setenv("HOME", "")
    for name in ("ALIGNMENT_CACHE", "ALIGNMENT_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    home = pwd.getpwuid(os.getuid()).pw_dir
    assert str(cache_home()).startswith(home) and str(model_store.models_home()).startswith(home)


def test_each_backend_has_its_own_cache_key(small_onnx_model, tmp_path):
    keys = {backend: Embedder(small_onnx_model, cache_dir=tmp_path, backend=backend).model_key
            for backend in ("torch", "onnx", "onnx-int8")}
    assert len(set(keys.values())) == 3
    assert keys["torch"] == resolve_model(small_onnx_model)[1]  # the torch key is the one caches already have


def test_onnx_and_torch_embedders_give_the_same_vectors(small_onnx_model, tmp_path):
    texts = ["Tilby HAP til unge", "Fast kontaktperson", "Tilby HAP til unge"]
    onnx = Embedder(small_onnx_model, cache_dir=tmp_path, backend="onnx")
    torch = Embedder(small_onnx_model, cache_dir=tmp_path, backend="torch")
    vectors = onnx.encode(texts, "query")
    assert np.min(np.sum(vectors * torch.encode(texts, "query"), axis=1)) >= 0.999
    assert onnx.encoded_count == 2 and torch.encoded_count == 2  # neither found the other's vectors


def test_other_models_run_on_torch_unless_asked(small_model, monkeypatch):
    monkeypatch.delenv("ALIGNMENT_BACKEND", raising=False)
    assert resolve_backend(small_model, None) == "torch"
    exported = onnx_model.is_exported(model_store.default_model_dir())
    assert resolve_backend(None, None) == (model_store.DEFAULT_BACKEND if exported else "torch")
    monkeypatch.setenv("ALIGNMENT_BACKEND", "onnx-int8")
    assert resolve_backend(small_model, None) == "onnx-int8"


def test_a_default_model_installed_before_exports_runs_on_torch(tmp_path, monkeypatch):
    monkeypatch.delenv("ALIGNMENT_BACKEND", raising=False)
    monkeypatch.setenv("ALIGNMENT_HOME", str(tmp_path))
    installed = model_store.default_model_dir()
    installed.mkdir(parents=True)
    (installed / model_store.VERIFIED_MARKER).write_text("{}", encoding="utf-8")
    assert resolve_backend(None, None) == "torch"
    (installed / onnx_model.EXPORT_FOLDER).mkdir()
    (installed / onnx_model.EXPORT_FOLDER / onnx_model.MANIFEST).write_text("{}", encoding="utf-8")
    assert resolve_backend(None, None) == model_store.DEFAULT_BACKEND


def test_onnx_needs_an_export(small_model, tmp_path):
    with pytest.raises(ModelError, match="ingen ONNX-eksport"):
        Embedder(small_model, cache_dir=tmp_path, backend="onnx")
    with pytest.raises(ModelError, match="Ukjent backend"):
        Embedder(small_model, cache_dir=tmp_path, backend="tensorrt")


def test_torch_is_an_extra_and_its_absence_is_one_line(monkeypatch):
    """The default model runs on ONNX Runtime alone; what needs torch says how to get it."""
    import importlib.util

    import pytest

    from alignment.embed import require_torch
    from alignment.errors import ModelError

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    with pytest.raises(ModelError, match=r"krever torch og sentence-transformers.*alignment\[torch\]"):
        require_torch("--backend torch")


def test_the_package_does_not_require_torch():
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    required = " ".join(project["project"]["dependencies"])
    assert "torch" not in required and "sentence-transformers" not in required
    assert any(d.startswith("torch==") for d in project["project"]["optional-dependencies"]["torch"])
