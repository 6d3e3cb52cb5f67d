"""alignment: check an Oslo district's drug-policy plan against the Byråd's strategic plan.

    analysis = check_plan("plan.pdf")           # read, extract, match: an immutable Analysis
    analysis = apply_review(analysis, load_review("plan.review.yaml", ids))
    write_report(analysis, "reports")           # HTML and JSON, written atomically
"""

from .check import check_plan, extract
from .errors import AlignmentError
from .output import write_comparison, write_report, write_review_template
from .records import Analysis
from .review import apply_review, load_review

__all__ = ["Analysis", "AlignmentError", "apply_review", "check_plan", "extract", "load_review", "write_comparison",
           "write_report", "write_review_template"]
__version__ = "0.1.0"
