"""A wording signal beside the embeddings: TF-IDF over character n-grams.

Districts often copy the Byråd's wording, and character n-grams of
accent-folded, OCR-repaired text find that copying even through OCR errors
('oppfglging') and Norwegian compounds ('pårørendesamarbeid' ~ 'samarbeide
med pårørende'), where word matching fails.

The vectoriser is scikit-learn's `TfidfVectorizer(analyzer="char_wb",
ngram_range=(3, 5), sublinear_tf=True)` written out in numpy (the tests
check it gives the same numbers): importing scikit-learn alone takes over a
second, which a cached re-run of `check` cannot afford.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from .textnorm import char_wb_ngrams, lexical_form


class LexicalScorer:
    """Cosine similarity of char 3–5-gram TF-IDF vectors; IDF learnt from the reference side."""

    def __init__(self, repair: bool = True) -> None:
        self.repair = repair

    def fit(self, reference_texts: list[str]) -> "LexicalScorer":
        counts = [char_wb_ngrams(lexical_form(t, self.repair)) for t in reference_texts]
        document_frequency: Counter = Counter()
        for grams in counts:
            document_frequency.update(grams.keys())
        self.vocabulary_ = {gram: i for i, gram in enumerate(sorted(document_frequency))}
        n = len(reference_texts)
        self.idf_ = np.array(
            [math.log((1 + n) / (1 + document_frequency[g])) + 1 for g in sorted(document_frequency)], dtype=np.float64
        )
        self.reference_matrix_ = self._vectors(counts)
        return self

    def _vectors(self, counts: list[Counter]) -> np.ndarray:
        matrix = np.zeros((len(counts), len(self.vocabulary_)), dtype=np.float64)
        for row, grams in enumerate(counts):
            for gram, count in grams.items():
                column = self.vocabulary_.get(gram)
                if column is not None:
                    matrix[row, column] = 1.0 + math.log(count)
        matrix *= self.idf_
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms == 0, 1.0, norms)

    def similarity(self, texts: list[str], repair: bool | None = None) -> np.ndarray:
        repair = self.repair if repair is None else repair
        if not texts:
            return np.zeros((0, self.reference_matrix_.shape[0]), dtype=np.float64)
        vectors = self._vectors([char_wb_ngrams(lexical_form(t, repair)) for t in texts])
        return vectors @ self.reference_matrix_.T
