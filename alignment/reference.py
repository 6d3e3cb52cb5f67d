"""The Byråd's reference tiltak, loaded from YAML and checked before use.

The YAML is edited by people (a new strategy, a corrected owner), so every
mistake is reported with the file, the entry and the field, instead of
surfacing later as a wrong report.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import ReferenceDataError, os_reason
from .records import OWNERS, Reference, Statement, Tiltak
from .resources import PARAPHRASES, REFERENCE, data_path
from .untrusted import NotRegularFile, TooLarge, load_yaml, read_regular_file


def default_reference_path() -> Path:
    return data_path(REFERENCE)


MAX_DATA_BYTES = 5 * 1024 * 1024


def read_data_yaml(path: Path, what: str) -> object:
    """Load one of the project's data files safely; a missing or broken file is one clear error."""
    try:
        text = read_regular_file(path, MAX_DATA_BYTES).decode("utf-8")
        return load_yaml(text)[0]
    except FileNotFoundError as exc:
        raise ReferenceDataError(f"{path}: finner ikke {what}.") from exc
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(f"{path}: er ikke lagret som UTF-8. Lagre filen som UTF-8 og prøv igjen.") from exc
    except (NotRegularFile, TooLarge) as exc:
        raise ReferenceDataError(f"{path}: er ikke en vanlig YAML-fil under {MAX_DATA_BYTES // (1024 * 1024)} MB. "
                                 "Oppgi en YAML-fil.") from exc
    except OSError as exc:
        raise ReferenceDataError(f"{path}: kan ikke lese {what} ({os_reason(exc)}). Oppgi en YAML-fil.") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (linje {mark.line + 1})" if mark else ""
        raise ReferenceDataError(f"{path}: ugyldig YAML{where}. Rett filen og prøv igjen.") from exc


def load_reference(path: str | Path | None = None) -> Reference:
    path = Path(path) if path else default_reference_path()
    return parse_reference(read_data_yaml(path, "referansefilen med Byrådets tiltak"), str(path))


def parse_reference(raw: object, source: str) -> Reference:
    def fail(where: str, problem: str) -> ReferenceDataError:
        return ReferenceDataError(f"{source}: {where}: {problem}")

    if not isinstance(raw, dict):
        raise fail("filen", "må være en YAML-ordbok med goals, strategies og lists")
    goals = _statements(raw.get("goals"), "goals", fail)
    strategies = _statements(raw.get("strategies"), "strategies", fail)
    strategy_ids = {s.id for s in strategies}
    lists = raw.get("lists")
    if not isinstance(lists, list) or not lists:
        raise fail("lists", "mangler eller er tom")
    tiltak: list[Tiltak] = []
    seen: set[str] = set()
    for n, block in enumerate(lists, start=1):
        where = f"lists[{n}]"
        if not isinstance(block, dict):
            raise fail(where, "må være en ordbok")
        section = _required_text(block, "section", where, fail)
        heading = _required_text(block, "heading", where, fail)
        strategy = _required_text(block, "strategy", where, fail)
        if strategy not in strategy_ids:
            raise fail(f"{where} ({section})", f"feltet strategy: ukjent strategi '{strategy}'")
        entries = block.get("tiltak")
        if not isinstance(entries, list) or not entries:
            raise fail(f"{where} ({section})", "feltet tiltak: mangler eller er tom")
        for m, entry in enumerate(entries, start=1):
            entry_where = f"{where}.tiltak[{m}]"
            if not isinstance(entry, dict):
                raise fail(entry_where, "må være en ordbok")
            tiltak_id = _required_text(entry, "id", entry_where, fail)
            entry_where = f"tiltak '{tiltak_id}'"
            if tiltak_id in seen:
                raise fail(entry_where, "feltet id: finnes to ganger")
            seen.add(tiltak_id)
            owner = _required_text(entry, "owner", entry_where, fail)
            if owner not in OWNERS:
                raise fail(entry_where, f"feltet owner: '{owner}' er ukjent (bruk {', '.join(OWNERS)})")
            tiltak.append(
                Tiltak(
                    id=tiltak_id,
                    section=section,
                    section_printed=bool(block.get("section_printed", False)),
                    letter=_required_text(entry, "letter", entry_where, fail),
                    strategy=strategy,
                    heading=heading,
                    owner=owner,
                    text=_required_text(entry, "text", entry_where, fail),
                )
            )
    return Reference(source, tuple(goals), tuple(strategies), tuple(tiltak))


def _required_text(entry: dict, key: str, where: str, fail) -> str:
    value = entry.get(key)
    if value is None or not str(value).strip():
        raise fail(where, f"feltet {key}: mangler eller er tomt")
    return " ".join(str(value).split())


def _statements(raw: object, key: str, fail) -> list[Statement]:
    if not isinstance(raw, list) or not raw:
        raise fail(key, "mangler eller er tom")
    statements = []
    for n, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise fail(f"{key}[{n}]", "må være en ordbok med id og text")
        statements.append(
            Statement(_required_text(entry, "id", f"{key}[{n}]", fail), _required_text(entry, "text", f"{key}[{n}]", fail))
        )
    return statements


def load_paraphrases(tiltak_ids: list[str], path: str | Path | None = None) -> dict[str, list[str]]:
    """Plain-language wordings per tiltak (data/tiltak_omskrivinger.yaml), checked against the tiltak ids."""
    path = Path(path) if path else data_path(PARAPHRASES)
    raw = read_data_yaml(path, "omskrivingene av Byrådets tiltak")
    if not isinstance(raw, dict):
        raise ReferenceDataError(f"{path}: må være en ordbok fra tiltak-id til en liste med omskrivinger")
    known = set(tiltak_ids)
    result = {}
    for tiltak_id, texts in raw.items():
        if str(tiltak_id) not in known:
            raise ReferenceDataError(f"{path}: tiltak '{tiltak_id}': ukjent id")
        if not isinstance(texts, list) or not all(isinstance(t, str) and t.strip() for t in texts):
            raise ReferenceDataError(f"{path}: tiltak '{tiltak_id}': må være en liste med tekster")
        result[str(tiltak_id)] = [" ".join(t.split()) for t in texts]
    return result
