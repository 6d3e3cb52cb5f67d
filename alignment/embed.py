"""Sentence embeddings with a disk cache, loading the model only when needed.

Encoding is the slow part of a run (seconds per hundred texts on a laptop
CPU, plus several seconds to import torch and load the model). Each distinct
text is encoded once per model, backend and prompt and kept on disk, so a
re-run of an unchanged plan loads no model at all.

Two backends run the same model: torch through sentence-transformers (any
model), and ONNX Runtime on the export `alignment model install` makes of the
default model (`onnx_model`), which never imports torch and starts and
encodes faster. The default model runs through model_store.DEFAULT_BACKEND.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import tempfile
from pathlib import Path

import numpy as np

from . import model_store, onnx_model
from .errors import ModelError
from .resources import user_home

CACHE_VERSION = 1
BATCH = 16


def cache_home() -> Path:
    base = os.environ.get("ALIGNMENT_CACHE")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME") or str(user_home() / ".cache")
    return Path(xdg) / "alignment"


def resolve_backend(model: str | None, backend: str | None) -> str:
    """The backend asked for (or ALIGNMENT_BACKEND); otherwise DEFAULT_BACKEND for the default model, torch for others.

    A default model installed before there were ONNX exports runs on torch until `alignment model install`
    exports it, rather than refusing to check a plan.
    """
    backend = backend or os.environ.get("ALIGNMENT_BACKEND") or ""
    if backend and backend not in model_store.BACKENDS:
        raise ModelError(f"Ukjent backend '{backend}'; velg blant {', '.join(model_store.BACKENDS)}.")
    if backend:
        return backend
    if model or os.environ.get("ALIGNMENT_MODEL") or not onnx_model.is_exported(model_store.default_model_dir()):
        return "torch"
    return model_store.DEFAULT_BACKEND


def resolve_model(model: str | None, backend: str = "torch") -> tuple[str, str]:
    """(what to load, a stable key for the cache) for a model name, a path, or the default, on `backend`.

    The torch key of the default model is the one caches had before there were backends; an ONNX key
    adds the backend and the graph's own hash, so vectors of different backends or exports never mix.
    """
    path, key = _resolve_torch_model(model)
    if backend == "torch":
        return path, key
    if not onnx_model.is_exported(Path(path)):
        default = path == str(model_store.default_model_dir())
        hint = model_store.INSTALL_HINT if default else "Bare standardmodellen eksporteres; bruk --backend torch."
        raise ModelError(f"Modellen '{path}' har ingen ONNX-eksport. {hint}")
    return path, f"{key}-{backend}-{onnx_model.graph_sha256(Path(path), backend)[:12]}"


def _resolve_torch_model(model: str | None) -> tuple[str, str]:
    model = model or os.environ.get("ALIGNMENT_MODEL") or ""
    if not model:
        path = model_store.default_model_dir()
        if not model_store.is_installed(path):
            raise ModelError(
                f"Standardmodellen ({model_store.DEFAULT_MODEL_NAME}) er ikke installert. {model_store.INSTALL_HINT}"
            )
        return str(path), f"{model_store.DEFAULT_MODEL_NAME}-{model_store.FILE_SHA256['model.safetensors'][:12]}"
    candidate = Path(model).expanduser()
    if candidate.exists():
        if not (candidate / "modules.json").is_file() and not (candidate / "config.json").is_file():
            raise ModelError(f"{candidate}: er ikke en sentence-transformers-modell (mangler modules.json).")
        return str(candidate.resolve()), f"path-{hashlib.sha256(str(candidate.resolve()).encode()).hexdigest()[:16]}"
    if not _in_hub_cache(model):
        raise ModelError(f"Modellen '{model}' finnes verken som mappe eller i den lokale Hugging Face-cachen, og "
                         "ingenting lastes ned under kjøring. Oppgi mappen til modellen, eller bruk standardmodellen "
                         "(alignment model install).")
    return model, f"name-{hashlib.sha256(model.encode()).hexdigest()[:16]}"


def _in_hub_cache(name: str) -> bool:
    """Is a Hugging Face model of this name already downloaded? (Names without an owner are sentence-transformers'.)"""
    hub = os.environ.get("HF_HUB_CACHE") or str(Path(os.environ.get("HF_HOME") or user_home() / ".cache" / "huggingface")
                                                  / "hub")
    names = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    return any((Path(hub) / f"models--{n.replace('/', '--')}" / "snapshots").is_dir() for n in names)


class EmbeddingCache:
    """Vectors keyed by model, prompt and text, in one .npz per model.

    Several processes (two `check`s, the workbench and a `check`) may add to
    one cache at once: saving takes a file lock, merges what is on disk with
    what this process added, and replaces the file atomically, so no writer's
    vectors are lost.
    """

    def __init__(self, model_key: str, directory: Path | None = None) -> None:
        self.path = (directory or cache_home()) / f"embeddings-v{CACHE_VERSION}-{model_key}.npz"
        self._vectors: dict[str, np.ndarray] = self._read()
        self._added: set[str] = set()

    def _read(self) -> dict[str, np.ndarray]:
        if not self.path.is_file():
            return {}
        try:
            with np.load(self.path, allow_pickle=False) as data:
                keys = [str(k) for k in data["keys"]]
                matrix = data["vectors"]
            return dict(zip(keys, matrix))
        except Exception:  # noqa: BLE001 - a damaged cache (truncated, not a zip, ...) is rebuilt
            return {}

    @staticmethod
    def key(prompt: str, text: str) -> str:
        return hashlib.sha256(f"{prompt}\x00{text}".encode("utf-8")).hexdigest()

    def get(self, prompt: str, text: str) -> np.ndarray | None:
        return self._vectors.get(self.key(prompt, text))

    def put(self, prompt: str, text: str, vector: np.ndarray) -> None:
        key = self.key(prompt, text)
        self._vectors[key] = vector.astype(np.float32)
        self._added.add(key)

    def save(self) -> None:
        if not self._added:
            return
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path.with_suffix(".lock"), "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                merged = self._read() | {key: self._vectors[key] for key in self._added}
                keys = sorted(merged)
                fd, tmp = tempfile.mkstemp(prefix=".emb-", suffix=".npz", dir=self.path.parent)
                with os.fdopen(fd, "wb") as handle:
                    np.savez(handle, keys=np.array(keys), vectors=np.stack([merged[k] for k in keys]))
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, self.path)
            self._vectors = merged
            self._added = set()
        except OSError:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)  # the cache only saves time: never fail a run over it


