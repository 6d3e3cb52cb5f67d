"""Build hook: the YAML data files live once, at the top level (`data/*.yaml`), and ship inside the package.

The metadata is in pyproject.toml. This file only adds one step to `build_py`: it copies `data/*.yaml` (the
Byråd's tiltak, their rewordings, KoRus's checklist) into `alignment/data/` of the build, so a wheel carries them as
package data and `importlib.resources` finds them wherever it is installed. `get_source_files` names them too, so an
sdist carries them and a wheel built from it does the same. An editable install builds nothing:
`alignment/resources.py` reads the same files from the checkout's `data/`. Nothing keeps a second copy by hand.
"""

from glob import glob
from os.path import basename, join

from setuptools import setup
from setuptools.command.build_py import build_py

TOP_LEVEL_DATA = "data/*.yaml"  # relative to the project folder, where every build runs
PACKAGE_DATA_DIR = ("alignment", "data")


def _top_level_data() -> list[str]:
    found = sorted(glob(TOP_LEVEL_DATA))
    if "data/byraad_tiltak.yaml" not in found:
        raise SystemExit(f"{TOP_LEVEL_DATA} is missing (found {found or 'nothing'}): "
                         "build from the repository or from a complete sdist")
    return found


class build_py_with_top_level_data(build_py):
    def _data_targets(self) -> list[tuple[str, str]]:
        return [(source, join(self.build_lib, *PACKAGE_DATA_DIR, basename(source))) for source in _top_level_data()]

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # the package is read in place; resources.py finds data/ beside it
            return
        for source, target in self._data_targets():
            self.mkpath(join(self.build_lib, *PACKAGE_DATA_DIR))
            self.copy_file(source, target, preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if self.editable_mode:
            return outputs
        return [*outputs, *(target for _, target in self._data_targets())]

    def get_source_files(self) -> list[str]:
        return [*super().get_source_files(), *_top_level_data()]


setup(cmdclass={"build_py": build_py_with_top_level_data})
