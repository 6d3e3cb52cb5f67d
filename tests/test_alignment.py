"""The package as a whole (alignment/__init__.py): its public names, and imports that run one way."""

import ast
from pathlib import Path

import alignment

from .conftest import ROOT

PACKAGE = ROOT / "alignment"
# records ← ingest ← segment ← match ← analysis ← render ← cli: a module imports only its own layer or lower ones.
LAYERS = {
    "errors": 0, "records": 0, "resources": 0, "textnorm": 0, "untrusted": 0,
    "ingest": 1, "formats": 1,
    "segment": 2,
    "reference": 3, "lexical": 3, "model_store": 3, "onnx_model": 3, "embed": 3, "match": 3,
    "checklist": 4, "analysis": 4, "review": 4, "check": 4, "compare": 4, "evaluate": 4,
    "render": 5, "output": 5,
    "cli": 6, "serve": 6, "team": 6,
}
# Modules below render that still touch the disk, each for a reason that is not an output.
WRITES_ALLOWED_BELOW_RENDER = {"embed": "the embedding cache", "model_store": "installing the model",
                               "onnx_model": "exporting the model to ONNX at install",
                               "ingest": "a temporary copy of a scan for OCR"}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        yield path, parts[0], parts


def _imported_alignment_modules(path, parts):
    """The top-level alignment modules a file imports, relative imports resolved."""
    package = list(parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            names = [*base, *node.module.split(".")] if node.module else None
            yield from ([names[0]] if names else [base[0] if base else alias.name for alias in node.names])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("alignment."):
            yield node.module.split(".")[1]
        elif isinstance(node, ast.Import):
            yield from (alias.name.split(".")[1] for alias in node.names if alias.name.startswith("alignment."))


def _third_party(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.module.split(".")[0]


def test_every_module_has_a_layer():
    assert {top for _, top, _ in _modules() if top != "__init__"} == set(LAYERS)


def test_imports_run_one_way():
    wrong = []
    for path, top, parts in _modules():
        if top == "__init__":
            continue
        for imported in _imported_alignment_modules(path, parts):
            if imported in LAYERS and LAYERS[imported] > LAYERS[top]:
                wrong.append(f"{'/'.join(parts)} imports {imported}")
    assert wrong == []


def test_only_render_and_above_use_templates_or_spreadsheets_or_write_files():
    wrong = []
    for path, top, parts in _modules():
        if top == "__init__" or LAYERS[top] >= LAYERS["render"]:
            continue
        if {"jinja2", "openpyxl"} & set(_third_party(path)):
            wrong.append(f"{'/'.join(parts)} imports jinja2 or openpyxl")
        text = path.read_text(encoding="utf-8")
        if top not in WRITES_ALLOWED_BELOW_RENDER and any(
                call in text for call in ("write_text(", "write_bytes(", "os.replace(", "mkstemp(", '"wb"', '"w"')):
            wrong.append(f"{'/'.join(parts)} writes files")
    assert wrong == []


def test_the_public_names_are_the_documented_ones():
    assert set(alignment.__all__) == {"Analysis", "AlignmentError", "apply_review", "check_plan", "extract",
                                      "load_review", "write_comparison", "write_report", "write_review_template"}
    assert all(hasattr(alignment, name) for name in alignment.__all__)


def test_every_test_module_mirrors_a_module():
    tests = Path(__file__).parent
    orphans = []
    for path in tests.rglob("test_*.py"):
        relative = path.relative_to(tests).with_name(path.name[len("test_"):]).with_suffix("")
        if relative.parts == ("alignment",):
            continue
        module = PACKAGE.joinpath(*relative.parts)
        if not (module.with_suffix(".py").is_file() or (module / "__init__.py").is_file()):
            orphans.append(str(path.relative_to(tests)))
    assert orphans == []
