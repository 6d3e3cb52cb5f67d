"""alignment: check an Oslo district's drug-policy plan against the Byråd's strategic plan.

    analysis = check_plan("plan.pdf")           # read, extract, match: an immutable Analysis
    analysis = apply_review(analysis, load_review("plan.review.yaml", ids))
    write_report(analysis, "reports")           # HTML and JSON, written atomically

The names below load on first use, so a part of the package (the parser
process that `formats` starts, the command line's help) does not pay for
importing all of it.
"""

from importlib import import_module

_EXPORTS = {
    "Analysis": "records", "AlignmentError": "errors", "apply_review": "review", "check_plan": "check",
    "extract": "check", "load_review": "review", "write_comparison": "output", "write_report": "output",
    "write_review_template": "output",
}
__all__ = sorted(_EXPORTS)
__version__ = "0.1.0"


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'alignment' has no attribute {name!r}")
    return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
