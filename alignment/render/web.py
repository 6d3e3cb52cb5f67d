"""The workbench's pages: the overview of a workspace, a plan to review, and one tiltak's card.

They render through the same environment as the reports, but load their
style and script from the server (`/static/...`), so the pages run under a
Content-Security-Policy that allows no inline script or style. Every value
on them comes in as an argument.
"""

from __future__ import annotations

from ..records import CHECK_STAGES, Analysis, CheckState, Comparison, PlanListing, Review, Settings, TiltakVerdict, WorkspacePlan
from .environment import environment



def uncertainty(verdict: TiltakVerdict, settings: Settings) -> float:
    """How near the verdict's score is to a threshold: the smaller, the less sure the machine is."""
    return round(min(abs(verdict.score - settings.partial), abs(verdict.score - settings.covered)), 3)


environment.globals["uncertainty"] = uncertainty


def overview_html(listings: list[PlanListing], comparison: Comparison | None, token: str, error: str = "",
                  notice: str = "") -> str:
    return environment.get_template("web/overview.html").render(listings=listings, comparison=comparison, token=token,
                                                                error=error, notice=notice)


def plan_html(plan: WorkspacePlan, check: CheckState, analysis: Analysis | None, review: Review | None,
              revision: int, token: str, pdf_letter: bool = False) -> str:
    """The plan's page; `pdf_letter` offers the letter as PDF too (LibreOffice is installed)."""
    return environment.get_template("web/plan.html").render(plan=plan, check=check, analysis=analysis, review=review,
                                                            revision=revision, token=token, stages=CHECK_STAGES[1:],
                                                            pdf_letter=pdf_letter)


def card_html(plan: WorkspacePlan, analysis: Analysis, review: Review | None, tiltak_id: str) -> str:
    module = environment.get_template("web/_cards.html").module
    index = next(i for i, v in enumerate(analysis.verdicts) if v.tiltak.id == tiltak_id)
    return str(module.card(plan, analysis, review, index))
