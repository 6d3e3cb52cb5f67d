"""Tables that lost their grid: MÅL / TILTAK / ANSVAR flattened into lines.

Text exports and OCR flatten a plan's measure table. Row by row, a line in
capitals (the goal) is followed by the measure's text and a trailing unit
code; column by column, as OCR of a scan reads it, several goal titles come
first, then the texts, then the units. Both readers (`flattened`,
`ocr_columns`) classify each line as title, text or units and assemble the
rows; when a block of texts follows several waiting titles, a monotone
alignment by shared wording rebuilds the columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..records import Document, Line
from ..textnorm import (CONTINUATION_WORDS, FUNCTION_WORDS, char_wb_ngrams, fold, is_caps_text, is_caps_word,
                        join_lines, lexical_form)
from .draft import MeasureDraft
from .patterns import heading_of, learn_unit_codes, section_before, starts_lower

ROWS = "rows"
COLUMNS = "columns"

_TABLE_HEADER = re.compile(r"^\s*m[aå]l\s+tiltak\s+ansvar\s*$", re.IGNORECASE)
_COLUMN_LABELS = ("mal", "tiltak", "ansvar", "mal tiltak ansvar")
_FOOTER = re.compile(r"•.*\d\s*$|^\s*side\s+\d+\s*$", re.IGNORECASE)


@dataclass
class _Event:
    kind: str  # "title", "body", "units", "blank"
    text: str
    line: Line
    units: list[str] = field(default_factory=list)
    continues: bool = False  # a title whose row carries on the previous measure


def read_regions(document: Document, layout: str) -> list[MeasureDraft]:
    """Measures of every flattened table of one layout: ROWS or COLUMNS."""
    units = learn_unit_codes(document)
    measures: list[MeasureDraft] = []
    lines = document.lines
    for start, end, kind in _flattened_regions(lines):
        if kind != layout:
            continue
        section = section_before(lines, start)
        events = _classify_region(lines[start:end], units)
        measures.extend(_assemble(events, section, _double_spaced(lines[start:end])))
    return measures


def _flattened_regions(lines: tuple[Line, ...]) -> list[tuple[int, int, str]]:
    """Line ranges after a table header: 'MÅL TILTAK ANSVAR' (ROWS), or 'MÅL' alone as OCR leaves it (COLUMNS)."""
    regions = []
    i = 0
    while i < len(lines):
        folded = fold(lines[i].text.strip())
        kind = None
        if _TABLE_HEADER.match(folded):
            kind = ROWS
        elif folded == "mal" and _next_nonblank_is_caps(lines, i):
            kind = COLUMNS
        if kind:
            end = i + 1
            while end < len(lines) and not _ends_region(lines[end]):
                end += 1
            regions.append((i + 1, end, kind))
            i = end
        else:
            i += 1
    return regions


def _next_nonblank_is_caps(lines: tuple[Line, ...], index: int) -> bool:
    for line in lines[index + 1:index + 5]:
        if line.text.strip():
            return is_caps_text(line.text)
    return False


def _ends_region(line: Line) -> bool:
    heading = heading_of(line)
    return bool(heading) and not is_caps_text(heading)


def _double_spaced(lines: tuple[Line, ...]) -> bool:
    """True when every text line is followed by a blank one (so blanks separate nothing)."""
    nonblank = [i for i, line in enumerate(lines[:-1]) if line.text.strip()]
    if not nonblank:
        return False
    followed = sum(1 for i in nonblank if not lines[i + 1].text.strip())
    return followed / len(nonblank) > 0.8


def _is_noise(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    return letters < 2 or _FOOTER.search(text) is not None or fold(text).strip(" :") in _COLUMN_LABELS


def _classify_region(lines: tuple[Line, ...], units: frozenset[str]) -> list[_Event]:
    events: list[_Event] = []
    last_title_line = -2
    for line in lines:
        text = line.text.strip()
        if not text:
            events.append(_Event("blank", "", line))
            continue
        if _is_noise(text):
            continue
        tokens = [_caps_ocr(t) for t in text.replace("|", " I ").split()]
        tokens = [t for t in tokens if any(ch.isalnum() for ch in t) or t in ("-", "–")]
        previous = next((e for e in reversed(events) if e.kind != "blank"), None)
        if len(tokens) == 1 and is_caps_word(tokens[0]) and tokens[0] not in units and previous and previous.kind == "title":
            events.append(_Event("title", tokens[0], line))
            continue
        title_tokens = _title_prefix(tokens, units, events)
        unit_tail = _unit_tail(tokens[len(title_tokens):], units, bool(title_tokens))
        body_tokens = tokens[len(title_tokens): len(tokens) - len(unit_tail)]
        if title_tokens:
            # A lower-case text on the same row, or a lone title right under a title line
            # ('BRUKE OSLOSTANDARD FOR ...' / 'ARBEID'), continues the title above.
            continues = (bool(body_tokens) and starts_lower(body_tokens[0])) or (
                not body_tokens and len(title_tokens) <= 2 and line.number == last_title_line + 1
            )
            events.append(_Event("title", " ".join(title_tokens), line, continues=continues))
            last_title_line = line.number
        if body_tokens:
            events.append(_Event("body", " ".join(body_tokens), line))
        if unit_tail:
            events.append(_Event("units", " ".join(unit_tail), line, [u.upper() for u in unit_tail]))
    return events


def _caps_ocr(token: str) -> str:
    """'Gl' in a line of capitals is 'GI': OCR reads a capital I as a small l."""
    if re.fullmatch(r"[A-ZÆØÅ@]+l[A-ZÆØÅ@]*", token):
        return token.replace("l", "I")
    return token


def _is_unit(token: str, units: frozenset[str]) -> bool:
    return token in units or token == "Alle" or (token.isupper() and token.isalpha() and 2 <= len(token) <= 3)


def _unit_tail(tokens: list[str], units: frozenset[str], after_title: bool) -> list[str]:
    """Trailing unit codes ('... slik at det skal bli HBU').

    Where the line has no goal title, a code after a preposition ('samarbeid
    med NAV') belongs to the sentence.
    """
    if tokens and all(_is_unit(t, units) for t in tokens) and len(tokens) <= 4:
        if all(t in units or t == "Alle" for t in tokens) or len(tokens) == 1:
            return tokens
    tail: list[str] = []
    for token in reversed(tokens):
        if token in units or (after_title and token == "Alle"):
            tail.insert(0, token)
        else:
            break
    if tail and len(tail) < len(tokens) and not after_title:
        before = tokens[len(tokens) - len(tail) - 1]
        if before.lower() in FUNCTION_WORDS or is_caps_word(before):
            return []
    return tail


def _title_prefix(tokens: list[str], units: frozenset[str], events: list[_Event]) -> list[str]:
    """Leading words in capitals; a lone code before lower-case text is the text's subject."""
    prefix: list[str] = []
    for token in tokens:
        if is_caps_word(token) or token in ("-", "–", "&"):
            prefix.append(token)
        else:
            break
    if not prefix:
        return []
    rest = tokens[len(prefix):]
    letters = sum(ch.isalpha() for t in prefix for ch in t)
    previous = next((e for e in reversed(events) if e.kind != "blank"), None)
    after_title = previous is not None and previous.kind == "title"
    if rest and len(prefix) == 1 and (prefix[0].strip("().,") in units or letters < 5):
        return []
    if rest and starts_lower(rest[0]) and prefix[-1] in units and len(prefix) > 1:
        prefix = prefix[:-1]  # 'DEKKE ETTERSPØRSELEN ETTER | NAV skal ...'
    if all(t in units for t in prefix) and rest:
        return []
    if not rest and len(prefix) == 1 and letters <= 4 and not after_title:
        return []
    return prefix


def _continues_title(previous: str, current: str) -> bool:
    last = fold(previous).split()[-1].strip(",.-") if previous.split() else ""
    first = fold(current).split()[0].strip(",.-") if current.split() else ""
    return previous.rstrip().endswith(("-", ",")) or last in CONTINUATION_WORDS or first in CONTINUATION_WORDS


def _assemble(events: list[_Event], section: str, double_spaced: bool) -> list[MeasureDraft]:
    """Pair goal titles with measure texts and units, row by row or column by column."""
    state = _TableState(section)
    paragraphs: list[tuple[str, Line]] = []  # texts read while several titles wait (column layout)
    previous_kind = "blank"
    for event in events:
        if event.kind == "blank":
            if not double_spaced:
                previous_kind = "blank"
            continue
        if event.kind != "body" and paragraphs:
            state.place_column(paragraphs)
            paragraphs = []
        if event.kind == "title":
            state.add_title(event, previous_kind == "title")
        elif event.kind == "body":
            same_paragraph = previous_kind == "body" and not double_spaced
            if paragraphs or len(state.pending) > 1:
                if paragraphs and (same_paragraph or starts_lower(event.text)):
                    paragraphs[-1] = (join_lines([paragraphs[-1][0], event.text]), paragraphs[-1][1])
                else:
                    paragraphs.append((event.text, event.line))
            else:
                state.add_body(event, same_paragraph)
        else:
            state.add_units(event.units)
        previous_kind = event.kind
    if paragraphs:
        state.place_column(paragraphs)
    return state.finish()


class _TableState:
    """What has been read of one flattened table: measures, titles waiting for text, units."""

    def __init__(self, section: str) -> None:
        self.section = section
        self.measures: list[MeasureDraft] = []
        self.pending: list[tuple[list[str], Line]] = []
        self.current: MeasureDraft | None = None
        self.created_since_units: list[MeasureDraft] = []
        self.unit_run: list[list[str]] = []

    def add_title(self, event: _Event, after_title: bool) -> None:
        self.flush_units()
        if self.pending and (after_title or _continues_title(" ".join(self.pending[-1][0]), event.text)):
            self.pending[-1][0].append(event.text)
        elif self.current is not None and not self.pending and (
            event.continues or after_title or _continues_title(self.current.title, event.text)
        ):
            self.current.title = join_lines([self.current.title, event.text])
        else:
            self.pending.append(([event.text], event.line))

    def add_body(self, event: _Event, same_paragraph: bool) -> None:
        self.flush_units()
        if self.current is not None and (starts_lower(event.text) or same_paragraph or not self.pending):
            self.current.text = join_lines([self.current.text, event.text])
        elif self.pending:
            self._new_measure(self.pending.pop(0), event.text)

    def add_units(self, units: list[str]) -> None:
        self.unit_run.append(units)
        if len(self.created_since_units) <= 1:
            self.flush_units()

    def flush_units(self) -> None:
        """Units follow their row; a column of units is kept only if it pairs one to one."""
        if not self.unit_run:
            return
        if len(self.created_since_units) <= 1 and self.current is not None:
            for group in self.unit_run:
                self.current.ansvar.extend(u for u in group if u not in self.current.ansvar)
        elif len(self.unit_run) == len(self.created_since_units):
            for measure, group in zip(self.created_since_units, self.unit_run):
                measure.ansvar.extend(group)
        self.unit_run = []
        self.created_since_units = []

    def place_column(self, paragraphs: list[tuple[str, Line]]) -> None:
        """Give a column of texts to the waiting titles, in order, guided by shared wording.

        OCR of a table read column by column yields N titles then M texts. When
        M > N, some texts continue the measure before the block or the title
        before them; a monotone alignment that maximises title/text similarity
        decides which.
        """
        self.flush_units()
        titles = [join_lines(parts) for parts, _ in self.pending]
        owners = _align_column(titles, [text for text, _ in paragraphs], self.current)
        waiting = list(self.pending)
        self.pending = self.pending[len(set(o for o in owners if o > 0)):]
        opened: dict[int, MeasureDraft] = {}
        for (text, _line), owner in zip(paragraphs, owners):
            if owner == 0:
                if self.current is not None:
                    self.current.text = join_lines([self.current.text, text])
            elif owner in opened:
                opened[owner].text = join_lines([opened[owner].text, text])
            else:
                opened[owner] = self._new_measure(waiting[owner - 1], text)

    def _new_measure(self, title: tuple[list[str], Line], text: str) -> MeasureDraft:
        parts, line = title
        measure = MeasureDraft(self.section, join_lines(parts), text, line=line.number, page=line.page,
                               layout="MÅL/TILTAK/ANSVAR")
        self.measures.append(measure)
        self.created_since_units.append(measure)
        self.current = measure
        return measure

    def finish(self) -> list[MeasureDraft]:
        self.flush_units()
        for parts, line in self.pending:
            self.measures.append(
                MeasureDraft(self.section, join_lines(parts), "", line=line.number, page=line.page,
                             layout="MÅL/TILTAK/ANSVAR")
            )
        return self.measures


def _grams(text: str) -> set[str]:
    return set(char_wb_ngrams(lexical_form(text)))


def _overlap(grams_a: set[str], grams_b: set[str]) -> float:
    """Share of the smaller text's character n-grams that the other has too."""
    if not grams_a or not grams_b:
        return 0.0
    return len(grams_a & grams_b) / min(len(grams_a), len(grams_b))


def _align_column(titles: list[str], texts: list[str], current: MeasureDraft | None) -> list[int]:
    """Owner per text: 0 = the measure before the block, k = the k-th waiting title (1-based).

    Owners never decrease, every title gets at least one text, and a text that
    opens a title's cell starts with a capital. Ties go to the simple 1:1 order.
    """
    n, m = len(titles), len(texts)
    if m <= n:
        return list(range(1, m + 1))
    allow_previous = current is not None
    title_grams = [_grams(t) for t in titles]
    text_grams = [_grams(t) for t in texts]
    previous_grams = _grams(f"{current.title} {current.text}") if current is not None else set()
    NEG = float("-inf")
    # best[i][j]: best score with texts[:i] placed and texts[i-1] owned by j
    best = [[NEG] * (n + 1) for _ in range(m + 1)]
    back = [[0] * (n + 1) for _ in range(m + 1)]
    best[0][0] = 0.0
    for i in range(1, m + 1):
        text = texts[i - 1]
        for j in range(0, n + 1):
            if j == 0:
                if not allow_previous:
                    continue
                gain = _overlap(previous_grams, text_grams[i - 1])
                candidates = [(best[i - 1][0], 0)]
            else:
                gain = _overlap(title_grams[j - 1], text_grams[i - 1])
                candidates = [(best[i - 1][j], j)]  # continues title j
                if not starts_lower(text):
                    candidates.append((best[i - 1][j - 1], j - 1))  # opens title j
            score, origin = max(candidates, key=lambda c: (c[0], -c[1]))
            if score == NEG:
                continue
            best[i][j] = score + gain
            back[i][j] = origin
    if best[m][n] == NEG:
        return [min(i + 1, n) for i in range(m)]
    owners = [0] * m
    j = n
    for i in range(m, 0, -1):
        owners[i - 1] = j
        j = back[i][j]
    return owners
