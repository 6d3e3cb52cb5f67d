"""Reader: measures stated in running text ("Bydelen vil i planperioden …"), and action bullets inside it.

Many plans write their measures as prose inside their chapters, sometimes two
in one paragraph, with a few bullets between. This reader goes through every
chapter not marked as background (`chapters`), splits its paragraphs into
sentences, and keeps each sentence that is a commitment of the district or one
of its units (`commitments`). A sentence with two commitments joined by "og"
or a semicolon gives two measures. A bullet is a measure when it opens with an
infinitive ("Etablere …"), is a commitment itself, follows a lead-in that is
one ("Bydelen vil i planperioden:"), or stands in a chapter headed "Tiltak …".
The chapter's heading is the measure's
title, a unit named as the actor is its ANSVAR, and a date in the sentence its
deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..records import Document, Line
from ..textnorm import join_lines
from .chapters import BACKGROUND, MEASURES, Chapter, is_page_furniture, split_chapters
from .commitments import Commitment, is_action_line, read_commitment, split_sentences
from .draft import MeasureDraft
from .patterns import BULLET_MARK, split_units

LAYOUT = "løpende tekst"
BULLET_LAYOUT = "punkt i teksten"
# Where one sentence holds two commitments: "…, og vi skal også …", "…; NAV skal …".
_JOINT = re.compile(r"(?:;\s+|,?\s+(?:og|samt|mens)\s+(?=[\wæøåÆØÅ-]+(?:\s+[\wæøåÆØÅ-]+){0,3}\s+(?:skal|vil|bør)\b))")
_LEAD_IN = re.compile(r"\b(?:skal|vil|bør|ønsker\s+å|planlegger|tiltak(?:ene)?)\b[^.]*:\s*$", re.IGNORECASE)


@dataclass
class _Block:
    """A paragraph, or a bullet item with the lead-in sentence above it."""

    lines: list[Line]
    bullet: bool = False
    lead_in: str = ""
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_lines(self.parts)


def read_prose(document: Document) -> list[MeasureDraft]:
    measures: list[MeasureDraft] = []
    for chapter in split_chapters(document):
        if chapter.role == BACKGROUND:
            continue
        for block in blocks(chapter.lines(document)):
            measures.extend(_measures_in(block, chapter))
    return measures


def commitments_in(chapter: Chapter, document: Document) -> list[Commitment]:
    """Every commitment sentence in a chapter's prose, whatever the chapter's role (for the extraction's account)."""
    found = []
    for block in blocks(chapter.lines(document)):
        if not block.bullet:
            found.extend(c for s in split_sentences(block.text) if (c := read_commitment(s)))
    return found


def blocks(lines: tuple[Line, ...]) -> list[_Block]:
    """Paragraphs and bullet items; a line in lower case (or indented) after an item continues it."""
    result: list[_Block] = []
    current: _Block | None = None
    for line in lines:
        text = line.text.strip()
        if not text or is_page_furniture(line) or line.heading_level:
            current = None
            continue
        mark = BULLET_MARK.match(line.text)
        if mark or line.bullet:
            lead = _lead_in(result)
            current = _Block([line], True, lead, [line.text[mark.end():] if mark else text])
            result.append(current)
        elif current is not None and (not current.bullet or text[:1].islower() or line.text[:1] in " \t"):
            current.lines.append(line)
            current.parts.append(text)
        else:
            current = _Block([line], False, "", [text])
            result.append(current)
    return result


def _lead_in(previous: list[_Block]) -> str:
    """The sentence that introduces a bullet list, carried from item to item."""
    if not previous:
        return ""
    last = previous[-1]
    if last.bullet:
        return last.lead_in
    sentences = split_sentences(last.text)
    return sentences[-1] if sentences and _LEAD_IN.search(sentences[-1]) else ""


def _measures_in(block: _Block, chapter: Chapter) -> list[MeasureDraft]:
    if block.bullet:
        text = block.text
        commitment = read_commitment(text)
        listed = block.lead_in or chapter.role == MEASURES  # "Vi vil:" or a heading such as "Tiltak i perioden"
        if commitment or is_action_line(text) or (listed and len(text.split()) >= 2):
            return [_draft(commitment or Commitment(text, "", ""), block.lines[0], chapter, BULLET_LAYOUT)]
        return []
    measures = []
    for sentence, line in _sentences_with_lines(block):
        for part in _commitments(sentence):
            measures.append(_draft(part, line, chapter, LAYOUT))
    return measures


def _commitments(sentence: str) -> list[Commitment]:
    """One commitment per sentence, or one per part when each part of a joined sentence is one."""
    parts = [p.strip(" ,;") for p in _JOINT.split(sentence) if p and p.strip(" ,;")]
    if len(parts) > 1:
        read = [read_commitment(p) for p in parts]
        if all(read):
            return [c for c in read if c]
    whole = read_commitment(sentence)
    return [whole] if whole else []


def _sentences_with_lines(block: _Block) -> list[tuple[str, Line]]:
    """Each sentence with the line it starts on, so a measure's location points into the plan."""
    offsets: list[tuple[int, Line]] = []
    position = 0
    for line, part in zip(block.lines, block.parts):
        offsets.append((position, line))
        position += len(part) + 1
    text = block.text
    result = []
    cursor = 0
    for sentence in split_sentences(text):
        start = text.find(sentence[:30], cursor)
        cursor = max(start, cursor)
        line = next((ln for off, ln in reversed(offsets) if off <= cursor), block.lines[0])
        result.append((sentence, line))
    return result


def _draft(commitment: Commitment, line: Line, chapter: Chapter, layout: str) -> MeasureDraft:
    title = re.sub(r"^\s*[\d.]+\s+", "", chapter.heading).strip()
    return MeasureDraft(
        section=chapter.parent or chapter.heading,
        title=title,
        text=commitment.text.strip(),
        ansvar=split_units(commitment.actor) if commitment.actor else [],
        line=line.number,
        page=line.page,
        layout=layout,
        frist=commitment.deadline,
    )
