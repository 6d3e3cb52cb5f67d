"""KoRus Oslo's checklist: what a good plan contains beyond the Byråd's tiltak.

KoRus's guide (alignment/data/sources/korus_veileder.txt) asks for local figures,
goals tied to the Byråd's, responsible units and deadlines, user
involvement, relatives, cooperation, follow-up and revision, economic
consequences. The items and the words that show each of them live in
data/korus_sjekkliste.yaml (in the package when installed) so KoRus can edit them without touching code.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import ReferenceDataError
from .records import ChecklistItem, ChecklistResult, Document, Hit, Measure, MeasureCheck
from .reference import read_data_yaml
from .resources import CHECKLIST, data_path
from .textnorm import fold

MAX_SHOWN_LINES = 3
_DEADLINE = re.compile(
    r"\b(?:19|20)\d\d\b|\binnen\b|\bi lopet av\b|\bkvartal\b|\bfrist\b|\bhvert ar\b|\barlig\b|\bplanperioden\b"
)


def load_checklist(path: str | Path | None = None) -> tuple[ChecklistItem, ...]:
    path = Path(path) if path else data_path(CHECKLIST)
    raw = read_data_yaml(path, "KoRus-sjekklisten")
    items = (raw or {}).get("items") if isinstance(raw, dict) else None
    if not isinstance(items, list) or not items:
        raise ReferenceDataError(f"{path}: items: mangler eller er tom")
    result, seen = [], set()
    for n, entry in enumerate(items, start=1):
        where = f"items[{n}]"
        if not isinstance(entry, dict):
            raise ReferenceDataError(f"{path}: {where}: må være en ordbok")
        item_id = str(entry.get("id") or "").strip()
        if not item_id:
            raise ReferenceDataError(f"{path}: {where}: feltet id: mangler")
        if item_id in seen:
            raise ReferenceDataError(f"{path}: punkt '{item_id}': feltet id: finnes to ganger")
        seen.add(item_id)
        signs = entry.get("signs")
        if not isinstance(signs, list) or not signs or not all(str(s).strip() for s in signs):
            raise ReferenceDataError(f"{path}: punkt '{item_id}': feltet signs: mangler eller har tomme tegn")
        title = str(entry.get("title") or "").strip()
        if not title:
            raise ReferenceDataError(f"{path}: punkt '{item_id}': feltet title: mangler")
        min_signs = entry.get("min_signs", 1)
        if not isinstance(min_signs, int) or not 1 <= min_signs <= len(signs):
            raise ReferenceDataError(f"{path}: punkt '{item_id}': feltet min_signs: må være 1–{len(signs)}")
        result.append(ChecklistItem(item_id, title, str(entry.get("description") or "").strip(), min_signs,
                                    tuple(fold(str(s)) for s in signs)))
    return tuple(result)


def run_checklist(items: tuple[ChecklistItem, ...], document: Document) -> tuple[ChecklistResult, ...]:
    """Per item: found when enough different signs occur; the lines that show it, in order."""
    folded = [(line, fold(line.text)) for line in document.lines if line.text.strip()]
    results = []
    for item in items:
        hits: list[Hit] = []
        signs_found: list[str] = []
        for sign in item.signs:
            sign_hits = [Hit(line.number, line.page, line.text.strip(), sign) for line, text in folded if sign in text]
            if sign_hits:
                signs_found.append(sign)
                hits.extend(sign_hits)
        unique = {hit.line: hit for hit in sorted(hits, key=lambda h: h.line)}
        results.append(ChecklistResult(item, len(signs_found) >= item.min_signs,
                                       tuple(unique.values())[:MAX_SHOWN_LINES], tuple(signs_found)))
    return tuple(results)


def check_measures(measures: tuple[Measure, ...]) -> tuple[MeasureCheck, ...]:
    """Does each measure name who is responsible, and by when?"""
    return tuple(
        MeasureCheck(m, bool(m.ansvar), bool(m.frist) or bool(_DEADLINE.search(fold(f"{m.title} {m.text}"))))
        for m in measures
    )
