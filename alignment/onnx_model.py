"""A sentence-transformers model as one ONNX graph: exported once at install, run without torch.

Importing torch and sentence-transformers costs several seconds and hundreds
of MB before a single text is encoded, on every CLI call. At install time the
whole pipeline (encoder, pooling, Dense layers, normalisation) is exported
with torch's own ONNX exporter, plus an int8 variant; at run time
`OnnxEncoder` needs only onnxruntime and tokenizers. It tokenizes exactly as
sentence-transformers does (the prompt text prepended, right padding,
truncation at the model's max_seq_length), so the vectors are the same.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
import shutil
import tempfile
import warnings
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np

from .errors import ModelError

EXPORT_FOLDER = "onnx"
MANIFEST = ".alignment-onnx.json"  # written last: its presence means a complete, hashed export
TOKENIZER = "tokenizer.json"
SETTINGS_FILE = "encoder.json"
FILES = {"onnx": "model.onnx", "onnx-int8": "model-int8.onnx"}  # backend → graph file
OPSET = 18
RUN_SIZE = 8  # texts per pass of the graph: little padding, and enough rows for the matrix products (README: Speed)
# Modules int8 leaves fp32 (by the module path torch's exporter records on each node): the MLP
# down-projections and the Dense heads are the layers whose int8 error moved verdicts (issue 14).
KEEP_FP32 = (".mlp.down_proj:", ".Dense/")
MEMORY_NEEDED = "6 GB"  # peak of the int8 quantisation, the largest export step (README: Speed)


def export_dir(model_dir: Path) -> Path:
    return Path(model_dir) / EXPORT_FOLDER


def is_exported(model_dir: Path) -> bool:
    """Cheap check used at run time: the manifest is written only once every file is in place and hashed."""
    return (export_dir(model_dir) / MANIFEST).is_file()


def graph_sha256(model_dir: Path, backend: str) -> str:
    """The recorded hash of a backend's graph, read from the manifest (nothing is hashed at run time)."""
    from .model_store import INSTALL_HINT

    try:
        return json.loads((export_dir(model_dir) / MANIFEST).read_text(encoding="utf-8"))["sha256"][FILES[backend]]
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"ONNX-eksporten i {export_dir(model_dir)} er skadet. {INSTALL_HINT}") from exc


def verify_export(model_dir: Path) -> list[str]:
    """Files of the export whose hash is wrong or missing (empty when all is well)."""
    from .model_store import sha256_of

    folder = export_dir(model_dir)
    try:
        expected = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["sha256"]
    except (OSError, ValueError, KeyError):
        return [MANIFEST]
    return [name for name, digest in expected.items()
            if not (folder / name).is_file() or sha256_of(folder / name) != digest]


def export_model(model_dir: Path, log=print) -> Path:
    """Export the model in `model_dir` to `model_dir/onnx` (fp32 and int8); a verified export is left alone.

    Everything is written to a temporary folder beside it and renamed into place at the end, so an
    interrupted or failed export never counts as installed.
    """
    model_dir = Path(model_dir)
    target = export_dir(model_dir)
    if is_exported(model_dir) and not verify_export(model_dir):
        log(f"ONNX-eksporten er allerede laget og verifisert: {target}")
        return target
    from .embed import require_torch

    require_torch("Eksporten av modellen til ONNX (`alignment model install`)")
    try:
        with tempfile.TemporaryDirectory(prefix=".onnx-", dir=model_dir) as tmp:
            staging = Path(tmp) / EXPORT_FOLDER
            staging.mkdir()
            log("Eksporterer modellen til ONNX (én gang, et par minutter) ...")
            _in_own_process(_export_fp32, model_dir, staging)
            log("Lager int8-varianten ...")
            _in_own_process(_quantize, staging / FILES["onnx"], staging / FILES["onnx-int8"])
            _write_manifest(staging)
            if target.exists():
                shutil.rmtree(target)
            staging.rename(target)
    except OSError as exc:
        raise ModelError(f"Kunne ikke eksportere modellen til ONNX ({exc.strerror}: {exc.filename}). Eksporten "
                         f"trenger ca. 3 GB ledig plass og {MEMORY_NEEDED} minne mens den pågår.") from exc
    log(f"ONNX-eksporten er klar: {target}")
    return target


def _in_own_process(step, *args) -> None:
    """Run one export step in a fresh process and wait for it.

    Memory a step has used is not given back to the system until its process ends (torch's
    export keeps about 2 GB), and quantisation alone peaks near 6 GB: in one process the two
    added up to 8.2 GB, too much for an 8 GB laptop. A step killed for want of memory ends
    the pool, which is reported as one line.
    """
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        try:
            pool.submit(step, *args).result()
        except BrokenProcessPool as exc:
            raise ModelError(f"Eksporten til ONNX stoppet underveis, trolig av mangel på minne (den trenger ca. "
                             f"{MEMORY_NEEDED}). Lukk andre programmer og kjør `alignment model install` igjen.") from exc


