"""The one jinja environment every HTML output renders through, and how numbers, dates and names read.

Autoescape is on for every template and string, so a plan's text, a file
name or a reviewer's comment can never become markup; templates get their
data as explicit arguments and macros (`_macros.html`). The filters write
for Norwegian readers: a decimal comma (1,32), dates as "3. desember 2026",
a plan's file name rather than a server's path, and a model's name without
its cache hash. The letter uses the same helpers.
"""

from __future__ import annotations

import datetime
import re

from jinja2 import Environment, PackageLoader, select_autoescape

from ..records import OWNER_LABELS, STATUS_LABELS

MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")


def decimal(value: float, places: int = 2) -> str:
    """A number as Norwegian writes it: '1,32' for 1.32, '-0,50' for -0.5 (a decimal comma)."""
    return f"{float(value):.{places}f}".replace(".", ",")


def norwegian_date(value: str) -> str:
    """'30. november 2026' for '2026-11-30' (also the date of an ISO time); other spellings as written."""
    text = str(value).strip()
    try:
        day = datetime.date.fromisoformat(text[:10]) if re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?", text) else None
    except ValueError:
        day = None
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}" if day else text


def model_name(model_key: str) -> str:
    """'embeddinggemma-300m' for the cache key 'embeddinggemma-300m-cbf5a78393b6' (the hash says nothing to a reader)."""
    return re.sub(r"-[0-9a-f]{12}(?=$|-)", "", model_key)


def file_name(source: str) -> str:
    """The file's own name, without the folders of the machine it was checked on ('frogner.txt')."""
    return str(source).replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


environment = Environment(
    loader=PackageLoader("alignment.render", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
environment.filters["status_label"] = lambda status: STATUS_LABELS[status]
environment.filters["anchor"] = lambda text: re.sub(r"[^A-Za-z0-9]+", "-", str(text)).strip("-")
environment.filters.update(decimal=decimal, norwegian_date=norwegian_date, model_name=model_name, file_name=file_name)
environment.globals.update(status_labels=STATUS_LABELS, owner_labels=OWNER_LABELS)  # the filter menus
