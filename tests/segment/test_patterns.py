import pytest

from alignment.records import Line
from alignment.segment.patterns import BULLET_MARK, OCR_BULLET, heading_of, is_measure_heading, split_units


def test_split_units():
    assert split_units("NAV, HBU og TTJ") == ["NAV", "HBU", "TTJ"]
    assert split_units("Helse, barn og unge, Barnevernet") == ["Helse, barn og unge", "Barnevernet"]
    assert split_units("alle") == ["ALLE"]


@pytest.mark.parametrize("text, heading", [
    ("5.1 Strategi 1: Forebyggingsoffensiv", "5.1 Strategi 1: Forebyggingsoffensiv"),
    ("4.2 Bolig og oppfølging", "4.2 Bolig og oppfølging"),
    ("4.2 TILBY HAP", None),  # a goal in capitals, not a heading
    ("1. Bydelen skal tilby kurs.", None),  # a numbered sentence
    ("Vanlig tekst", None),
])
def test_headings(text, heading):
    assert heading_of(Line(text, 1)) == heading


def test_measure_headings():
    assert is_measure_heading("Tiltak") and is_measure_heading("Nye tiltak:") and is_measure_heading("Vi vil")
    assert not is_measure_heading("Utfordringer")


def test_both_list_patterns_know_the_same_bullet_glyphs():
    for glyph in "•·▪◦●-–—*":
        assert BULLET_MARK.match(f"{glyph} Kurs for foreldre") and OCR_BULLET.match(f"{glyph} Kurs for foreldre")
    assert OCR_BULLET.match("e Fokus på barn") and not BULLET_MARK.match("e Fokus på barn")
