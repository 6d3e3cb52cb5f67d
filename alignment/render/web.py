"""The workbench's pages: the overview of a workspace, a plan to review, and one tiltak's card.

They render through the same environment as the reports, but load their
style and script from the server (`/static/...`), so the pages run under a
Content-Security-Policy that allows no inline script or style. Every value
on them comes in as an argument.
"""

from __future__ import annotations

from ..records import CHECK_STAGES, Analysis, CheckState, Comparison, PlanListing, Review, Settings, TiltakVerdict, WorkspacePlan
from .environment import environment



def uncertainty(verdict: TiltakVerdict, settings: Settings) -> float:
    """How near the verdict's score is to a threshold: the smaller, the less sure the machine is."""
    return round(min(abs(verdict.score - settings.partial), abs(verdict.score - settings.covered)), 3)


environment.globals["uncertainty"] = uncertainty


def overview_html(listings: list[PlanListing], comparison: Comparison | None, token: str, error: str = "",
                  notice: str = "", team: dict | None = None, upload_district: str = "") -> str:
    """`team` (a team server): who is logged in and what they may do; `upload_district` fixes the upload form's
    district (a district user uploads their own district's drafts only)."""
    return environment.get_template("web/overview.html").render(listings=listings, comparison=comparison, token=token,
                                                                error=error, notice=notice, team=team,
                                                                upload_district=upload_district)


def plan_html(plan: WorkspacePlan, check: CheckState, analysis: Analysis | None, review: Review | None,
              revision: int, token: str, pdf_letter: bool = False, history: dict | None = None,
              team: dict | None = None) -> str:
    """The plan's page; `pdf_letter` offers the letter as PDF too (LibreOffice is installed); `history` holds each
    tiltak's decisions, newest first; `team` adds publishing and the conversation with the district."""
    return environment.get_template("web/plan.html").render(plan=plan, check=check, analysis=analysis, review=review,
                                                            revision=revision, token=token, stages=CHECK_STAGES[1:],
                                                            pdf_letter=pdf_letter, history=history or {}, team=team)


def district_html(plan: WorkspacePlan, check: CheckState, machine: Analysis | None, publications: list,
                  comments: list[dict], token: str, team: dict, may_comment: bool, may_upload: bool) -> str:
    """A district user's page of their plan: what KoRus published to them, the machine's result of their latest
    draft (marked as the machine's), the conversation, and a new draft."""
    return environment.get_template("web/district.html").render(
        plan=plan, check=check, machine=machine, publications=publications, comments=comments, token=token,
        team=team, may_comment=may_comment, may_upload=may_upload)


def login_html(next_path: str, error: str = "", name: str = "", oidc_label: str = "") -> str:
    return environment.get_template("web/login.html").render(next=next_path, error=error, name=name,
                                                             oidc_label=oidc_label, token="", team=None)


def account_html(team: dict, token: str, local: bool, error: str = "", changed: bool = False) -> str:
    return environment.get_template("web/account.html").render(team=team, token=token, local=local, error=error,
                                                               changed=changed)


def admin_html(users: list, token: str, team: dict, audit_count: int, audit_problem: str, districts: list[str],
               role_labels: dict, notice: str = "") -> str:
    return environment.get_template("web/admin.html").render(
        users=users, token=token, team=team, audit_count=audit_count, audit_problem=audit_problem,
        districts=districts, role_labels=role_labels, notice=notice)


def card_html(plan: WorkspacePlan, analysis: Analysis, review: Review | None, tiltak_id: str,
              history: list[dict] | None = None) -> str:
    module = environment.get_template("web/_cards.html").module
    index = next(i for i, v in enumerate(analysis.verdicts) if v.tiltak.id == tiltak_id)
    return str(module.card(plan, analysis, review, index, history or []))


def change_line(entry: dict) -> str:
    """One history entry as the card says it: 'Dekket → Mangler, kommentar endret, 1 belegg lagt til'."""
    labels = {"covered": "Dekket", "partial": "Delvis", "missing": "Mangler", None: "maskinens"}
    before, after = entry.get("before") or {}, entry.get("after") or {}
    parts = []
    if before.get("status") != after.get("status"):
        parts.append(f"{labels.get(before.get('status'), '?')} → {labels.get(after.get('status'), '?')}")
    gained = [m for m in after.get("evidence", []) if m not in before.get("evidence", [])]
    lost = [m for m in before.get("evidence", []) if m not in after.get("evidence", [])]
    if gained:
        parts.append(f"belegg lagt til: {', '.join(gained)}")
    if lost:
        parts.append(f"belegg fjernet: {', '.join(lost)}")
    if (before.get("comment") or "") != (after.get("comment") or ""):
        parts.append("kommentar endret")
    text = ", ".join(parts) or "ingen endring"
    return f"angret: {text}" if "undo_of" in entry else text


environment.globals["change_line"] = change_line


# --- the plan's text, with what the readers found marked -----------------------------------------

def text_parts(analysis: Analysis) -> list[dict]:
    """The plan as the advisor reads it to correct the extraction: headings, paragraphs and tables, each with
    the measures read from it (a measure's text found in the paragraph or a cell, spacing aside)."""
    from ..segment.chapters import split_chapters
    from ..segment.prose import blocks

    document = analysis.document
    left = list(analysis.measures)

    def take(text: str) -> list:
        flat = " ".join(text.split())
        found = [m for m in left if m.text and " ".join(m.text.split())[:80] in flat]
        for measure in found:
            left.remove(measure)
        return found

    parts: list[dict] = []
    index_of = {line.number: index for index, line in enumerate(document.lines)}
    tables = sorted(document.tables, key=lambda t: t.after_line)
    for chapter in split_chapters(document):
        if chapter.heading:
            parts.append({"kind": "heading", "text": chapter.heading, "level": min(chapter.level + 1, 4),
                          "role": chapter.role})
        end = chapter.end
        for block in blocks(chapter.lines(document)):
            while tables and tables[0].after_line <= index_of[block.lines[0].number]:
                parts.append(_table_part(tables.pop(0), take))
            parts.append({"kind": "bullet" if block.bullet else "paragraph", "text": block.text,
                          "measures": take(block.text), "line": block.lines[0].number, "page": block.lines[0].page})
        while tables and tables[0].after_line <= end:
            parts.append(_table_part(tables.pop(0), take))
    parts += [_table_part(table, take) for table in tables]
    if left:  # read from somewhere this view cannot show (an OCR'd column, a passage added by hand)
        parts.append({"kind": "elsewhere", "measures": left})
    return parts


def _table_part(table, take) -> dict:
    rows = [[{"text": cell, "measures": take(cell) if cell.strip() else []} for cell in row] for row in table.rows]
    return {"kind": "table", "rows": rows, "page": table.page}


def text_html(plan: WorkspacePlan, analysis: Analysis, review: Review | None, token: str,
              team: dict | None = None) -> str:
    return environment.get_template("web/text.html").render(plan=plan, analysis=analysis, review=review, token=token,
                                                            parts=text_parts(analysis), team=team)
