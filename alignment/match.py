"""From similarity scores to verdicts: which Byråd tiltak the plan takes up.

Raw cosine is not a verdict: EmbeddingGemma gives unrelated Norwegian pairs
0.45–0.61, so a global threshold marks nearly everything covered. The
matcher therefore judges each measure against all 36 tiltak at once: a
tiltak counts for a measure only where it stands out from the measure's
scores for the other tiltak (a z-score across the row), in meaning
(embeddings) and in wording (character n-grams), fused by a weighted sum.
A tiltak's status is then the best evidence any measure gives it.
"""

from __future__ import annotations

import numpy as np

from .lexical import LexicalScorer
from .records import DEFAULT_SETTINGS, Evidence, Measure, MeasureMatch, Scores, Settings, Tiltak, TiltakVerdict
from .reference import load_paraphrases
from .textnorm import looks_ocred, recase_title, repair_ocr


def measure_text(measure: Measure, include_title: bool = True, repair: bool = True, recase: bool = True) -> str:
    """What the model reads for a measure: OCR repaired, a capitals title in sentence case."""
    fix = repair_ocr if repair else (lambda text: text)
    text = fix(measure.text)
    title = fix(measure.title)
    title = (recase_title(title) if recase else title).rstrip(" .:")
    if include_title and title:
        return f"{title}: {text}" if text else title
    return text or title


def tiltak_text(tiltak: Tiltak, include_heading: bool = False) -> str:
    return f"{tiltak.heading}: {tiltak.text}" if include_heading else tiltak.text


def row_z(matrix: np.ndarray) -> np.ndarray:
    """How far each tiltak stands out among the measure's 36 scores."""
    if matrix.size == 0:
        return matrix
    mean = matrix.mean(axis=1, keepdims=True)
    std = matrix.std(axis=1, keepdims=True)
    return (matrix - mean) / np.maximum(std, 1e-6)


class Matcher:
    """Match district measures to the Byråd's tiltak (fit on the tiltak, then match a plan)."""

    def __init__(self, embedder, settings: Settings = DEFAULT_SETTINGS) -> None:
        self.embedder = embedder
        self.settings = settings

    def fit(self, tiltak: tuple[Tiltak, ...], paraphrases: dict[str, list[str]] | None = None) -> "Matcher":
        """Learn the tiltak side; `paraphrases` are extra wordings per tiltak id (a measure's best counts).

        Without `paraphrases`, the bundled ones are used when `settings.paraphrases` is on.
        """
        self.tiltak_ = tuple(tiltak)
        if paraphrases is None and self.settings.paraphrases:
            paraphrases = load_paraphrases([t.id for t in self.tiltak_])
        texts = [tiltak_text(t, self.settings.include_heading) for t in self.tiltak_]
        self.reference_embeddings_ = self.embedder.encode(texts, self.settings.tiltak_prompt)
        extra = [(j, text) for j, t in enumerate(self.tiltak_) for text in (paraphrases or {}).get(t.id, [])]
        self.paraphrase_owner_ = np.array([j for j, _ in extra], dtype=int)
        self.paraphrase_embeddings_ = (
            self.embedder.encode([text for _, text in extra], self.settings.tiltak_prompt) if extra else None
        )
        self.lexical_ = LexicalScorer(repair=False).fit([t.text for t in self.tiltak_])
        return self

    def _embedding_similarity(self, vectors: np.ndarray) -> np.ndarray:
        """Cosine to each tiltak: its own text, or its closest paraphrase if that is closer."""
        similarity = np.asarray(vectors @ self.reference_embeddings_.T, dtype=np.float64)
        if self.paraphrase_embeddings_ is not None:
            extra = np.asarray(vectors @ self.paraphrase_embeddings_.T, dtype=np.float64)
            for column, owner in enumerate(self.paraphrase_owner_):
                np.maximum(similarity[:, owner], extra[:, column], out=similarity[:, owner])
        return similarity

    def score(self, measures: tuple[Measure, ...], progress=None) -> Scores:
        """Measures × tiltak scores; `progress(done, total)` follows the encoding of the measures."""
        if not hasattr(self, "tiltak_"):
            raise RuntimeError("Matcher.fit must be called before score or match")
        n = len(self.tiltak_)
        if not measures:
            empty = np.zeros((0, n), dtype=np.float32)
            return _read_only(Scores(empty, empty, empty))
        repair = self.settings.ocr_repair and looks_ocred([f"{m.title} {m.text}" for m in measures])
        texts = [measure_text(m, self.settings.include_title, repair, self.settings.recase_titles) for m in measures]
        vectors = self.embedder.encode(texts, self.settings.measure_prompt, progress)
        embedding = self._embedding_similarity(vectors)
        lexical = self.lexical_.similarity(texts, repair=False)  # folding makes the recasing moot here
        weight = self.settings.embedding_weight
        fused = weight * row_z(embedding) + (1 - weight) * row_z(lexical)
        return _read_only(Scores(embedding, lexical, fused))

    def match(self, measures: tuple[Measure, ...]) -> tuple[tuple[TiltakVerdict, ...], tuple[MeasureMatch, ...]]:
        return judge(self.tiltak_, measures, self.score(measures), self.settings)


