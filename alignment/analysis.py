"""One plan, read and judged, as one immutable `Analysis`.

Every output (the HTML and JSON reports, the review file, the spreadsheets,
the workbench's pages) is a function of an analysis, so none of them can
disagree with another. Summaries are computed here once, from the verdicts.
"""

from __future__ import annotations

import re

from .checklist import check_measures, run_checklist
from .segment.account import account_extraction
from .records import (
    OWNER_GROUPS,
    STATUSES,
    Analysis,
    ChecklistItem,
    CoverageRow,
    Document,
    Measure,
    MeasureMatch,
    Plan,
    Reference,
    Scores,
    Settings,
    Summary,
    TiltakList,
    TiltakVerdict,
)


def plan_title(document: Document) -> str:
    """'Bydel Frogner' when the plan names its district near the top, else the file name."""
    for line in document.lines[:60]:
        match = re.search(r"\bBydel\s+([A-ZÆØÅ][a-zæøåé]+(?:[ -][A-ZÆØÅ][a-zæøåé]+)?)", line.text)
        if match:
            return f"Bydel {match.group(1)}"
    return document.name


def plan_heading(document: Document) -> str:
    """The plan's own title when one of its first lines reads like one ("Russtrategi 2021 -2024 Bydel Frogner")."""
    lines = [line.text.strip() for line in document.lines[:40] if line.text.strip()][:5]
    for text in lines:
        if (len(text) <= 120 and not re.match(r"\d", text) and not text.endswith((".", ",", ":"))
                and re.search(r"plan|strategi", text, re.IGNORECASE)):
            return re.sub(r"\s+", " ", text.lstrip("# "))
    return ""


def build_analysis(document: Document, measures: tuple[Measure, ...], scores: Scores,
                   verdicts: tuple[TiltakVerdict, ...], matches: tuple[MeasureMatch, ...], reference: Reference,
                   model: str, settings: Settings, checklist: tuple[ChecklistItem, ...]) -> Analysis:
    plan = Plan(document.name, document.source, document.format, plan_title(document), plan_heading(document))
    return Analysis(
        plan=plan,
        document=document,
        measures=measures,
        scores=scores,
        machine_verdicts=verdicts,
        verdicts=verdicts,
        matches=matches,
        checklist=run_checklist(checklist, document),
        measure_checks=check_measures(measures),
        summary=summarize(verdicts, matches, reference),
        reference=reference,
        model=model,
        settings=settings,
        extraction=account_extraction(document, measures),
    )


def coverage(label: str, verdicts) -> CoverageRow:
    return CoverageRow(label, *(sum(v.status == s for v in verdicts) for s in STATUSES))


def summarize(verdicts: tuple[TiltakVerdict, ...], matches: tuple[MeasureMatch, ...], reference: Reference) -> Summary:
    """Coverage overall, per strategy and per owner; the verdicts per Byråd list; the local additions."""
    by_strategy = []
    for strategy in reference.strategies:
        group = [v for v in verdicts if v.tiltak.strategy == strategy.id]
        district = [v for v in group if v.tiltak.owner in OWNER_GROUPS[0][2]]
        city = [v for v in group if v.tiltak.owner in OWNER_GROUPS[1][2]]
        by_strategy.append((strategy.text, coverage("Bydelen skal handle", district), coverage("Byens ansvar", city)))
    by_owner = tuple(
        coverage(label, [v for v in verdicts if v.tiltak.owner in owners]) for _, label, owners in OWNER_GROUPS
    )
    lists = tuple(
        TiltakList(section, heading, reference.strategy_text(strategy),
                   tuple(v for v in verdicts if v.tiltak.section == section))
        for section, heading, strategy in reference.sections
    )
    local = tuple(m.measure for m in matches if not m.matches)
    return Summary(coverage("Alle", verdicts), tuple(by_strategy), by_owner, lists, local)
