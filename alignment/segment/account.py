"""An account of the extraction: which chapters gave measures, which were read as background, and warnings.

Every verdict rests on the measures the readers found. When they found none,
or few for the plan's length, or passed over a chapter full of commitment
language, a "Mangler" may mean "not found by the tool" rather than "not in
the plan", and every output must say so. This module says when; the
thresholds are stated as plain rates so an advisor can follow them.
"""

from __future__ import annotations

import re
from collections import Counter

from ..errors import NotAPlanError, NothingFoundError
from ..records import ChapterReading, Document, ExtractionAccount, ExtractionWarning, Measure
from ..textnorm import fold
from .chapters import BACKGROUND, Chapter, split_chapters
from .prose import commitments_in

# The sparsest plan read well so far (Frogner) has 9.8 measures per 1,000 words; a prose plan read only
# in its table had 1. Below this rate, in a plan long enough to judge, the reading is called thin.
MIN_MEASURES_PER_1000_WORDS = 2.5
MIN_WORDS_TO_JUDGE = 800
MIN_UNREAD_COMMITMENTS = 3  # commitment sentences in one background chapter before it is pointed out
# Words any drug-policy plan uses; a file with almost none of them is not a plan (folded stems).
_PLAN_WORDS = ("rus", "tiltak", "bydel", "forebygg", "plan", "parorende", "psykisk", "oppfolging", "behandling",
               "alkohol", "cannabis", "narkotika", "avhengig", "tjeneste", "nav", "ungdom", "helse")
MIN_PLAN_WORDS = 4


def count_words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def document_words(document: Document) -> int:
    return count_words(document.text) + sum(count_words(" ".join(row)) for table in document.tables
                                            for row in table.rows)


def looks_like_plan(document: Document) -> bool:
    """Whether the text speaks of drug policy at all (a recipe or an invoice does not)."""
    folded = fold(document.text + " " + " ".join(" ".join(r) for t in document.tables for r in t.rows))
    return sum(1 for stem in _PLAN_WORDS if re.search(rf"\b{stem}", folded)) >= MIN_PLAN_WORDS


def refuse_non_plan(document: Document, measures: tuple[Measure, ...], source: str) -> None:
    """A file with no measures and no words of the field is the wrong file: one line, and no report of 36 × Mangler."""
    if not measures and not looks_like_plan(document):
        raise NotAPlanError(f"{source}: ser ikke ut som en plan for rusfeltet (nesten ingen ord om rus, tiltak, "
                            "bydel eller tjenester). Velg bydelens handlingsplan.")


def ensure_measures(document: Document, measures: tuple[Measure, ...], source: str) -> None:
    """Refuse a file that is not a plan, or a plan in which nothing was found, with one Norwegian line."""
    refuse_non_plan(document, measures, source)
    if measures:
        return
    raise NothingFoundError(
        f"{source}: fant ingen tiltak i planen. Verktøyet leser tiltak i tabeller med en TILTAK-kolonne, "
        "nummererte og punktvise lister og setninger som «Bydelen vil …» / «Vi skal …». Se hva som ble lest med "
        "`alignment extract`, eller legg tiltakene inn i en tabell eller liste.")


def account_extraction(document: Document, measures: tuple[Measure, ...]) -> ExtractionAccount:
    chapters = split_chapters(document)
    readings = tuple(_reading(document, chapter, chapters, measures) for chapter in chapters)
    words = document_words(document)
    table_words = _table_words(document)
    measure_words = sum(r.words for r in readings if r.measures) + table_words
    layouts = tuple(Counter(_layout_family(m.layout) for m in measures).most_common())
    return ExtractionAccount(words, min(measure_words, words), readings, layouts,
                             _warnings(words, measures, readings))


def _reading(document: Document, chapter: Chapter, chapters: list[Chapter],
             measures: tuple[Measure, ...]) -> ChapterReading:
    lines = chapter.lines(document)
    first = document.lines[chapter.start] if chapter.start >= 0 else (lines[0] if lines else None)
    numbers = {line.number for line in lines} | ({first.number} if first else set())
    found = sum(1 for m in measures if m.line in numbers)
    unread = len(_district_commitments(chapter, document)) if chapter.role == BACKGROUND else 0
    role = "tiltak" if found else ("bakgrunn" if chapter.role == BACKGROUND else "lest")
    return ChapterReading(chapter.heading, role, first.number if first else None, first.page if first else None,
                          count_words(" ".join(line.text for line in lines)), found, unread)


def _district_commitments(chapter: Chapter, document: Document) -> list:
    """Commitments of the district itself (not of a named unit, which the plan may only describe)."""
    return [c for c in commitments_in(chapter, document) if not c.actor]


def _table_words(document: Document) -> int:
    return sum(count_words(" ".join(row)) for table in document.tables for row in table.rows)


def _layout_family(layout: str) -> str:
    """'tabell 3' and 'tabell 4' are one layout for the account."""
    return re.sub(r"\s+\d+$", "", layout) or "ukjent"


def _warnings(words: int, measures: tuple[Measure, ...], readings: tuple[ChapterReading, ...]
              ) -> tuple[ExtractionWarning, ...]:
    warnings = []
    if not measures:
        warnings.append(ExtractionWarning("no_measures", "Verktøyet fant ingen tiltak i planen. «Mangler» betyr "
                                          "her bare at ingenting ble funnet."))
    elif words >= MIN_WORDS_TO_JUDGE and len(measures) < MIN_MEASURES_PER_1000_WORDS * words / 1000:
        warnings.append(ExtractionWarning(
            "few_measures",
            f"Verktøyet fant bare {len(measures)} tiltak i en plan på {_thousands(words)} ord. Planen kan ha "
            "flere tiltak enn verktøyet fant, så «Mangler» kan bety «ikke funnet»: se gjennom planen selv."))
    unread = [r for r in readings if r.unread_commitments >= MIN_UNREAD_COMMITMENTS]
    if unread:
        names = ", ".join(f"«{r.heading or 'innledningen'}» ({r.unread_commitments})" for r in unread[:4])
        warnings.append(ExtractionWarning(
            "unread_commitments",
            f"Kapitler som ble lest som bakgrunn, har setninger som ligner tiltak: {names}. Står det tiltak der, "
            "er de ikke med i vurderingen."))
    return tuple(warnings)


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")
