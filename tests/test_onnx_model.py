import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from alignment import model_store, onnx_model
from alignment.embed import load_model
from alignment.errors import ModelError

from .conftest import FROGNER

TEXTS = [
    "Tilby HAP (hasjavvenningsprogram) til unge som ønsker å slutte",
    "  Fast kontaktperson i bydelen for alle med rusproblemer  ",
    "Samarbeid med pårørende",
    "lang tekst " * 400,  # beyond the model's max_seq_length: truncated the same way on both paths
]
# Measured on these texts with all-MiniLM-L6-v2: fp32 lowest 0.9999999, int8 lowest 0.887 (the small model has
# no layer named like Gemma's down-projections, so int8 covers every MatMul; on EmbeddingGemma int8 moves one or
# two verdicts per plan, which is why it is not the default).
FP32_FLOOR = 0.999
INT8_FLOOR = 0.85


def _torch_vectors(model_path: str, prompt_name: str | None) -> np.ndarray:
    model = load_model(model_path)
    prompt_name = prompt_name if prompt_name in model.prompts else None
    return model.encode(TEXTS, prompt_name=prompt_name, batch_size=16, normalize_embeddings=True)


@pytest.mark.parametrize("prompt_name", [None, "query"])
@pytest.mark.parametrize(("backend", "floor"), [("onnx", FP32_FLOOR), ("onnx-int8", INT8_FLOOR)])
def test_onnx_vectors_agree_with_the_torch_path(small_onnx_model, backend, floor, prompt_name):
    expected = _torch_vectors(small_onnx_model, prompt_name)
    vectors = onnx_model.OnnxEncoder(Path(small_onnx_model), backend).encode(TEXTS, prompt_name)
    assert vectors.shape == expected.shape
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.min(np.sum(vectors * expected, axis=1)) >= floor


def test_the_prompt_is_prepended_as_sentence_transformers_does(small_onnx_model):
    encoder = onnx_model.OnnxEncoder(Path(small_onnx_model))
    encoder.prompts = {"test": "this prompt changes the vector: "}
    plain, prompted = encoder.encode(TEXTS[:1]), encoder.encode(TEXTS[:1], "test")
    assert np.allclose(prompted, encoder.encode([encoder.prompts["test"] + TEXTS[0]]), atol=1e-6)
    assert not np.allclose(plain, prompted, atol=1e-3)


def test_texts_regrouped_by_length_come_back_in_the_callers_order(small_onnx_model, monkeypatch):
    monkeypatch.setattr(onnx_model, "RUN_SIZE", 2)
    encoder = onnx_model.OnnxEncoder(Path(small_onnx_model))
    texts = [TEXTS[2], TEXTS[3], TEXTS[0], TEXTS[1], TEXTS[2] + " og brukerne"]
    widths = []
    run = encoder._run
    monkeypatch.setattr(encoder, "_run", lambda ids: widths.append([len(i) for i in ids]) or run(ids))
    vectors = encoder.encode(texts)
    alone = np.concatenate([encoder.encode([text]) for text in texts])
    assert np.allclose(vectors, alone, atol=1e-5)
    runs = widths[:3]  # the encoding of `texts` together; the rest are the texts alone
    assert [len(run) for run in runs] == [2, 2, 1]
    padded_to = [width for run in runs for width in run]
    assert padded_to == sorted(padded_to, reverse=True)  # longest first, so each run pads to little


def test_the_manifest_records_every_file_and_the_versions(small_onnx_model):
    manifest = json.loads((onnx_model.export_dir(Path(small_onnx_model)) / onnx_model.MANIFEST).read_text())
    assert set(onnx_model.FILES.values()) <= set(manifest["sha256"])
    assert {"torch", "onnx", "onnxruntime"} <= set(manifest["versions"])
    assert onnx_model.verify_export(Path(small_onnx_model)) == []


def test_a_verified_export_is_left_alone(small_onnx_model):
    folder = onnx_model.export_dir(Path(small_onnx_model))
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    messages = []
    onnx_model.export_model(Path(small_onnx_model), log=messages.append)
    assert "allerede" in messages[0]
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_a_changed_file_fails_verification(tmp_path):
    folder = onnx_model.export_dir(tmp_path)
    folder.mkdir()
    (folder / "model.onnx").write_bytes(b"graph")
    onnx_model._write_manifest(folder)
    assert onnx_model.verify_export(tmp_path) == []
    (folder / "model.onnx").write_bytes(b"grapH")
    assert onnx_model.verify_export(tmp_path) == ["model.onnx"]


def test_a_failed_export_leaves_nothing_half_installed(tmp_path, monkeypatch):
    def export_half(model_dir, staging):
        (staging / onnx_model.FILES["onnx"]).write_bytes(b"half a graph")
        raise OSError(28, "No space left on device", str(staging))

    monkeypatch.setattr(onnx_model, "_export_fp32", export_half)
    monkeypatch.setattr(onnx_model, "_in_own_process", lambda step, *args: step(*args))
    with pytest.raises(ModelError, match="ONNX"):
        onnx_model.export_model(tmp_path, log=lambda message: None)
    assert not onnx_model.is_exported(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_export_step_killed_for_want_of_memory_is_one_line():
    with pytest.raises(ModelError, match="minne") as caught:
        onnx_model._in_own_process(os._exit, 9)
    assert "\n" not in str(caught.value)


@pytest.mark.model
def test_the_default_check_never_imports_torch(tmp_path):
    if not (model_store.is_installed() and onnx_model.is_exported(model_store.default_model_dir())):
        pytest.skip("EmbeddingGemma and its ONNX export are not installed (run `alignment model install`)")
    script = (
        "import sys\n"
        "from alignment.cli import main\n"
        "try:\n"
        f"    main(['check', {str(FROGNER)!r}, '--out', {str(tmp_path / 'out')!r}, '--format', 'json'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))\n"
    )
    env = dict(os.environ, ALIGNMENT_CACHE=str(tmp_path / "cache"))
    env.pop("ALIGNMENT_BACKEND", None)
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert list((tmp_path / "cache").glob("*-onnx-*.npz"))  # it did encode, through ONNX
