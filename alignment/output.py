"""Writing the outputs: all files of a report or none, a reviewer's file never overwritten.

Renderers return text; this module is where it reaches the disk. Every file
is written to a temporary file in its folder first; only when all of them
are written are they renamed into place, so a crash, a full disk or Ctrl-C
leaves the previous files as they were (or none, if there were none). A file
written "once" (the review file) is linked into place, which fails, without
harm, if another process has just made it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .compare import review_path
from .errors import InputError, OutputError, os_reason
from .records import Analysis, Comparison
from .render.data import analysis_json_text, comparison_json_text
from .render.html import comparison_html, report_html
from .render.review_file import review_file

REPORT_FORMATS = ("html", "json", "docx", "pdf")  # docx and pdf: the feedback letter
DEFAULT_REPORT_FORMATS = ("html", "json")
COMPARE_FORMATS = ("html", "csv", "xlsx", "json", "docx", "pdf")
DEFAULT_COMPARE_FORMATS = ("html", "csv", "xlsx", "json")
LETTER_FORMATS = ("docx", "pdf")


def report_file(stem: str, fmt: str) -> str:
    """<stem>.html and <stem>.json for the report; <stem>.tilbakemelding.docx (or .pdf) for the letter."""
    return f"{stem}.tilbakemelding.{fmt}" if fmt in LETTER_FORMATS else f"{stem}.{fmt}"


def report_files(analysis: Analysis, out_dir: Path, formats: tuple[str, ...], stem: str,
                 draft: str = "", letter_template: bytes | str | Path | None = None) -> dict[Path, str | bytes]:
    """One plan's outputs in `formats`, rendered (the letter once, whether as DOCX, PDF or both).

    `draft` names the draft in the letter's header ("utkast 2, 1. desember 2026"); `letter_template` is the
    office's Word template the letter starts from (see `letter_docx`; None: ALIGNMENT_LETTER_TEMPLATE, if set).
    """
    renderers = {"html": report_html, "json": analysis_json_text}
    rendered = {fmt: renderers[fmt](analysis) for fmt in formats if fmt in renderers}
    if set(formats) & set(LETTER_FORMATS):
        from .render.letter import letter_docx  # python-docx: only letters pay its import

        rendered["docx"] = letter_docx(analysis, draft, template=letter_template)
    if "pdf" in formats:
        from .render.pdf import pdf_from_docx

        rendered["pdf"] = pdf_from_docx(rendered["docx"])
    return {out_dir / report_file(stem, fmt): rendered[fmt] for fmt in formats}


def write_report(analysis: Analysis, out_dir: str | Path, formats: tuple[str, ...] = DEFAULT_REPORT_FORMATS,
                 stem: str | None = None, draft: str = "",
                 letter_template: bytes | str | Path | None = None) -> list[Path]:
    """Write the chosen files for one plan (stem: the plan file's), all or none."""
    return write_files(report_files(analysis, Path(out_dir), formats, stem or analysis.plan.name, draft,
                                    letter_template))


def write_review_template(analysis: Analysis, out_dir: str | Path, stem: str | None = None) -> Path | None:
    """Create <stem>.review.yaml unless it exists: a reviewer's file is never overwritten."""
    path = review_path(out_dir, stem or analysis.plan.name)
    if path.exists():
        return None
    return path if write_once(path, review_file(analysis)) else None


def write_comparison(comparison: Comparison, out_dir: str | Path,
                     formats: tuple[str, ...] = DEFAULT_COMPARE_FORMATS,
                     letter_template: bytes | str | Path | None = None) -> list[Path]:
    """The comparison files and each plan's own report (with a review template beside the HTML)."""
    if not comparison.districts:
        raise InputError("Ingen av planene kunne leses; ingenting er skrevet. Sjekk filene som er nevnt over.")
    from .render.spreadsheet import comparison_csv, comparison_xlsx  # pandas: only comparisons pay its import

    out_dir = Path(out_dir)
    renderers = {"html": comparison_html, "csv": comparison_csv, "xlsx": comparison_xlsx, "json": comparison_json_text}
    per_plan = tuple(fmt for fmt in formats if fmt in REPORT_FORMATS)
    files: dict[Path, str | bytes] = {}
    for district in comparison.districts:
        files.update(report_files(district.analysis, out_dir, per_plan, district.stem,
                                  letter_template=letter_template))
    together = [out_dir / f"sammenligning.{fmt}" for fmt in formats if fmt in renderers]
    files.update({path: renderers[path.suffix[1:]](comparison) for path in together})
    write_files(files)
    written: list[Path] = []
    for district in comparison.districts:
        written += [out_dir / report_file(district.stem, fmt) for fmt in per_plan]
        template = write_review_template(district.analysis, out_dir, district.stem) if "html" in formats else None
        written += [template] if template is not None else []
    return written + together


def write_files(files: dict[Path, str | bytes]) -> list[Path]:
    """Write every file or none: each to a temporary file first, then all renamed into place."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            staged.append((_stage(path, content), path))
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException as exc:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _write_error(exc, list(files)) from exc
        raise
    return list(files)


def write_once(path: Path, content: str | bytes) -> bool:
    """Create `path` unless it exists (then False); never replaces a file, also under concurrent runs."""
    tmp = _stage(path, content)
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        raise _write_error(exc, [path]) from exc
    finally:
        Path(tmp).unlink(missing_ok=True)


def _stage(path: Path, content: str | bytes) -> str:
    """The content in a new temporary file beside `path`, flushed to disk; its name."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path.parent}: kan ikke skrive rapporten her ({os_reason(exc)}). "
                          "Velg en annen mappe med --out.") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _write_error(exc: OSError, paths: list[Path]) -> OutputError:
    before = "de forrige er urørt" if len(paths) > 1 else "den forrige er urørt"
    kept = before if any(p.exists() for p in paths) else "ingenting er skrevet"
    return OutputError(f"{paths[0]}: kunne ikke skrive rapporten ({os_reason(exc)}); {kept}.")
