import numpy as np
import pytest

from alignment.embed import Embedder, EmbeddingCache, resolve_model
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
