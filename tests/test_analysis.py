from alignment.analysis import plan_heading, plan_title, summarize
from alignment.records import Document, Line, Measure

from .fakes import keyword_analysis


def test_plan_title_is_the_district_the_plan_names():
    lines = (Line("Ruspolitisk handlingsplan", 1), Line("Bydel Nordre Aker 2021–2024", 2))
    assert plan_title(Document("plan", "plan.txt", "txt", lines)) == "Bydel Nordre Aker"
    assert plan_title(Document("utkast-3", "utkast-3.txt", "txt", (Line("Ingen bydel her", 1),))) == "utkast-3"


def test_plan_heading_is_the_plans_own_title_line():
    def heading(*texts):
        return plan_heading(Document("plan", "plan.txt", "txt", tuple(Line(t, i + 1) for i, t in enumerate(texts))))

    assert heading(" Russtrategi 2021 -2024 Bydel Frogner ", "", "1 Innledning") == "Russtrategi 2021 -2024 Bydel Frogner"
    assert heading("# Bydel Solhøgda – Handlingsplan for rusfeltet 2024–2027") == (
        "Bydel Solhøgda – Handlingsplan for rusfeltet 2024–2027")
    assert heading(" 1. Innledning", "Psykiske helseutfordringer ...", "Handlingsplanen bygger på ...") == ""
    assert heading("Strategi " + "lang " * 40) == ""


def test_summary_counts_groups_and_local_measures():
    analysis = keyword_analysis([Measure("M01", "", "", "Tilby HAP til unge"), Measure("M02", "", "", "Sommerfest")])
    summary = analysis.summary
    assert summary.counts.total == len(analysis.reference.tiltak)
    assert summary.counts.covered == sum(v.status == "covered" for v in analysis.verdicts)
    assert sum(row.total for row in summary.by_owner) == summary.counts.total
    assert [lst.section for lst in summary.lists] == [s for s, _, _ in analysis.reference.sections]
    assert sum(len(lst.verdicts) for lst in summary.lists) == summary.counts.total
    assert [m.id for m in summary.local_measures] == ["M02"]
    by_strategy = {text: (district, city) for text, district, city in summary.by_strategy}
    assert sum(d.total + c.total for d, c in by_strategy.values()) == summary.counts.total
    assert summarize(analysis.verdicts, analysis.matches, analysis.reference) == summary


def test_analysis_knows_its_plan_and_the_checklist_counts():
    from alignment.checklist import load_checklist

    document = Document("plan", "/x/plan.txt", "txt", (Line("Bydel Alna", 1), Line("Planen skal rulleres i 2025", 2)))
    analysis = keyword_analysis([Measure("M01", "", "", "Kurs", ("NAV",), frist="2025")], document, load_checklist())
    assert (analysis.plan.name, analysis.plan.title, analysis.plan.source) == ("plan", "Bydel Alna", "/x/plan.txt")
    assert analysis.with_ansvar == 1 and analysis.with_deadline == 1
    assert analysis.checklist_found == sum(r.found for r in analysis.checklist) >= 1
