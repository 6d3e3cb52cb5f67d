"""The data files that ship inside the package, found wherever it is installed.

Everything is read through `importlib.resources` from `alignment/data/`, so a
wheel install works from any folder. The source texts the OCR repair learns
words from and the example plans live there in the repository too. The YAML
files people edit (the Byråd's tiltak, their rewordings, KoRus's checklist)
live once, in the repository's top-level `data/`: the build copies them into
the package (setup.py), and a checkout (the editable install) has no package
copy, so they are read from `data/` beside the package instead.
"""

from __future__ import annotations

import os
import pwd
from importlib.resources import as_file, files
from pathlib import Path

REFERENCE = "byraad_tiltak.yaml"
PARAPHRASES = "tiltak_omskrivinger.yaml"
CHECKLIST = "korus_sjekkliste.yaml"
TOP_LEVEL = (REFERENCE, PARAPHRASES, CHECKLIST)  # kept in the repository's data/, copied in by the build
SOURCES = ("sources/byraad_strategisk_plan.txt", "sources/korus_veileder.txt")
EXAMPLES = ("examples/frogner.txt", "examples/alna.txt")


def checkout_data_dir() -> Path:
    """The repository's top-level data/, where the package is read from a checkout (it need not exist)."""
    return Path(__file__).resolve().parent.parent / "data"


def data_path(name: str) -> Path:
    """A bundled data file as a path on disk (a package installed as files, as pip installs wheels).

    A file of TOP_LEVEL that the package lacks is the checkout's `data/<name>`, when that exists.
    """
    with as_file(files("alignment") / "data" / name) as path:
        bundled = Path(path)
    if name in TOP_LEVEL and not bundled.is_file():
        checkout = checkout_data_dir() / name
        if checkout.is_file():
            return checkout
    return bundled


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
