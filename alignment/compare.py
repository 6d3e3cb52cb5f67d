"""Compare several districts' plans: one matrix of the 36 tiltak against the districts.

Analysts ask which city measures every district has taken up, which none
has, and where one district stands against the others; and they share the
answer in Excel. Each plan is checked once with a shared embedder (one model
load), a plan that cannot be read is reported and the others go on, and the
matrix is written as a web page, CSV and XLSX from one pandas DataFrame.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from .check import check_plan
from .embed import Embedder
from .errors import InputError
from .match import STATUSES, DEFAULT_SETTINGS, Matcher, Settings
from .reference import Reference, load_reference
from .report import STATUS_LABELS, CoverageRow, GapReport, environment, plan_title, write_atomic

EXAMPLE_PLANS = [
    Path(__file__).resolve().parent.parent / "data" / "examples" / "frogner.txt",
    Path(__file__).resolve().parent.parent / "data" / "examples" / "alna.txt",
]
COMPARE_FORMATS = ("html", "csv", "xlsx", "json")


@dataclass(frozen=True)
class PlanFailure:
    source: str
    message: str


@dataclass(frozen=True)
class District:
    name: str
    report_file: str
    report: GapReport

    def verdict(self, tiltak_id: str):
        return next(v for v in self.report.verdicts if v.tiltak.id == tiltak_id)


@dataclass(frozen=True)
class DistrictCoverage:
    district: District
    overall: CoverageRow
    district_owned: CoverageRow
    city_owned: CoverageRow
    by_strategy: list[tuple[str, CoverageRow, CoverageRow]]


@dataclass(frozen=True)
class MatrixRow:
    tiltak: object
    strategy: str
    cells: list[tuple[District, object]]  # (district, TiltakVerdict)

    @property
    def statuses(self) -> str:
        return " ".join(sorted({v.status for _, v in self.cells}))


@dataclass(frozen=True)
class ComparisonView:
    districts: list[District]
    coverage: list[DistrictCoverage]
    groups: list[tuple[str, str, str, str, list[MatrixRow]]]  # strategy id, strategy, section, heading, rows
    uncovered: list[object]
    failures: list[PlanFailure]
    strategies: list


def compare_plans(
    plans: list[str | Path] | None = None,
    model: str | None = None,
    reference: Reference | str | Path | None = None,
    settings: Settings = DEFAULT_SETTINGS,
    embedder: Embedder | None = None,
    progress=None,
    review_dir: str | Path | None = None,
    ocr: bool = False,
) -> "Comparison":
    """Check every plan with one embedder; unreadable plans become failures, not an abort.

    Where `review_dir` holds a plan's `<stem>.review.yaml`, the reviewer's verdicts are used.
    """
    plans = [Path(p) for p in (plans or EXAMPLE_PLANS)]
    if not isinstance(reference, Reference):
        reference = load_reference(reference)
    matcher = Matcher(embedder or Embedder(model), settings).fit(reference.tiltak)
    reports: list[GapReport] = []
    failures: list[PlanFailure] = []
    for plan in plans:
        try:
            reports.append(check_plan(plan, reference=reference, ocr=ocr, matcher=matcher))
        except InputError as error:
            failures.append(PlanFailure(str(plan), str(error)))
        if progress is not None:
            progress(plan)
    _give_unique_stems(reports)
    for report in reports:
        if review_dir is not None and report.review_path(review_dir).is_file():
            report.apply_review(report.review_path(review_dir))
    return Comparison(reports, failures, reference)


def _give_unique_stems(reports: list[GapReport]) -> None:
    """Two plans named plan.txt in different folders must not write over each other's report."""
    used = {"sammenligning"}
    for report in reports:
        stem, n = report.stem, 2
        while report.stem in used:
            report.stem, n = f"{stem}-{n}", n + 1
        used.add(report.stem)


