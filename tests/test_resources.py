"""The package carries its data: found through importlib.resources, and still there after a wheel install."""

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner

from alignment.cli import main
from alignment.resources import CHECKLIST, EXAMPLES, PARAPHRASES, REFERENCE, SOURCES, data_path, example_plans

from .conftest import FROGNER, ROOT


def test_every_data_file_is_inside_the_package():
    package = ROOT / "alignment"
    for name in (REFERENCE, PARAPHRASES, CHECKLIST, *SOURCES, *EXAMPLES):
        path = data_path(name)
        assert path.is_file() and package in path.parents, name
    assert [p.name for p in example_plans()] == ["frogner.txt", "alna.txt"]


@pytest.fixture(scope="module")
def wheel_install(tmp_path_factory):
    """A wheel built from a copy of the source, installed into a fresh virtual environment.

    The environment borrows the project's installed dependencies (torch and the rest) through a .pth
    file, which adds their folder without running the project's own editable-install hook.
    """
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT / "alignment", source / "alignment", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-qq"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"), str(source)],
                   check=True, capture_output=True)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    wheel = next((work / "dist").glob("alignment-*.whl"))
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", str(wheel)], check=True, capture_output=True)
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                        text=True).strip())
    (site / "project-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    return venv, elsewhere


def _run_installed(venv, cwd, *args):
    """The installed command, in the session's embedding cache (so it need not import torch to encode again)."""
    return subprocess.run([str(venv / "bin" / "alignment"), *map(str, args)], cwd=cwd, capture_output=True, text=True)


def test_the_installed_package_is_the_wheel_not_the_source(wheel_install):
    venv, elsewhere = wheel_install
    where = subprocess.check_output([str(venv / "bin" / "python"), "-c", "import alignment; print(alignment.__file__)"],
                                    cwd=elsewhere, text=True).strip()
    assert Path(where).is_relative_to(venv)


def test_wheel_installed_extract_runs_outside_the_repository(wheel_install):
    venv, elsewhere = wheel_install
    result = _run_installed(venv, elsewhere, "extract", FROGNER)
    assert result.returncode == 0, result.stderr
    editable = CliRunner().invoke(main, ["extract", str(FROGNER)], catch_exceptions=False)
    assert result.stdout == editable.output


def test_wheel_installed_check_writes_the_same_json_as_the_editable_install(wheel_install, small_model, tmp_path):
    venv, elsewhere = wheel_install
    editable = CliRunner().invoke(main, ["check", str(FROGNER), "--out", str(tmp_path), "--model", small_model],
                                  catch_exceptions=False)
    assert editable.exit_code == 0
    result = _run_installed(venv, elsewhere, "check", FROGNER, "--out", "rapporter", "--model", small_model)
    assert result.returncode == 0, result.stderr
    installed = (elsewhere / "rapporter" / "frogner.json").read_bytes()
    assert installed == (tmp_path / "frogner.json").read_bytes()
    assert len(json.loads(installed)["tiltak"]) == 36
