"""The one jinja environment every HTML output renders through.

Autoescape is on for every template and string, so a plan's text, a file
name or a reviewer's comment can never become markup; templates get their
data as explicit arguments and macros (`_macros.html`).
"""

from __future__ import annotations

import re

from jinja2 import Environment, PackageLoader, select_autoescape

from ..records import OWNER_LABELS, STATUS_LABELS

environment = Environment(
    loader=PackageLoader("alignment.render", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
environment.filters["status_label"] = lambda status: STATUS_LABELS[status]
environment.filters["anchor"] = lambda text: re.sub(r"[^A-Za-z0-9]+", "-", str(text)).strip("-")
environment.globals.update(status_labels=STATUS_LABELS, owner_labels=OWNER_LABELS)  # the filter menus