class Comparison:
    def __init__(self, reports: list[GapReport], failures: list[PlanFailure], reference: Reference) -> None:
        self.reports = reports
        self.failures = failures
        self.reference = reference

    @cached_property
    def districts(self) -> list[District]:
        titles = [plan_title(report.document) for report in self.reports]
        districts, used = [], set()
        for title, report in zip(titles, self.reports):
            name = title if titles.count(title) == 1 else f"{title} ({report.stem})"
            n = 2
            while name in used:  # two drafts of one district: keep both apart
                name, n = f"{title} ({report.stem} {n})", n + 1
            used.add(name)
            districts.append(District(name, f"{quote(report.stem)}.html", report))
        return districts

    @cached_property
    def matrix(self) -> pd.DataFrame:
        """One row per tiltak; per district its status (Norwegian word) and score."""
        rows = []
        for tiltak in self.reference.tiltak:
            row = {
                "Tiltak": tiltak.id,
                "Strategi": self.reference.strategy_text(tiltak.strategy),
                "Liste": f"{tiltak.section} {tiltak.heading}",
                "Hvem skal handle": tiltak.owner_label,
                "Byrådets tekst": tiltak.text,
            }
            for district in self.districts:
                verdict = district.verdict(tiltak.id)
                row[f"{district.name}: status"] = STATUS_LABELS[verdict.status] + (
                    " (rådgiver)" if verdict.decided_by == "reviewer" else "")
                row[f"{district.name}: skår"] = verdict.score
                row[f"{district.name}: belegg"] = "; ".join(e.measure.id for e in verdict.evidence)
            rows.append(row)
        return pd.DataFrame(rows)

    def measures_frame(self, district: District) -> pd.DataFrame:
        rows = []
        for match in district.report.matches:
            m = match.measure
            rows.append({
                "Nr.": m.id,
                "Seksjon": m.section,
                "Mål": m.title,
                "Tiltak": m.text,
                "Ansvar": ", ".join(m.ansvar),
                "Svarer til Byrådets tiltak": ", ".join(tiltak_id for tiltak_id, _ in match.matches) or "(eget tiltak)",
                "Skår": max((score for _, score in match.matches), default=None),
            })
        return pd.DataFrame(rows, columns=["Nr.", "Seksjon", "Mål", "Tiltak", "Ansvar", "Svarer til Byrådets tiltak", "Skår"])

    @cached_property
    def view(self) -> ComparisonView:
        coverage = []
        for district in self.districts:
            summary = district.report.summary
            coverage.append(DistrictCoverage(district, summary.counts, summary.by_owner[0], summary.by_owner[1],
                                             summary.by_strategy))
        groups = []
        for section, heading, strategy_id in self.reference.sections:
            rows = [
                MatrixRow(t, strategy_id, [(d, d.verdict(t.id)) for d in self.districts])
                for t in self.reference.tiltak if t.section == section
            ]
            groups.append((strategy_id, self.reference.strategy_text(strategy_id), section, heading, rows))
        uncovered = [
            t for t in self.reference.tiltak
            if self.districts and all(d.verdict(t.id).status == "missing" for d in self.districts)
        ]
        return ComparisonView(self.districts, coverage, groups, uncovered, self.failures, self.reference.strategies)

    @cached_property
    def html(self) -> str:
        return environment.get_template("compare.html").render(view=self.view)

    @cached_property
    def csv_bytes(self) -> bytes:
        """UTF-8 with a BOM, so Excel shows æøå right; text that Excel would run as a formula is quoted."""
        frame = self.matrix.map(lambda v: f"'{v}" if isinstance(v, str) and v[:1] in "=+-@" else v)
        return frame.to_csv(index=False, sep=";", lineterminator="\r\n").encode("utf-8-sig")

    @cached_property
    def xlsx_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            self._sheet(writer, "Matrise", self.matrix)
            used: set[str] = {"Matrise"}
            for district in self.districts:
                self._sheet(writer, _sheet_name(district.name, used), self.measures_frame(district))
            book = writer.book
            book.properties.creator = "alignment"
            book.properties.created = book.properties.modified = FIXED_TIME
        return _fixed_zip_times(buffer.getvalue())

    @staticmethod
    def _sheet(writer, name: str, frame: pd.DataFrame) -> None:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Alignment, Font

        frame = frame.map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
        frame.to_excel(writer, sheet_name=name, index=False)
        sheet = writer.sheets[name]
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.data_type == "f":  # plan text that starts with '=' is text, not a formula
                    cell.data_type = "s"
        sheet.freeze_panes = "B2"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, column in enumerate(frame.columns, start=1):
            values = [str(column), *("" if pd.isna(v) else str(v) for v in frame[column])]
            width = min(max(len(v) for v in values) + 2, 60)
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(width, 8)
            if width >= 60:
                for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    row[0].alignment = Alignment(wrap_text=True, vertical="top")

    @cached_property
    def json_text(self) -> str:
        import json

        data = {
            "districts": [
                {"name": d.name, "source": d.report.document.source, "report": d.report_file,
                 "summary": {s: getattr(c.overall, s) for s in STATUSES}}
                for d, c in zip(self.districts, self.view.coverage)
            ],
            "failures": [{"source": f.source, "message": f.message} for f in self.failures],
            "tiltak": [
                {"id": t.id, "owner": t.owner,
                 "districts": {d.name: {"status": d.verdict(t.id).status, "score": d.verdict(t.id).score}
                               for d in self.districts}}
                for t in self.reference.tiltak
            ],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    def write(self, out_dir: str | Path, formats: tuple[str, ...] = COMPARE_FORMATS) -> list[Path]:
        """The comparison files and each plan's own report; every file is written whole or not at all."""
        if not self.reports:
            raise InputError("Ingen av planene kunne leses; ingenting er skrevet. Sjekk filene som er nevnt over.")
        out_dir = Path(out_dir)
        written: list[Path] = []
        for report in self.reports:
            written.extend(report.write(out_dir, tuple(f for f in formats if f in ("html", "json"))))
            template = report.write_review_template(out_dir) if "html" in formats else None
            if template is not None:
                written.append(template)
        contents = {
            "html": ("sammenligning.html", self.html),
            "csv": ("sammenligning.csv", self.csv_bytes),
            "xlsx": ("sammenligning.xlsx", self.xlsx_bytes),
            "json": ("sammenligning.json", self.json_text),
        }
        for fmt in formats:
            name, content = contents[fmt]
            write_atomic(out_dir / name, content)
            written.append(out_dir / name)
        return written


FIXED_TIME = datetime.datetime(2000, 1, 1)


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite the XLSX with fixed times (zip entries, and the save time openpyxl stamps in), for same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, content)
    return out.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel allows 31 characters and no []:*?/\\ in a sheet name, and no duplicates."""
    base = re.sub(r"[\[\]:*?/\\]", "", name)[:31] or "Plan"
    candidate, n = base, 2
    while candidate in used:
        suffix = f" {n}"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate
