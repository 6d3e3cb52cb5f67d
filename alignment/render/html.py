"""The self-contained HTML pages: one plan's gap report, and the comparison of several.

Styles and script are inlined, nothing is fetched, so a report can be mailed
or opened from a USB stick; printing opens every evidence text.
"""

from __future__ import annotations

from ..records import Analysis, Comparison
from .environment import environment


def report_html(analysis: Analysis) -> str:
    return environment.get_template("report.html").render(analysis=analysis)


def comparison_html(comparison: Comparison) -> str:
    return environment.get_template("compare.html").render(comparison=comparison)
