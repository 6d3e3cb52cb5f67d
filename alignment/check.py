"""The library's front door: a plan file in, an `Analysis` out (nothing is written).

The CLI and the web app are thin layers over these functions; anything they
do, a Python user can do with them. Writing the reports is a separate step
(`alignment.output`).
"""

from __future__ import annotations

from pathlib import Path

from .analysis import build_analysis
from .checklist import load_checklist
from .embed import Embedder
from .ingest import read_document
from .match import Matcher, judge
from .records import DEFAULT_SETTINGS, Analysis, ChecklistItem, Document, Measure, Reference, Review, Settings
from .reference import load_reference
from .review import apply_review, load_review
from .segment import extract_measures
from .segment.account import refuse_non_plan
from .segment.corrections import apply_corrections


def extract(plan: str | Path, ocr: bool = False) -> tuple[Document, tuple[Measure, ...]]:
    document = read_document(plan, ocr=ocr)
    return document, extract_measures(document)


def prepare_reference(model: str | None = None, reference: Reference | str | Path | None = None,
                      settings: Settings = DEFAULT_SETTINGS, backend: str | None = None) -> int:
    """Encode the Byråd's tiltak and their rewordings into the embedding cache before the first check.

    They are the same for every plan, so afterwards a first `check` encodes only the plan's own
    measures (about 45 texts instead of 189). Returns how many texts had to be encoded now.
    """
    if not isinstance(reference, Reference):
        reference = load_reference(reference)
    embedder = Embedder(model, backend=backend)
    Matcher(embedder, settings).fit(reference.tiltak)
    return embedder.encoded_count


def check_plan(
    plan: str | Path,
    model: str | None = None,
    reference: Reference | str | Path | None = None,
    settings: Settings = DEFAULT_SETTINGS,
    embedder: Embedder | None = None,
    ocr: bool = False,
    review: str | Path | None = None,
    matcher: Matcher | None = None,
    checklist: tuple[ChecklistItem, ...] | None = None,
    backend: str | None = None,
) -> Analysis:
    """Read, extract and match one plan; with `review`, an advisor's review file decides where it says so.

    A fitted `matcher` (fitted on `reference`) lets several plans share one model load; then
    `model`, `backend`, `embedder` and `settings` are its own.
    """
    if not isinstance(reference, Reference):
        reference = load_reference(reference)
    document, measures = extract(plan, ocr=ocr)
    refuse_non_plan(document, measures, str(plan))
    if matcher is None:
        matcher = Matcher(embedder or Embedder(model, backend=backend), settings).fit(reference.tiltak)
    return analyze(document, measures, matcher, reference, checklist, review)


def analyze(document: Document, measures: tuple[Measure, ...], matcher: Matcher, reference: Reference,
            checklist: tuple[ChecklistItem, ...] | None = None, review: str | Path | Review | None = None,
            progress=None) -> Analysis:
    """Match a plan that is already read; the workbench reads and extracts in its own steps.

    A review (a file, or one already read) corrects the measures before matching (passages an advisor
    added, finds an advisor refused) and decides verdicts after it. `progress(done, total)` follows the
    encoding of the plan's measures.
    """
    loaded = load_review(review, [t.id for t in reference.tiltak]) if isinstance(review, (str, Path)) else review
    if loaded is not None:
        measures = apply_corrections(document, measures, loaded.added, loaded.rejected)
    scores = matcher.score(measures, progress)
    verdicts, matches = judge(matcher.tiltak_, measures, scores, matcher.settings)
    analysis = build_analysis(document, measures, scores, verdicts, matches, reference, matcher.embedder.model_key,
                              matcher.settings, checklist if checklist is not None else load_checklist())
    return apply_review(analysis, loaded) if loaded is not None else analysis
