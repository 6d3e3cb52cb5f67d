"""Find the district's measures (tiltak) in a plan's lines and tables.

Plans state their measures in a handful of layouts, and everything else in
them (introductions, statistics, descriptions of existing services) must not
be mistaken for a measure. Each layout has its own reader; a reader only
looks inside the part of the document its layout marks out:

- tables with a TILTAK column (real tables in DOCX and PDF);
- a MÅL / TILTAK / ANSVAR table flattened into lines, row by row or, after
  OCR, column by column (goal titles, then measure texts, then units);
- lists under "Utviklingsområde" and "Nye tiltak" (Alna's layout);
- numbered "Tiltak 3: ..." items with "Ansvar: ..." lines;
- bullet items under a heading that names measures ("Tiltak", "Vi vil").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .ingest import Document, Line, Table
from .lexical import char_wb_ngrams, lexical_form
from .textnorm import CONTINUATION_WORDS, FUNCTION_WORDS, fold, is_caps_text, is_caps_word, join_lines, repair_ocr

DEFAULT_UNITS = frozenset("NAV ALLE HBU TTJ MOF KE BV BH HJT HT BU HOF".split())


@dataclass
class Measure:
    id: str
    section: str
    title: str
    text: str
    ansvar: list[str] = field(default_factory=list)
    line: int | None = None
    page: int | None = None
    layout: str = ""
    group: str = ""
    frist: str = ""
    row: int | None = None  # the table row, for measures read from a real table

    @property
    def location(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"side {self.page}")
        if self.row is not None:
            parts.append(f"{self.layout}, rad {self.row}")
        elif self.line is not None:
            parts.append(f"linje {self.line}")
        return ", ".join(parts)


def extract_measures(document: Document) -> list[Measure]:
    """All measures in document order, numbered M01, M02, ...

    Readers are tried in order of how specific their layout is; a line that
    an earlier reader took is not read again by a later one.
    """
    readers = (_read_tables, _read_flattened_tables, _read_numbered, _read_development_lists, _read_bullets)
    found: list[tuple[tuple[int, int], int, Measure]] = []
    taken: set[int] = set()
    for reader in readers:
        for measure in reader(document):
            if measure.row is None and measure.line in taken:
                continue
            if measure.row is None and measure.line is not None:
                taken.add(measure.line)
            found.append(((measure.line or 0, measure.row or 0), len(found), measure))
    found.sort(key=lambda item: (item[0], item[1]))
    measures = []
    for _, _, measure in found:
        if not measure.text.strip() and not measure.title.strip():
            continue
        measure.id = f"M{len(measures) + 1:02d}"
        measures.append(measure)
    return measures


def learn_unit_codes(document: Document) -> frozenset[str]:
    """Unit abbreviations the plan defines, e.g. 'Hjemmetjenesten (HT)', plus the usual ones."""
    codes = set(DEFAULT_UNITS)
    for match in re.finditer(r"\(([A-ZÆØÅ]{2,4})\)", document.text):
        codes.add(match.group(1))
    return frozenset(codes)


# --- headings -----------------------------------------------------------------

_NUMBERED_HEADING = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-ZÆØÅ@¢][^\n]{1,110})$")
_STRATEGY_HEADING = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?strategi\s+\d", re.IGNORECASE)


def heading_of(line: Line) -> str | None:
    """The line's text if it reads as a section heading, else None."""
    text = line.text.strip()
    if not text:
        return None
    if line.heading_level:
        return text.lstrip("#").strip()
    if _STRATEGY_HEADING.match(text):
        return text
    match = _NUMBERED_HEADING.match(text)
    if match and not text.endswith((".", ",", ";")) and len(text.split()) <= 16:
        body = match.group(2)
        if not re.match(r"^\d", body) and not is_caps_text(body):
            return text
    return None


def _section_before(lines: list[Line], index: int) -> str:
    for line in reversed(lines[:index]):
        heading = heading_of(line)
        if heading and not _is_measure_heading(heading):
            return heading
    return ""


def _is_measure_heading(text: str) -> bool:
    folded = fold(text).strip(" :#")
    return folded in ("tiltak", "nye tiltak", "vare tiltak", "vi vil", "handlinger") or (
        folded.endswith(" tiltak") and len(folded.split()) <= 4
    )


# --- 1. real tables ---------------------------------------------------------------

_TITLE_HEADERS = ("mal", "maal", "malsetting", "delmal", "mal/tiltak", "omrade", "innsatsomrade")
_UNIT_HEADERS = ("ansvar", "ansvarlig", "ansvarlige", "ansvarlig enhet", "ansvar/samarbeid")


def _read_tables(document: Document) -> list[Measure]:
    measures = []
    for table in document.tables:
        measures.extend(_measures_from_table(document, table))
    return measures


def _measures_from_table(document: Document, table: Table) -> list[Measure]:
    header_index, columns = _find_header(table.rows)
    if header_index is None:
        return []
    section = _section_before(document.lines, table.after_line)
    line_number = document.lines[table.after_line - 1].number if table.after_line else 0
    measures = []
    for row_number, row in enumerate(table.rows[header_index + 1:], start=1):
        def cell(name: str) -> str:
            i = columns.get(name)
            return " ".join(row[i].split()) if i is not None and i < len(row) else ""

        text = cell("tiltak")
        if not text or fold(text) == "tiltak":
            continue
        measures.append(
            Measure(
                id="",
                section=section,
                title=cell("title"),
                text=text,
                ansvar=split_units(cell("ansvar")),
                line=line_number,
                page=table.page,
                layout=f"tabell {table.index}",
                frist=cell("frist"),
                row=row_number,
            )
        )
    return measures


def _find_header(rows: list[list[str]]) -> tuple[int | None, dict[str, int]]:
    for index, row in enumerate(rows[:3]):
        columns: dict[str, int] = {}
        for i, value in enumerate(row):
            key = fold(value).strip(" :")
            if key == "tiltak" or key.startswith("tiltak "):
                columns.setdefault("tiltak", i)
            elif key in _TITLE_HEADERS:
                columns.setdefault("title", i)
            elif key in _UNIT_HEADERS or key.startswith("ansvar"):
                columns.setdefault("ansvar", i)
            elif key.startswith(("frist", "tidsplan", "tidsramme", "nar")):
                columns.setdefault("frist", i)
        if "tiltak" in columns:
            return index, columns
    return None, {}


def split_units(text: str) -> list[str]:
    """'NAV, HBU og TTJ' → three units; 'Helse, barn og unge' stays one (a part in lower case continues)."""
    pieces = re.split(r"(\s*[,;/\n]\s*|\s+og\s+)", text.strip(" ."))
    units: list[str] = []
    for k in range(0, len(pieces), 2):
        part = pieces[k].strip(" .")
        if not part:
            continue
        if units and part[:1].islower():
            units[-1] = f"{units[-1]}{pieces[k - 1]}{part}"
        else:
            units.append(part)
    return [u.upper() if u.lower() == "alle" else u for u in units]


# --- 2. flattened MÅL / TILTAK / ANSVAR tables ----------------------------------

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


def _read_flattened_tables(document: Document) -> list[Measure]:
    units = learn_unit_codes(document)
    measures: list[Measure] = []
    lines = document.lines
    for start, end in _flattened_regions(lines):
        section = _section_before(lines, start)
        events = _classify_region(lines[start:end], units)
        measures.extend(_assemble(events, section, _double_spaced(lines[start:end])))
    return measures


def _flattened_regions(lines: list[Line]) -> list[tuple[int, int]]:
    """Line ranges after a table header ('MÅL TILTAK ANSVAR', or 'MÅL' alone after OCR)."""
    regions = []
    i = 0
    while i < len(lines):
        folded = fold(lines[i].text.strip())
        if _TABLE_HEADER.match(folded) or (folded == "mal" and _next_nonblank_is_caps(lines, i)):
            end = i + 1
            while end < len(lines) and not _ends_region(lines[end]):
                end += 1
            regions.append((i + 1, end))
            i = end
        else:
            i += 1
    return regions


def _next_nonblank_is_caps(lines: list[Line], index: int) -> bool:
    for line in lines[index + 1:index + 5]:
        if line.text.strip():
            return is_caps_text(line.text)
    return False


def _ends_region(line: Line) -> bool:
    heading = heading_of(line)
    return bool(heading) and not is_caps_text(heading)


def _double_spaced(lines: list[Line]) -> bool:
    """True when every text line is followed by a blank one (so blanks separate nothing)."""
    nonblank = [i for i, line in enumerate(lines[:-1]) if line.text.strip()]
    if not nonblank:
        return False
    followed = sum(1 for i in nonblank if not lines[i + 1].text.strip())
    return followed / len(nonblank) > 0.8


def _is_noise(text: str) -> bool:
    letters = sum(ch.isalpha() for ch in text)
    return letters < 2 or _FOOTER.search(text) is not None or fold(text).strip(" :") in _COLUMN_LABELS


def _classify_region(lines: list[Line], units: frozenset[str]) -> list[_Event]:
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
            continues = (bool(body_tokens) and _starts_lower(body_tokens[0])) or (
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
    if rest and _starts_lower(rest[0]) and prefix[-1] in units and len(prefix) > 1:
        prefix = prefix[:-1]  # 'DEKKE ETTERSPØRSELEN ETTER | NAV skal ...'
    if all(t in units for t in prefix) and rest:
        return []
    if not rest and len(prefix) == 1 and letters <= 4 and not after_title:
        return []
    return prefix


def _starts_lower(text: str) -> bool:
    first = text.lstrip("«»\"'‘’(")[:1]
    return first.islower()


def _continues_title(previous: str, current: str) -> bool:
    last = fold(previous).split()[-1].strip(",.-") if previous.split() else ""
    first = fold(current).split()[0].strip(",.-") if current.split() else ""
    return previous.rstrip().endswith(("-", ",")) or last in CONTINUATION_WORDS or first in CONTINUATION_WORDS


def _assemble(events: list[_Event], section: str, double_spaced: bool) -> list[Measure]:
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
                if paragraphs and (same_paragraph or _starts_lower(event.text)):
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
        self.measures: list[Measure] = []
        self.pending: list[tuple[list[str], Line]] = []
        self.current: Measure | None = None
        self.created_since_units: list[Measure] = []
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
        if self.current is not None and (_starts_lower(event.text) or same_paragraph or not self.pending):
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
        opened: dict[int, Measure] = {}
        for (text, _line), owner in zip(paragraphs, owners):
            if owner == 0:
                if self.current is not None:
                    self.current.text = join_lines([self.current.text, text])
            elif owner in opened:
                opened[owner].text = join_lines([opened[owner].text, text])
            else:
                opened[owner] = self._new_measure(waiting[owner - 1], text)

    def _new_measure(self, title: tuple[list[str], Line], text: str) -> Measure:
        parts, line = title
        measure = Measure("", self.section, join_lines(parts), text, line=line.number, page=line.page, layout="MÅL/TILTAK/ANSVAR")
        self.measures.append(measure)
        self.created_since_units.append(measure)
        self.current = measure
        return measure

    def finish(self) -> list[Measure]:
        self.flush_units()
        for parts, line in self.pending:
            self.measures.append(
                Measure("", self.section, join_lines(parts), "", line=line.number, page=line.page, layout="MÅL/TILTAK/ANSVAR")
            )
        return self.measures


def _grams(text: str) -> set[str]:
    return set(char_wb_ngrams(lexical_form(text)))


def _overlap(grams_a: set[str], grams_b: set[str]) -> float:
    """Share of the smaller text's character n-grams that the other has too."""
    if not grams_a or not grams_b:
        return 0.0
    return len(grams_a & grams_b) / min(len(grams_a), len(grams_b))


def _align_column(titles: list[str], texts: list[str], current: Measure | None) -> list[int]:
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
                if not _starts_lower(text):
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


# --- 3. development lists (Utviklingsområde / Nye tiltak) -------------------------

_LIST_STARTS = ("utviklingsomrade", "utviklingsomrader", "nye tiltak")
_LIST_STOPS = ("utfordringsbilde", "vedlegg", "sentrale foringer")
_BULLET = re.compile(r"^\s*(?:[•·▪◦●\-–—*]|[eo](?=\s+[A-ZÆØÅ@¢(])|\d{1,2}[.)](?=\s))\s*")


def _list_heading(text: str) -> str | None:
    folded = fold(text).strip(" :")
    for start in _LIST_STARTS:
        if folded == start:
            return text.strip(" :")
    return None


def _ends_list(line: Line) -> bool:
    """A section heading ends a list; a long numbered item ('1. Bydelen skal tilby ...') does not."""
    heading = heading_of(line)
    if not heading:
        return False
    return not (re.match(r"^\s*\d{1,2}[.)]\s", line.text) and len(heading.split()) > 7)


def _read_development_lists(document: Document) -> list[Measure]:
    lines = document.lines
    measures: list[Measure] = []
    i = 0
    while i < len(lines):
        group = _list_heading(lines[i].text) if not lines[i].heading_level else None
        if not group:
            i += 1
            continue
        section = _section_with_continuation(lines, i)
        j = i + 1
        numbered = False
        items: list[tuple[list[str], Line]] = []
        while j < len(lines):
            line = lines[j]
            text = line.text.strip()
            if _ends_list(line) or _list_heading(text) or fold(text).startswith(_LIST_STOPS) or _is_signature(text):
                break
            if _NUMBERED_MEASURE.match(text):
                numbered = True  # from here the list holds "Tiltak 3: ..." items: the numbered reader's
            if numbered or _FIELD.match(text):
                j += 1
                continue
            if text and sum(ch.isalpha() for ch in text) >= 3:
                bullet = _BULLET.match(text)
                body = text[bullet.end():] if bullet else text
                repaired = repair_ocr(body[:3])
                if items and not bullet and _starts_lower(repaired):
                    items[-1][0].append(body)
                else:
                    items.append(([body], line))
            j += 1
        for parts, line in items:
            text = join_lines(parts)
            if len(text.split()) >= 2:
                measures.append(Measure("", section, "", text, line=line.number, page=line.page, layout="liste", group=group))
        i = j
    return measures


def _is_signature(text: str) -> bool:
    return bool(re.match(r"^[A-ZÆØÅ][\wæøå]+,\s*\d{1,2}\.", text))


def _section_with_continuation(lines: list[Line], index: int) -> str:
    """The section heading above a list, with a wrapped second line put back."""
    for k in range(index - 1, -1, -1):
        heading = heading_of(lines[k])
        if heading and not _is_measure_heading(heading):
            for follow in lines[k + 1:index]:
                text = follow.text.strip()
                if not text:
                    continue
                if _starts_lower(text) and len(text.split()) <= 6:
                    heading = f"{heading} {text}"
                break
            return heading
    return ""


# --- 4. numbered "Tiltak 3: ..." items ---------------------------------------------

_NUMBERED_MEASURE = re.compile(r"^\s*tiltak\s+(\d{1,3}[a-z]?)\s*[:.)–-]\s*(.*)$", re.IGNORECASE)
_FIELD = re.compile(r"^\s*(ansvar(?:lig)?|frist|tidsramme|tidsplan|mål|m[aå]l)\s*:\s*(.*)$", re.IGNORECASE)


def _read_numbered(document: Document) -> list[Measure]:
    lines = document.lines
    measures: list[Measure] = []
    current: Measure | None = None
    field_open: str | None = None
    for index, line in enumerate(lines):
        text = line.text.strip()
        match = _NUMBERED_MEASURE.match(text)
        if match:
            current = Measure(
                "", _section_before(lines, index), "", match.group(2).strip(), line=line.number,
                page=line.page, layout="nummerert liste", group=f"Tiltak {match.group(1)}",
            )
            measures.append(current)
            field_open = "text"
            continue
        if current is None:
            continue
        field_match = _FIELD.match(text)
        if field_match:
            name = fold(field_match.group(1))
            value = field_match.group(2).strip()
            if name.startswith("ansvar"):
                current.ansvar = split_units(value)
                field_open = "ansvar"
            elif name.startswith(("frist", "tid")):
                current.frist = value
                field_open = None
            else:
                current.title = value
                field_open = None
            continue
        if not text or heading_of(line):
            field_open = None
            if heading_of(line):
                current = None
            continue
        if field_open == "text":
            current.text = join_lines([current.text, text])
        elif field_open == "ansvar":
            current.ansvar = split_units(", ".join([*current.ansvar, text]))
    return measures


# --- 5. bullets under a measure heading ---------------------------------------------

_BULLET_MARK = re.compile(r"^\s*(?:[-*•–]|\d{1,2}[.)])\s+")


def _read_bullets(document: Document) -> list[Measure]:
    """Bullet items under a heading that names measures ('Tiltak', 'Vi vil').

    The heading is a real one (markdown '#', a Word heading style) or a line
    that says only that; after such a plain line the list ends at the first
    line that is not an item.
    """
    lines = document.lines
    measures: list[Measure] = []
    active = plain = False
    section = ""
    current: Measure | None = None
    for index, line in enumerate(lines):
        text = line.text.strip()
        if line.heading_level:
            active, plain = _is_measure_heading(text.lstrip("#").strip()), False
            section = _parent_heading(lines, index) if active else section
            current = None
            continue
        if text and not line.bullet and _is_measure_heading(text) and not is_caps_text(text):
            active, plain, current = True, True, None
            section = _section_before(lines, index)
            continue
        if not active or not text:
            continue
        mark = _BULLET_MARK.match(line.text)
        if mark or line.bullet:
            body = line.text[mark.end():] if mark else text
            current = Measure("", section, "", body.strip(), line=line.number, page=line.page, layout="punktliste")
            _split_trailing_fields(current)
            measures.append(current)
        elif current is not None and line.text.startswith((" ", "\t")):
            current.text = join_lines([current.text, text])
            _split_trailing_fields(current)
        elif plain:
            active = False
    return measures


def _parent_heading(lines: list[Line], index: int) -> str:
    """The nearest heading above of a higher level ('## Forebygging' over '### Tiltak')."""
    level = lines[index].heading_level
    for line in reversed(lines[:index]):
        if 0 < line.heading_level < level:
            return line.text.lstrip("#").strip()
    return ""


def _split_trailing_fields(measure: Measure) -> None:
    """'Kurs i HAP (Ansvar: HBU, NAV)' → text and units."""
    match = re.search(r"\(\s*ansvar(?:lig)?\s*:\s*([^)]*)\)\s*\.?$", measure.text, re.IGNORECASE)
    if not match:
        match = re.search(r"[–-]\s*ansvar(?:lig)?\s*:\s*(.+)$", measure.text, re.IGNORECASE)
    if match:
        measure.ansvar = split_units(match.group(1))
        measure.text = measure.text[: match.start()].strip(" –-")
