"""A plan's chapters, and which of them can hold measures.

Prose plans put their measures in some chapters ("5 Forebygging", "6.2 Bolig")
and background in others (status and figures, how the plan was made, the
city's and the state's initiatives, follow-up of the plan). A chapter's
heading says which it is often enough: a background word in the heading (or
in the heading above it) makes the whole chapter background for the prose
reader, and the account of the extraction says so, so an advisor can see what
was not read as measures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import Document, Line
from ..textnorm import fold
from .patterns import heading_of

BACKGROUND, MEASURES, OPEN = "bakgrunn", "tiltak", "åpen"

# Folded words that open a background chapter's heading ("2 Status og utfordringer", "Om planen").
_BACKGROUND_OPENERS = (
    "innledning", "bakgrunn", "sammendrag", "forord", "status", "nasituasjon", "situasjonsbeskrivelse",
    "utfordringer", "utfordringsbilde", "utviklingstrekk", "nokkeltall", "fakta", "statistikk", "kunnskapsgrunnlag",
    "kunnskap om", "medvirkning", "brukermedvirkning", "planprosess", "prosess", "om planen", "om handlingsplanen",
    "planens", "planarbeid", "forankring", "foringer", "sentrale foringer", "nasjonale", "statlige", "kommunale",
    "byens", "statens", "regjeringens", "byradets", "oslo kommunes", "lovverk", "lover og", "definisjoner",
    "begreper", "begrepsavklaring", "visjon", "hovedmal", "mal og", "malsetting", "ungdata", "brukerplan",
    "vedlegg", "referanser", "kilder", "litteratur", "oppfolging av planen", "oppfolging og evaluering",
    "oppfolging, evaluering", "evaluering", "rullering", "revisjon", "okonomi", "okonomiske", "organisering",
    "eksisterende", "dagens tilbud", "dagens tjenester", "utovende tjenester", "tjenestetilbudet i dag",
    "innhold", "innholdsfortegnelse", "kontakt", "ordliste",
)
# Words anywhere in a heading that mark another actor's chapter ("Byens og statens satsinger").
_BACKGROUND_WORDS = ("byens", "statens", "statlige", "nasjonale", "regjeringens", "byradets", "velferdsetaten",
                     "helseetaten", "utdanningsetaten")
# Phrases anywhere in a heading that mark a chapter of goals ("Ruspolitiske mål for perioden").
_GOAL_PHRASES = ("mal for", "mal og prioriteringer", "malsettinger", "hovedmal", "overordnede mal", "nasjonale mal")
_MEASURE_WORDS = ("tiltak", "handlingsdel", "handlingsplan for", "innsatsomrade", "handlinger", "vi vil", "satsing")
MAX_NUMBERED_HEADINGS = 600  # beyond this, every numbered line counts as a heading (the order check is quadratic)
_TOC_LEADER = re.compile(r"(?:\.{3,}|…{2,}|\t)\s*\d+\s*$")
_TOC_ENTRY = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+\D.*\s\d{1,3}\s*$")  # "5 Forebygging 12"
MIN_CONTENTS_RUN = 6  # a table of contents lists more headings in a row than a chapter opens with
_PAGE_FURNITURE = re.compile(r"^\s*(?:side\s+)?\d{1,3}(?:\s*(?:av|/)\s*\d{1,3})?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Chapter:
    """A heading and the lines under it up to the next heading; `role` says whether prose there is read."""

    heading: str
    level: int
    role: str
    parent: str
    start: int  # index of the heading line in document.lines (-1: the text before the first heading)
    end: int  # index one past the chapter's last line

    def lines(self, document: Document) -> tuple[Line, ...]:
        return document.lines[self.start + 1:self.end]


def heading_level(line: Line, heading: str) -> int:
    """A numbered heading's depth ("5.2" is 2), whatever its style; else the style's level.

    A plan's numbers are the one scheme its headings agree on: a PDF's type sizes or a
    Word style may put "1 Innledning" at another level than "8 Oppfølging".
    """
    number = re.match(r"\s*(\d{1,2}(?:\.\d{1,2})*)\.?\s", heading)
    if number:
        return number.group(1).count(".") + 1
    return line.heading_level or 1


def chapter_heading(line: Line) -> str | None:
    """The line's text if it opens a chapter (not a table of contents' entry, not a page number)."""
    heading = heading_of(line)
    if heading is None or _TOC_LEADER.search(heading) or _TOC_ENTRY.match(heading):
        return None
    return heading


def _contents_runs(lines: tuple[Line, ...], candidates: list[tuple[int, str]]) -> set[int]:
    """Headings listed one after another with no text between them, four or more: a table of contents."""
    listed: set[int] = set()
    run: list[int] = []
    for k, (index, _) in enumerate(candidates):
        previous = candidates[k - 1][0] if k else None
        between = lines[previous + 1:index] if previous is not None else ()
        if run and not any(line.text.strip() and not is_page_furniture(line) for line in between):
            run.append(index)
        else:
            if len(run) >= MIN_CONTENTS_RUN:
                listed.update(run)
            run = [index]
    if len(run) >= MIN_CONTENTS_RUN:
        listed.update(run)
    return listed


def is_page_furniture(line: Line) -> bool:
    """A page number or 'Side 3 av 8' standing alone on a line of a PDF."""
    return bool(_PAGE_FURNITURE.match(line.text))


def role_of(heading: str, parent_role: str = OPEN) -> str:
    """BACKGROUND, MEASURES or OPEN (read as measures where the prose makes commitments) for a heading."""
    folded = fold(re.sub(r"^\s*[\d.]+\s*", "", heading)).strip(" :#")
    if any(re.search(rf"\b{word}\b", folded) for word in _BACKGROUND_WORDS):
        return BACKGROUND
    if any(word in folded for word in _MEASURE_WORDS):
        return MEASURES
    if folded.startswith(_BACKGROUND_OPENERS) or any(phrase in folded for phrase in _GOAL_PHRASES):
        return BACKGROUND
    return parent_role if parent_role == BACKGROUND else OPEN


def _section_number(line: Line, heading: str) -> tuple[int, ...] | None:
    """(5, 2) for "5.2 Bolig" in plain text; None for a styled heading, which needs no number to be one."""
    if line.heading_level:
        return None
    match = re.match(r"\s*(\d{1,2}(?:\.\d{1,2})*)\.?\s", heading)
    return tuple(int(n) for n in match.group(1).split(".")) if match else None


def _numbered_in_order(numbers: list[tuple[int, ...]], listlike: list[bool]) -> set[int]:
    """Positions of the run of section numbers that only increase, weighted to prefer lone headings.

    A numbered list inside a chapter ("1. …", "2. …" under 2.1) breaks the
    order of the real sections around it, so it falls outside the run; where
    a list and the real sections give runs of the same length, the list's
    lines (numbered lines next to each other) count for less.
    """
    if len(numbers) > MAX_NUMBERED_HEADINGS:
        return set(range(len(numbers)))
    best = [0.0] * len(numbers)
    before = [-1] * len(numbers)
    for i, number in enumerate(numbers):
        weight = 0.5 if listlike[i] else 1.0
        best[i] = weight
        for j in range(i):
            if numbers[j] < number and best[j] + weight > best[i]:
                best[i], before[i] = best[j] + weight, j
    chosen: set[int] = set()
    i = max(range(len(numbers)), key=lambda k: (best[k], -k)) if numbers else -1
    while i >= 0:
        chosen.add(i)
        i = before[i]
    return chosen


def split_chapters(document: Document) -> list[Chapter]:
    """Every chapter in order, with the text before the first heading as a chapter of its own."""
    lines = document.lines
    candidates = [(index, heading) for index, line in enumerate(lines) if (heading := chapter_heading(line))]
    contents = _contents_runs(lines, candidates)
    candidates = [(index, heading) for index, heading in candidates if index not in contents]
    numbered = [(k, number) for k, (index, heading) in enumerate(candidates)
                if (number := _section_number(lines[index], heading)) is not None]
    rows = [candidates[k][0] for k, _ in numbered]
    listlike = [any(0 < abs(row - other) <= 2 for other in rows) for row in rows]
    in_order = {numbered[i][0] for i in _numbered_in_order([number for _, number in numbered], listlike)}
    numbered_positions = {k for k, _ in numbered}
    starts: list[tuple[int, str, int]] = []
    for k, (index, heading) in enumerate(candidates):
        if k in numbered_positions and k not in in_order:
            continue  # "1. …" inside chapter 2: a numbered list, not a chapter
        starts.append((index, heading, heading_level(lines[index], heading)))
    chapters: list[Chapter] = []
    first = starts[0][0] if starts else len(lines)
    if first > 0:
        # the title page and foreword: background when chapters follow
        chapters.append(Chapter("", 0, BACKGROUND if starts else OPEN, "", -1, first))
    stack: list[tuple[int, str, str]] = []  # (level, heading, role) of the chapters above
    for k, (index, heading, level) in enumerate(starts):
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent_role = stack[-1][2] if stack else OPEN
        role = role_of(heading, parent_role)
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        chapters.append(Chapter(heading, level, role, stack[0][1] if stack else "", index, end))
        stack.append((level, heading, role))
    return chapters
