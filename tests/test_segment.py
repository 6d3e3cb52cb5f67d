"""The reader registry (alignment/segment/__init__.py): order, names, one reading per line."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from alignment.ingest import read_document
from alignment.records import Document, Line
from alignment.segment import READER_NAMES, READERS, extract_measures

from .conftest import FROGNER


def test_readers_are_named_and_ordered_most_specific_first():
    assert READER_NAMES == ("tabeller", "flate-tabeller", "ocr-kolonner", "nummerert", "utviklingslister", "punktlister",
                            "prosa")
    assert all(reader.layout for reader in READERS)


def test_measures_are_numbered_in_document_order():
    measures = extract_measures(read_document(FROGNER))
    assert [m.id for m in measures] == [f"M{n:02d}" for n in range(1, len(measures) + 1)]
    assert [m.line for m in measures] == sorted(m.line for m in measures)


def test_a_reader_can_be_left_out_by_name():
    document = read_document(FROGNER)
    assert extract_measures(document, without=frozenset({"flate-tabeller", "prosa"})) == ()
    assert extract_measures(document, without=frozenset({"punktlister"})) == extract_measures(document)


def test_numbered_tiltak_under_nye_tiltak_are_read_once(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("4.1 Barn og unge\nNye tiltak\nTiltak 1: Kurs for foreldre\nAnsvar: Helse, barn og unge,\n"
                    "NAV og Bydelsoverlegen\nTiltak 2: Fast kontaktperson\nAnsvar: NAV\n", encoding="utf-8")
    measures = extract_measures(read_document(path))
    assert [(m.text, m.ansvar) for m in measures] == [
        ("Kurs for foreldre", ("Helse, barn og unge", "NAV", "Bydelsoverlegen")),
        ("Fast kontaktperson", ("NAV",)),
    ]


def test_prose_without_measures_gives_none(tmp_path):
    path = tmp_path / "roman.txt"
    path.write_text("Det var en gang en bydel.\n\nDen hadde mange innbyggere og en park.\n", encoding="utf-8")
    assert extract_measures(read_document(path)) == ()


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
                        tuple(Line(text, i + 1, None, 3 if text.startswith("###") else 0) for i, text in enumerate(lines)))
    measures = extract_measures(document)
    source_words = _words("\n".join(lines))
    for measure in measures:
        assert _words(f"{measure.title} {measure.text}") <= source_words | {"i"}
        assert measure.id.startswith("M")
