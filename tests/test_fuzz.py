"""Property-based tests: extraction never raises on any text, and any text is escaped in the report."""

import re

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alignment.ingest import Document, Line
from alignment.match import DEFAULT_SETTINGS, Matcher
from alignment.reference import load_reference
from alignment.report import GapReport
from alignment.segment import Measure, extract_measures

from .test_match import KeywordEmbedder

PLAN_LINES = st.lists(
    st.one_of(
        st.text(max_size=80),
        st.sampled_from(["MÅL TILTAK ANSVAR", "Nye tiltak", "Utviklingsområde", "NAV", "HBU", "", "5.1 Strategi 1: X",
                         "TILBY HAP", "Tiltak 1: Kurs", "Ansvar: NAV", "### Tiltak", "- punkt", "MAL", "e Fokus på barn"]),
    ),
    max_size=40,
)


def _words(text):
    return set(re.findall(r"\w+", text.lower()))


@settings(max_examples=150, deadline=None)
@given(PLAN_LINES)
def test_extraction_never_raises_and_only_uses_input_words(lines):
    document = Document("fuzz", "fuzz.txt", "txt",
                        [Line(text, i + 1, None, 3 if text.startswith("###") else 0) for i, text in enumerate(lines)])
    measures = extract_measures(document)
    source_words = _words("\n".join(lines))
    for measure in measures:
        assert _words(f"{measure.title} {measure.text}") <= source_words | {"i"}
        assert measure.id.startswith("M")


REFERENCE = load_reference()
MATCHER = Matcher(KeywordEmbedder()).fit(REFERENCE.tiltak)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=60).filter(lambda t: t.strip()))
def test_any_measure_text_round_trips_escaped(text):
    measure = Measure("M01", "seksjon", text, text, [text])
    verdicts, matches = MATCHER.match([measure])
    report = GapReport(Document("p", "p.txt", "txt"), [measure], verdicts, matches, REFERENCE, "k", DEFAULT_SETTINGS)
    soup = BeautifulSoup(report.html, "html.parser")
    assert len(soup.find_all("script")) == 1
    expected = " ".join(text.split())
    cells = [" ".join(td.get_text().split()) for td in soup.select("table.local td")]
    if not matches[0].matches:
        assert expected in cells
