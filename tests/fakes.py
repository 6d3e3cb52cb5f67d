"""Stand-ins for the slow parts, so tests know the similarities in advance."""

from __future__ import annotations

import functools

import numpy as np


class KeywordEmbedder:
    """A stand-in model: one dimension per keyword, so similarities are known in advance."""

    model_key = "keywords"
    words = ["hap", "kontaktperson", "nettside", "samtykke", "finansiering", "bolig", "pårørende", "arbeid"]

    def encode(self, texts, prompt_name=None, progress=None):
        rows = []
        for text in texts:
            lower = text.lower()
            row = np.array([1.0 if w in lower else 0.0 for w in self.words] + [0.3])
            rows.append(row / np.linalg.norm(row))
        return np.array(rows)


@functools.lru_cache(maxsize=1)
def keyword_matcher():
    """The bundled reference and a matcher fitted on it with the keyword model (both immutable once made)."""
    from alignment.match import Matcher
    from alignment.reference import load_reference

    reference = load_reference()
    return reference, Matcher(KeywordEmbedder()).fit(reference.tiltak)


def keyword_analysis(measures, document=None, checklist=()):
    """An analysis of `measures` judged by the keyword model (no file, no real model)."""
    from alignment.check import analyze
    from alignment.records import Document

    reference, matcher = keyword_matcher()
    document = document or Document("plan", "plan.txt", "txt")
    return analyze(document, tuple(measures), matcher, reference, checklist=checklist)
