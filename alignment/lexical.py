"""A wording signal beside the embeddings: TF-IDF over character n-grams.

Districts often copy the Byråd's wording, and character n-grams of
accent-folded, OCR-repaired text find that copying even through OCR errors
('oppfglging') and Norwegian compounds ('pårørendesamarbeid' ~ 'samarbeide
med pårørende'), where word matching fails.
"""

from __future__ import annotations

import re

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .textnorm import fold, repair_ocr


def lexical_form(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]+", " ", fold(repair_ocr(text)))


class LexicalScorer:
    """Cosine similarity of char 3–5-gram TF-IDF vectors; IDF learnt from the reference side."""

    def __init__(self) -> None:
        self.vectorizer_ = None
        self.reference_matrix_ = None

    def fit(self, reference_texts: list[str], background_texts: list[str] = ()) -> "LexicalScorer":
        self.vectorizer_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=1, dtype=np.float32
        )
        self.vectorizer_.fit([lexical_form(t) for t in [*reference_texts, *background_texts]])
        self.reference_matrix_ = self.vectorizer_.transform([lexical_form(t) for t in reference_texts])
        return self

    def similarity(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.reference_matrix_.shape[0]), dtype=np.float32)
        matrix = self.vectorizer_.transform([lexical_form(t) for t in texts])
        return np.asarray((matrix @ self.reference_matrix_.T).toarray(), dtype=np.float32)
