"""alignment: check an Oslo district's drug-policy plan against the Byråd's strategic plan."""

from .check import check_plan, extract
from .errors import AlignmentError

__all__ = ["check_plan", "extract", "AlignmentError"]
__version__ = "0.1.0"