def _export_fp32(model_dir: Path, staging: Path) -> None:
    """The whole sentence-transformers pipeline as one graph with dynamic batch and sequence axes."""
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.disable_progress_bar()
    model = SentenceTransformer(str(model_dir), device="cpu", model_kwargs={"torch_dtype": torch.float32}).eval()
    pooling = [m for m in model if type(m).__name__ == "Pooling"]
    if any(not getattr(m, "include_prompt", True) for m in pooling):
        raise ModelError(f"{model_dir}: modeller som holder prompten utenfor poolingen, kan ikke eksporteres.")
    tokenizer = model[0].tokenizer
    shutil.copyfile(model_dir / TOKENIZER, staging / TOKENIZER)
    settings = {"prompts": dict(model.prompts), "max_seq_length": int(model.max_seq_length),
                "pad_id": int(tokenizer.pad_token_id), "pad_token": str(tokenizer.pad_token)}
    (staging / SETTINGS_FILE).write_text(json.dumps(settings, ensure_ascii=False, indent=2), encoding="utf-8")
    sample = tokenizer(["en kort tekst", "en noe lengre tekst med flere ord enn den første"], padding=True,
                       return_tensors="pt")
    batch, sequence = torch.export.Dim("batch"), torch.export.Dim("sequence")
    with torch.no_grad(), _quiet():
        torch.onnx.export(
            _pipeline(model).eval(), (sample["input_ids"], sample["attention_mask"]), str(staging / FILES["onnx"]),
            dynamo=True, opset_version=OPSET, external_data=True, optimize=True, verbose=False,
            input_names=["input_ids", "attention_mask"], output_names=["sentence_embedding"],
            dynamic_shapes={"input_ids": {0: batch, 1: sequence}, "attention_mask": {0: batch, 1: sequence}},
        )


def _pipeline(model):
    """The model as a torch module from token ids to unit vectors (torch is imported only when exporting)."""
    import torch

    class Pipeline(torch.nn.Module):
        """SentenceTransformer.encode's forward pass, normalised as `normalize_embeddings=True` does."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            features = self.model({"input_ids": input_ids, "attention_mask": attention_mask})
            return torch.nn.functional.normalize(features["sentence_embedding"], p=2, dim=1)

    return Pipeline()


def _quantize(source: Path, target: Path) -> None:
    """Dynamic int8 weights (activations quantised at run time), all but the KEEP_FP32 layers.

    quantize_dynamic fails on graphs that list initializers in `value_info`, which torch's exporter
    does; those entries are dropped first (they only annotate shapes). The cleaned graph is saved
    beside the source and reads its weights from the source's external data file, so the 1.2 GB of
    fp32 weights are neither copied nor held in memory twice.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph_model = onnx.load(str(source), load_external_data=False)
    initializers = {init.name for init in graph_model.graph.initializer}
    kept = [v for v in graph_model.graph.value_info if v.name not in initializers]
    del graph_model.graph.value_info[:]
    graph_model.graph.value_info.extend(kept)
    excluded = [node.name for node in graph_model.graph.node if _kept_fp32(node)]
    cleaned = source.with_name(f".cleaned-{source.name}")
    onnx.save(graph_model, str(cleaned))
    try:
        with _quiet():
            quantize_dynamic(cleaned, target, weight_type=QuantType.QInt8, nodes_to_exclude=excluded,
                             use_external_data_format=False)
    finally:
        cleaned.unlink(missing_ok=True)


@contextlib.contextmanager
def _quiet():
    """The exporters' progress lines and advice (torchvision missing, pre-processing) are not the user's business."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.WARNING)
        try:
            yield
        finally:
            logging.disable(logging.NOTSET)


def _kept_fp32(node) -> bool:
    scope = next((prop.value for prop in node.metadata_props if prop.key == "namespace"), "")
    return node.op_type in ("MatMul", "Gemm") and any(marker in scope for marker in KEEP_FP32)


def _write_manifest(staging: Path) -> None:
    """The hash of every file of the export and the tool versions that made it, beside the model's own hashes."""
    from importlib.metadata import version

    from .model_store import sha256_of

    files = sorted(p.name for p in staging.iterdir() if p.is_file())
    manifest = {"sha256": {name: sha256_of(staging / name) for name in files},
                "versions": {package: version(package) for package in
                             ("torch", "transformers", "sentence-transformers", "onnx", "onnxscript", "onnxruntime")}}
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


class OnnxEncoder:
    """Unit vectors from an export made by `export_model`, through onnxruntime and tokenizers only."""

    def __init__(self, model_dir: Path, backend: str = "onnx") -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        folder = export_dir(model_dir)
        settings = json.loads((folder / SETTINGS_FILE).read_text(encoding="utf-8"))
        self.prompts: dict[str, str] = settings["prompts"]
        self.tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(settings["max_seq_length"])
        self.pad_id: int = settings["pad_id"]
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = len(os.sched_getaffinity(0))
        options.log_severity_level = 3  # warnings about unused initializers are not the user's business
        self.session = onnxruntime.InferenceSession(str(folder / FILES[backend]), options,
                                                    providers=["CPUExecutionProvider"])
        self.dimension: int = self.session.get_outputs()[0].shape[-1]

    def encode(self, texts: list[str], prompt_name: str | None = None) -> np.ndarray:
        """One unit vector per text, the named prompt's text prepended as sentence-transformers does.

        On a CPU the matrix products run at the cores' peak, so the only time to win is the padding:
        the texts run in groups of RUN_SIZE of similar token length, not in the order given.
        """
        prompt = self.prompts.get(prompt_name or "", "")
        encodings = self.tokenizer.encode_batch([prompt + text for text in texts])
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), RUN_SIZE):
            group = order[start:start + RUN_SIZE]
            vectors[group] = self._run([encodings[i].ids for i in group])
        return vectors

    def _run(self, token_ids: list[list[int]]) -> np.ndarray:
        """One pass of the graph over texts padded on the right to the longest of them."""
        width = max(len(ids) for ids in token_ids)
        ids = np.full((len(token_ids), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(token_ids), width), dtype=np.int64)
        for row, text_ids in enumerate(token_ids):
            ids[row, :len(text_ids)] = text_ids
            mask[row, :len(text_ids)] = 1
        return self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
