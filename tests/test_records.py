import dataclasses

import pytest

from alignment.records import CoverageRow, District, Measure, OWNER_LABELS, OWNERS, STATUS_LABELS, STATUSES


def test_records_are_frozen():
    measure = Measure("M01", "5.1", "TITTEL", "tekst")
    with pytest.raises(dataclasses.FrozenInstanceError):
        measure.text = "annen"


@pytest.mark.parametrize("measure, location", [
    (Measure("M01", "", "", "t", line=12), "linje 12"),
    (Measure("M01", "", "", "t", line=3, page=2), "side 2, linje 3"),
    (Measure("M01", "", "", "t", line=3, page=2, layout="tabell 1", row=4), "side 2, tabell 1, rad 4"),
    (Measure("M01", "", "", "t"), ""),
])
def test_measure_location_reads_as_the_report_shows_it(measure, location):
    assert measure.location == location


def test_coverage_row_share():
    assert CoverageRow("x", 2, 1, 3).total == 6 and CoverageRow("x", 2, 1, 3).addressed_share == 0.5
    assert CoverageRow("x", 0, 0, 0).addressed_share == 0.0


def test_every_status_and_owner_has_a_norwegian_label():
    assert set(STATUS_LABELS) == set(STATUSES) and set(OWNER_LABELS) == set(OWNERS)


def test_report_file_names_are_url_safe():
    assert District("Bydel X", "plan med mellomrom#1", None).report_file == "plan%20med%20mellomrom%231.html"
