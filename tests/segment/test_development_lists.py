from alignment.ingest import read_document
from alignment.segment import extract_measures
from alignment.segment.development_lists import read_development_lists

from . import find_measure
from ..conftest import ALNA, ALNA_MEASURES


def test_alna_development_lists():
    measures = extract_measures(read_document(ALNA))
    assert len(measures) == ALNA_MEASURES
    texts = [m.text for m in measures]
    assert "Utvikle felles kompetanseplan og handlingssti for alle barn- og unge tjenestene" in texts
    first = measures[0]
    assert first.text.startswith("Fokus pa & identifisere barn og unge")  # OCR bullet 'e' removed
    assert first.section.startswith("4.1 Spesielle")
    assert not [t for t in texts if "skolevegring som meldes" in t]  # Utfordringsbilde is not a measure
    assert not [t for t in texts if "Byradets strategiske plan" in t]  # nor the appendix
    wrapped = find_measure(measures, "Utrede behov for tverrfaglig ambulant team")
    assert wrapped.text.endswith("for sammensatte tjenester")
    assert {m.group for m in measures} == {"Utviklingsomrade", "Nye tiltak"}


def test_numbered_items_in_a_development_list(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("4.1 Barn og unge\nNye tiltak\n1. Bydelen skal tilby HAP til unge og voksne\n"
                    "2. Bydelen skal gi alle en fast kontaktperson i bydelen\n", encoding="utf-8")
    texts = [m.text for m in read_development_lists(read_document(path))]
    assert texts == ["Bydelen skal tilby HAP til unge og voksne", "Bydelen skal gi alle en fast kontaktperson i bydelen"]


def test_a_list_ends_at_the_challenges(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("4.2 Bolig\nUtviklingsområde\n• Flere boliger med oppfølging\nUtfordringsbilde\n"
                    "• Mange venter på bolig\n", encoding="utf-8")
    assert [m.text for m in read_development_lists(read_document(path))] == ["Flere boliger med oppfølging"]