def require_torch(purpose: str) -> None:
    """torch and sentence-transformers are an extra (`alignment[torch]`): say so in one line where they are needed."""
    import importlib.util

    missing = [name for name in ("torch", "sentence_transformers") if importlib.util.find_spec(name) is None]
    if missing:
        raise ModelError(f"{purpose} krever torch og sentence-transformers, som ikke er installert. Installer dem med "
                         "scripts/setup.sh, eller med pip install torch==2.13.0 (CPU-utgaven) og "
                         "pip install 'alignment[torch]'.")


@functools.lru_cache(maxsize=2)
def load_model(model_path: str):
    """The sentence-transformers model, fp32 on CPU, loaded once per process (a server pays the load once)."""
    os.environ["HF_HUB_OFFLINE"] = "1"  # the tool promises no network at run time
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    require_torch("--backend torch og andre modeller enn standardmodellen")
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.disable_progress_bar()
    torch.manual_seed(0)
    return SentenceTransformer(model_path, device="cpu", model_kwargs={"torch_dtype": torch.float32})


class TorchEncoder:
    """A sentence-transformers model behind the same `encode(texts, prompt_name)` as `onnx_model.OnnxEncoder`."""

    def __init__(self, model_path: str) -> None:
        self.model = load_model(model_path)
        self.prompts: dict[str, str] = getattr(self.model, "prompts", None) or {}

    def encode(self, texts: list[str], prompt_name: str | None = None) -> np.ndarray:
        """Models without the named prompt encode the text alone."""
        prompt_name = prompt_name if prompt_name in self.prompts else None
        return self.model.encode(texts, prompt_name=prompt_name, batch_size=BATCH, convert_to_numpy=True,
                                 normalize_embeddings=True, show_progress_bar=False)


@functools.lru_cache(maxsize=2)
def load_encoder(model_path: str, backend: str):
    """The model on its backend, loaded once per process."""
    return TorchEncoder(model_path) if backend == "torch" else onnx_model.OnnxEncoder(Path(model_path), backend)


class Embedder:
    """Encode texts with a sentence-transformers model, on CPU, through the cache.

    `prompt_name` picks one of the model's named prompts (EmbeddingGemma has
    "STS", "query", "document", ...); models without prompts ignore it.
    `backend` is one of model_store.BACKENDS (see `resolve_backend` for the default).
    """

    def __init__(self, model: str | None = None, cache_dir: Path | None = None, use_cache: bool = True,
                 backend: str | None = None) -> None:
        self.backend = resolve_backend(model, backend)
        self.model_path, self.model_key = resolve_model(model, self.backend)
        self.cache = EmbeddingCache(self.model_key, cache_dir) if use_cache else None
        self._model = None
        self.encoded_count = 0

    def load(self):
        if self._model is None:
            try:
                self._model = load_encoder(self.model_path, self.backend)
            except Exception as exc:
                default = self.model_path == str(model_store.default_model_dir())
                hint = model_store.INSTALL_HINT if default else (
                    "Oppgi mappen til en sentence-transformers-modell, eller et navn som finnes i den lokale "
                    "Hugging Face-cachen (ingenting lastes ned under kjøring)."
                )
                raise ModelError(f"Kunne ikke laste modellen '{self.model_path}' ({type(exc).__name__}). {hint}") from exc
        return self._model

    def encode(self, texts: list[str], prompt_name: str | None = None, progress=None) -> np.ndarray:
        """Unit-length vectors, one row per text; each distinct text is encoded once.

        Texts not in the cache are encoded longest first in batches of BATCH, the very batches
        sentence-transformers would make of them in one call (so the vectors are the same), one
        call per batch so that `progress(done, total)` can follow.
        """
        distinct = list(dict.fromkeys(texts))
        found: dict[str, np.ndarray] = {}
        if self.cache is not None:
            for text in distinct:
                vector = self.cache.get(prompt_name or "", text)
                if vector is not None:
                    found[text] = vector
        missing = sorted((t for t in distinct if t not in found), key=len, reverse=True)
        if missing:
            model = self.load()
            for start in range(0, len(missing), BATCH):
                batch = missing[start:start + BATCH]
                vectors = model.encode(batch, prompt_name)
                for text, vector in zip(batch, vectors):
                    found[text] = np.asarray(vector, dtype=np.float32)
                    if self.cache is not None:
                        self.cache.put(prompt_name or "", text, found[text])
                self.encoded_count += len(batch)
                if progress is not None:
                    progress(start + len(batch), len(missing))
            if self.cache is not None:
                self.cache.save()
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([found[t] for t in texts])
