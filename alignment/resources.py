"""The data files that ship inside the package, found wherever it is installed.

Reference tiltak, rewordings, KoRus's checklist, the source texts the OCR
repair learns words from, and the example plans live in `alignment/data/`
and are read through `importlib.resources`, so a wheel install works from
any folder.
"""

from __future__ import annotations

import os
import pwd
from importlib.resources import as_file, files
from pathlib import Path

REFERENCE = "byraad_tiltak.yaml"
PARAPHRASES = "tiltak_omskrivinger.yaml"
CHECKLIST = "korus_sjekkliste.yaml"
SOURCES = ("sources/byraad_strategisk_plan.txt", "sources/korus_veileder.txt")
EXAMPLES = ("examples/frogner.txt", "examples/alna.txt")


def data_path(name: str) -> Path:
    """A bundled data file as a path on disk (a package installed as files, as pip installs wheels)."""
    with as_file(files("alignment") / "data" / name) as path:
        return Path(path)


def package_path(relative: str) -> Path:
    """Any file of the package on disk (templates, the workbench's script and style)."""
    with as_file(files("alignment").joinpath(*relative.split("/"))) as path:
        return Path(path)


def example_plans() -> list[Path]:
    """The bundled plans `compare` uses when it is given none: Bydel Frogner and Bydel Alna."""
    return [data_path(name) for name in EXAMPLES]


def user_home() -> Path:
    """The user's home folder, also when HOME is set but empty (then the password database says)."""
    home = os.environ.get("HOME")
    return Path(home) if home else Path(pwd.getpwuid(os.getuid()).pw_dir)
