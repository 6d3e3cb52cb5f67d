"""The library's front door: a plan file in, a gap report out.

The CLI is a thin layer over these functions; anything the CLI does, a
Python user can do with them.
"""

from __future__ import annotations

from pathlib import Path

from .embed import Embedder
from .ingest import Document, read_document
from .match import DEFAULT_SETTINGS, Matcher, Settings
from .reference import Reference, load_reference
from .report import GapReport
from .segment import Measure, extract_measures


def extract(plan: str | Path, ocr: bool = False) -> tuple[Document, list[Measure]]:
    document = read_document(plan, ocr=ocr)
    return document, extract_measures(document)


def prepare_reference(model: str | None = None, reference: Reference | str | Path | None = None,
                      settings: Settings = DEFAULT_SETTINGS) -> int:
    """Encode the Byråd's tiltak and their rewordings into the embedding cache before the first check.

    They are the same for every plan, so afterwards a first `check` encodes only the plan's own
    measures (about 45 texts instead of 189). Returns how many texts had to be encoded now.
    """
    if not isinstance(reference, Reference):
        reference = load_reference(reference)
    embedder = Embedder(model)
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
) -> GapReport:
    """Read, extract, match and build the report for one plan (nothing is written).

    `review` is an advisor's review file (see `alignment.review`) whose decisions override the machine's.
    A fitted `matcher` (fitted on `reference`) lets several plans share one; then `model`, `embedder`
    and `settings` are its own.
    """
    if not isinstance(reference, Reference):
        reference = load_reference(reference)
    document, measures = extract(plan, ocr=ocr)
    if matcher is None:
        matcher = Matcher(embedder or Embedder(model), settings).fit(reference.tiltak)
    verdicts, matches = matcher.match(measures)
    report = GapReport(document, measures, verdicts, matches, reference, matcher.embedder.model_key,
                       matcher.settings)
    if review is not None:
        report.apply_review(review)
    return report
