"""What every reader needs to recognise: headings, bullets, field labels, unit codes.

Kept in one place so that two readers never disagree about what a bullet or
a "Tiltak 3:" line is.
"""

from __future__ import annotations

import re

from ..records import Document, Line
from ..textnorm import fold, is_caps_text

DEFAULT_UNITS = frozenset("NAV ALLE HBU TTJ MOF KE BV BH HJT HT BU HOF".split())

_NUMBERED_HEADING = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-ZÆØÅ@¢][^\n]{1,110})$")
_STRATEGY_HEADING = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?strategi\s+\d", re.IGNORECASE)

# "Tiltak 3: ..." and the "Ansvar: ..." / "Frist: ..." / "Mål: ..." lines under it.
NUMBERED_MEASURE = re.compile(r"^\s*tiltak\s+(\d{1,3}[a-z]?)\s*[:.)–-]\s*(.*)$", re.IGNORECASE)
FIELD = re.compile(r"^\s*(ansvar(?:lig)?|frist|tidsramme|tidsplan|mål|m[aå]l)\s*:\s*(.*)$", re.IGNORECASE)

# A list item's mark: a bullet glyph or "1." / "1)". OCR turns bullets into a lone "e" or "o"
# before a capital, which only lists that are known to hold measures may take as a bullet.
_GLYPHS = r"•·▪◦●\-–—*"
BULLET_MARK = re.compile(rf"^\s*(?:[{_GLYPHS}]|\d{{1,2}}[.)])\s+")
OCR_BULLET = re.compile(rf"^\s*(?:[{_GLYPHS}]|[eo](?=\s+[A-ZÆØÅ@¢(])|\d{{1,2}}[.)](?=\s))\s*")


def heading_of(line: Line) -> str | None:
    """The line's text if it reads as a section heading, else None."""
    text = line.text.strip()
    if not text:
        return None
    if line.heading_level:
        return text.lstrip("#").strip()
    if _STRATEGY_HEADING.match(text):
        return text
    match = _NUMBERED_HEADING.match(text)
    if match and not text.endswith((".", ",", ";")) and len(text.split()) <= 16:
        body = match.group(2)
        if not re.match(r"^\d", body) and not is_caps_text(body):
            return text
    return None


def is_measure_heading(text: str) -> bool:
    """'Tiltak', 'Nye tiltak', 'Vi vil': a heading whose items are measures."""
    folded = fold(text).strip(" :#")
    return folded in ("tiltak", "nye tiltak", "vare tiltak", "vi vil", "handlinger") or (
        folded.endswith(" tiltak") and len(folded.split()) <= 4
    )


def section_before(lines: tuple[Line, ...], index: int) -> str:
    """The nearest section heading above a line (not a 'Tiltak' heading)."""
    for line in reversed(lines[:index]):
        heading = heading_of(line)
        if heading and not is_measure_heading(heading):
            return heading
    return ""


def learn_unit_codes(document: Document) -> frozenset[str]:
    """Unit abbreviations the plan defines, e.g. 'Hjemmetjenesten (HT)', plus the usual ones."""
    codes = set(DEFAULT_UNITS)
    for match in re.finditer(r"\(([A-ZÆØÅ]{2,4})\)", document.text):
        codes.add(match.group(1))
    return frozenset(codes)


def split_units(text: str) -> list[str]:
    """'NAV, HBU og TTJ' → three units; 'Helse, barn og unge' stays one (a part in lower case continues)."""
    pieces = re.split(r"(\s*[,;/\n]\s*|\s+og\s+)", text.strip(" ."))
    units: list[str] = []
    for k in range(0, len(pieces), 2):
        part = pieces[k].strip(" .")
        if not part:
            continue
        if units and part[:1].islower():
            units[-1] = f"{units[-1]}{pieces[k - 1]}{part}"
        else:
            units.append(part)
    return [u.upper() if u.lower() == "alle" else u for u in units]


def starts_lower(text: str) -> bool:
    first = text.lstrip("«»\"'‘’(")[:1]
    return first.islower()
