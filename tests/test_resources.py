"""The package carries its data: found through importlib.resources, and still there after a wheel install.

The YAML files people edit (TOP_LEVEL) live once, in the repository's data/; the build copies them into the package.
"""

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from click.testing import CliRunner

from alignment.cli import main
from alignment.resources import (CHECKLIST, EXAMPLES, PARAPHRASES, REFERENCE, SOURCES, TOP_LEVEL, data_path,
                                 example_plans)

from .conftest import FROGNER, ROOT


def test_every_data_file_is_inside_the_package():
    package = ROOT / "alignment"
    for name in (*SOURCES, *EXAMPLES):
        path = data_path(name)
        assert path.is_file() and package in path.parents, name
    assert [p.name for p in example_plans()] == ["frogner.txt", "alna.txt"]


def test_the_edited_data_files_are_read_from_the_top_level_and_kept_nowhere_else():
    """In a checkout (the editable install) data/<name> is the file read; the package holds no second copy."""
    assert set(TOP_LEVEL) == {REFERENCE, PARAPHRASES, CHECKLIST}
    assert sorted(p.name for p in (ROOT / "data").glob("*.yaml")) == sorted(TOP_LEVEL)  # what setup.py copies
    for name in TOP_LEVEL:
        assert data_path(name) == ROOT / "data" / name, name
        assert not list((ROOT / "alignment").rglob(name)), f"a second copy of {name} inside alignment/"


@pytest.fixture(scope="module")
def wheel_install(tmp_path_factory):
    """A wheel built from an sdist of a copy of the source, installed into a fresh virtual environment.

    The wheel is built from the sdist, as `python -m build` does, so both must carry the top-level data/*.yaml.
    The environment borrows the project's installed dependencies (torch and the rest) through a .pth
    file, which adds their folder without running the project's own editable-install hook.
    """
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT / "alignment", source / "alignment", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "setup.py", "README.md", *(f"data/{name}" for name in TOP_LEVEL)):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    sdist = subprocess.run([sys.executable, "-c", "import sys; from setuptools import build_meta; "
                            "print(build_meta.build_sdist(sys.argv[1]))", str(work / "sdist")],
                           cwd=source, check=True, capture_output=True, text=True).stdout.splitlines()[-1]
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-qq"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"),
                    str(work / "sdist" / sdist)], check=True, capture_output=True)
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


def test_the_wheel_carries_the_top_level_data_byte_for_byte(wheel_install):
    """The installed package's tiltak, rewordings and checklist are the repository's data/*.yaml, unchanged."""
    venv, elsewhere = wheel_install
    script = "import sys; from alignment.resources import data_path; print(*map(data_path, sys.argv[1:]), sep='\\n')"
    paths = subprocess.check_output([str(venv / "bin" / "python"), "-c", script, *TOP_LEVEL],
                                    cwd=elsewhere, text=True).splitlines()
    for name, installed in zip(TOP_LEVEL, map(Path, paths), strict=True):
        assert installed.is_relative_to(venv) and installed.parent.name == "data", installed
        assert installed.read_bytes() == (ROOT / "data" / name).read_bytes(), name


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
