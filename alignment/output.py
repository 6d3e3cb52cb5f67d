"""Writing the outputs: every file whole or not at all, a reviewer's file never overwritten.

Renderers return text; this module is where it reaches the disk. Each file
goes to a temporary file in the same folder and is renamed into place, so a
crash, a full disk or Ctrl-C leaves the previous file as it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .compare import review_path
from .errors import InputError, OutputError
from .records import Analysis, Comparison
from .render.data import analysis_json_text, comparison_json_text
from .render.html import comparison_html, report_html
from .render.review_file import review_template
from .render.spreadsheet import comparison_csv, comparison_xlsx

REPORT_FORMATS = ("html", "json")
COMPARE_FORMATS = ("html", "csv", "xlsx", "json")


def write_report(analysis: Analysis, out_dir: str | Path, formats: tuple[str, ...] = REPORT_FORMATS,
                 stem: str | None = None) -> list[Path]:
    """Write <stem>.html and <stem>.json (stem: the plan file's); each file appears whole or not at all."""
    out_dir = Path(out_dir)
    stem = stem or analysis.plan.name
    renderers = {"html": report_html, "json": analysis_json_text}
    written = []
    for fmt in formats:
        path = out_dir / f"{stem}.{fmt}"
        write_atomic(path, renderers[fmt](analysis))
        written.append(path)
    return written


def write_review_template(analysis: Analysis, out_dir: str | Path, stem: str | None = None) -> Path | None:
    """Create <stem>.review.yaml unless it exists: a reviewer's file is never overwritten."""
    path = review_path(out_dir, stem or analysis.plan.name)
    if path.exists():
        return None
    write_atomic(path, review_template(analysis), exclusive=True)
    return path


def write_comparison(comparison: Comparison, out_dir: str | Path,
                     formats: tuple[str, ...] = COMPARE_FORMATS) -> list[Path]:
    """The comparison files and each plan's own report (with a review template beside the HTML)."""
    if not comparison.districts:
        raise InputError("Ingen av planene kunne leses; ingenting er skrevet. Sjekk filene som er nevnt over.")
    out_dir = Path(out_dir)
    written: list[Path] = []
    for district in comparison.districts:
        written.extend(write_report(district.analysis, out_dir, tuple(f for f in formats if f in REPORT_FORMATS),
                                    district.stem))
        template = write_review_template(district.analysis, out_dir, district.stem) if "html" in formats else None
        if template is not None:
            written.append(template)
    renderers = {"html": comparison_html, "csv": comparison_csv, "xlsx": comparison_xlsx, "json": comparison_json_text}
    for fmt in formats:
        path = out_dir / f"sammenligning.{fmt}"
        write_atomic(path, renderers[fmt](comparison))
        written.append(path)
    return written


def write_atomic(path: Path, content: str | bytes, exclusive: bool = False) -> None:
    """Write via a temporary file in the same folder and rename, so a crash never leaves half a file.

    With `exclusive`, an existing file is left alone (a hard link fails where os.replace would overwrite).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path.parent}: kan ikke skrive rapporten her ({exc.strerror}). Velg en annen mappe med --out.") from exc
    try:
        data = content.encode("utf-8") if isinstance(content, str) else content
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        if exclusive:
            os.link(tmp, path)
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"{path}: kunne ikke skrive rapporten ({exc.strerror}); den forrige er urørt.") from exc
        raise