def _read_only(scores: Scores) -> Scores:
    for matrix in (scores.embedding, scores.lexical, scores.fused):
        matrix.setflags(write=False)
    return scores


def judge(
    tiltak: tuple[Tiltak, ...], measures: tuple[Measure, ...], scores: Scores, settings: Settings
) -> tuple[tuple[TiltakVerdict, ...], tuple[MeasureMatch, ...]]:
    """Verdicts per tiltak and matches per measure from the fused scores (pure, deterministic).

    Each verdict also carries its best `settings.candidates` measures, allowed
    or not: where the verdict is wrong, the right evidence is nearly always
    among them, so a reviewer picks it from there.
    """
    fused = scores.fused
    allowed = candidate_mask(fused, settings.top_k) & (fused >= settings.partial)
    verdicts = []
    for j, item in enumerate(tiltak):
        ranked = sorted(range(len(measures)), key=lambda i: (-fused[i, j], i))
        evidence = tuple(_evidence(measures[i], scores, i, j) for i in ranked if allowed[i, j])
        candidates = tuple(_evidence(measures[i], scores, i, j) for i in ranked[:settings.candidates])
        best = float(fused[:, j].max()) if len(measures) else 0.0
        if evidence and evidence[0].score >= settings.covered:
            status = "covered"
        elif evidence:
            status = "partial"
        else:
            status = "missing"
        verdicts.append(TiltakVerdict(item, status, round(best, 3), evidence, candidates=candidates))
    verdicts = tuple(verdicts)
    return verdicts, measure_matches(measures, verdicts)


def _evidence(measure: Measure, scores: Scores, i: int, j: int) -> Evidence:
    return Evidence(measure, round(float(scores.fused[i, j]), 3), round(float(scores.embedding[i, j]), 3),
                    round(float(scores.lexical[i, j]), 3))


def candidate_mask(fused: np.ndarray, top_k: int) -> np.ndarray:
    """Cells where a measure may be evidence: its `top_k` best tiltak (ties go to the lower index)."""
    mask = np.zeros_like(fused, dtype=bool)
    for i in range(fused.shape[0]):
        order = sorted(range(fused.shape[1]), key=lambda j: (-fused[i, j], j))
        mask[i, order[:top_k]] = True
    return mask


def addressed_scores(fused: np.ndarray, top_k: int) -> np.ndarray:
    """Per tiltak, the score the `partial` threshold is held against (-inf when no measure may count).

    A tiltak is addressed exactly when this reaches `Settings.partial`, so
    the evaluation can ask what any threshold would have given.
    """
    if fused.shape[0] == 0:
        return np.full(fused.shape[1], -np.inf)
    return np.where(candidate_mask(fused, top_k), fused, -np.inf).max(axis=0)


def measure_matches(measures: tuple[Measure, ...], verdicts: tuple[TiltakVerdict, ...]) -> tuple[MeasureMatch, ...]:
    """Per measure, the tiltak it is evidence for (best first); none makes it a local addition."""
    links: dict[str, list[tuple[str, float]]] = {m.id: [] for m in measures}
    for verdict in verdicts:
        for evidence in verdict.evidence:
            links[evidence.measure.id].append((verdict.tiltak.id, evidence.score))
    return tuple(MeasureMatch(m, tuple(sorted(links[m.id], key=lambda h: (-h[1], h[0])))) for m in measures)
