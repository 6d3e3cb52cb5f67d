"""Compare several districts' plans: the 36 tiltak against the districts.

Analysts ask which city measures every district has taken up, which none
has, and where one district stands against the others. Each plan is checked
once with a shared matcher (one model load); a plan that cannot be read is
reported and the others go on. The result is a `Comparison` record that the
renderers turn into a web page, CSV, XLSX and JSON.
"""

from __future__ import annotations

from pathlib import Path

from .check import check_plan
from .checklist import load_checklist
from .embed import Embedder
from .errors import InputError
from .match import Matcher
from .records import DEFAULT_SETTINGS, Analysis, Comparison, District, MatrixGroup, MatrixRow, PlanFailure, Reference, Settings
from .reference import load_reference
from .resources import example_plans


RESERVED_STEMS = frozenset({"sammenligning"})  # the comparison's own files


def compare_plans(
    plans: list[str | Path] | None = None,
    model: str | None = None,
    reference: Reference | str | Path | None = None,
    settings: Settings = DEFAULT_SETTINGS,
    embedder: Embedder | None = None,
    progress=None,
    review_dir: str | Path | None = None,
    ocr: bool = False,
    backend: str | None = None,
) -> Comparison:
    """Check every plan with one matcher; unreadable plans become failures, not an abort.

    Where `review_dir` holds a plan's `<stem>.review.yaml`, the reviewer's corrections and verdicts are used.
    """
    plans = [Path(p) for p in (plans or example_plans())]
    if not isinstance(reference, Reference):
        reference = load_reference(reference)
    matcher = Matcher(embedder or Embedder(model, backend=backend), settings).fit(reference.tiltak)
    checklist = load_checklist()
    analyses: list[Analysis] = []
    stems: list[str] = []
    failures: list[PlanFailure] = []
    for plan, stem in zip(plans, unique_stems([plan.stem for plan in plans])):
        review = review_path(review_dir, stem) if review_dir is not None else None
        try:
            analyses.append(check_plan(plan, reference=reference, ocr=ocr, matcher=matcher, checklist=checklist,
                                       review=review if review is not None and review.is_file() else None))
            stems.append(stem)
        except InputError as error:
            failures.append(PlanFailure(str(plan), str(error)))
        if progress is not None:
            progress(plan)
    return build_comparison(analyses, stems, failures, reference)


def review_path(out_dir: str | Path, stem: str) -> Path:
    """Where a plan's review file sits: beside its report."""
    return Path(out_dir) / f"{stem}.review.yaml"


def unique_stems(names: list[str]) -> list[str]:
    """Two plans named plan.txt in different folders must not write over each other's report."""
    used = set(RESERVED_STEMS)
    stems = []
    for name in names:
        stem, n = name, 2
        while stem in used:
            stem, n = f"{name}-{n}", n + 1
        used.add(stem)
        stems.append(stem)
    return stems


def build_comparison(analyses: list[Analysis], stems: list[str], failures: list[PlanFailure],
                     reference: Reference) -> Comparison:
    districts = _districts(analyses, stems)
    groups = tuple(
        MatrixGroup(strategy_id, reference.strategy_text(strategy_id), section, heading, tuple(
            MatrixRow(t, strategy_id, tuple((d, d.verdict(t.id)) for d in districts))
            for t in reference.tiltak if t.section == section
        ))
        for section, heading, strategy_id in reference.sections
    )
    uncovered = tuple(
        t for t in reference.tiltak
        if districts and all(d.verdict(t.id).status == "missing" for d in districts)
    )
    return Comparison(districts, tuple(failures), reference, groups, uncovered)


def _districts(analyses: list[Analysis], stems: list[str]) -> tuple[District, ...]:
    """A column name per plan: its district, with the file's stem where two plans name the same one."""
    titles = [a.plan.title for a in analyses]
    districts, used = [], set()
    for title, stem, analysis in zip(titles, stems, analyses):
        name = title if titles.count(title) == 1 else f"{title} ({stem})"
        n = 2
        while name in used:  # two drafts of one district: keep both apart
            name, n = f"{title} ({stem} {n})", n + 1
        used.add(name)
        districts.append(District(name, stem, analysis))
    return tuple(districts)
