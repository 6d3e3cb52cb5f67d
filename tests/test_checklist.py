import pytest
import yaml

from alignment.checklist import check_measures, load_checklist, run_checklist
from alignment.errors import ReferenceDataError
from alignment.ingest import read_document
from alignment.records import Measure
from alignment.resources import CHECKLIST, data_path

from .conftest import ALNA, FROGNER, FROGNER_OCR


def _found(path):
    return {r.item.id: r for r in run_checklist(load_checklist(), read_document(path))}


def test_checklist_covers_what_korus_asks_for():
    ids = {item.id for item in load_checklist()}
    assert {"nasituasjon", "mal_byradet", "tiltak_ansvar_tid", "nivaer_forebygging", "brukermedvirkning",
            "barn_som_parorende", "parorende", "samhandling", "plan_oppfolging", "evaluering", "rullering",
            "okonomi"} <= ids


def test_frogner_by_our_reading():
    found = _found(FROGNER)
    assert {k for k, r in found.items() if r.found} == {
        "nasituasjon", "planverk", "mal_byradet", "malgrupper", "tiltak_ansvar_tid", "folkehelse", "lokale_tilbud",
        "samarbeid_skole", "samhandling", "kompetanse", "brukermedvirkning", "barn_som_parorende", "parorende",
        "forankring", "rullering",
    }
    assert 41 in [h.line for h in found["rullering"].hits]  # "Ruspolitisk handlingsplan skal rulleres senest i 2022."
    assert not found["okonomi"].found and not found["evaluering"].found and found["okonomi"].hits == ()


def test_ocr_copy_gives_the_same_checklist():
    clean, ocr = _found(FROGNER), _found(FROGNER_OCR)
    assert {k for k, r in clean.items() if r.found} == {k for k, r in ocr.items() if r.found}


def test_alna_by_our_reading():
    found = _found(ALNA)
    assert found["plan_oppfolging"].found and found["rullering"].found and found["barn_som_parorende"].found
    assert not found["tiltak_ansvar_tid"].found and not found["okonomi"].found and not found["brukermedvirkning"].found


def test_measures_with_and_without_ansvar_and_deadline():
    checks = check_measures([
        Measure("M01", "", "", "Bydelen skal innen utgangen av 2021 utvikle rutiner", ("BV",)),
        Measure("M02", "", "", "Skaffe egnede boliger"),
        Measure("M03", "", "", "Kurs for foreldre", ("HBU",), frist="høsten"),
    ])
    assert [(c.has_ansvar, c.has_deadline) for c in checks] == [(True, True), (False, False), (True, True)]


def test_broken_checklist_names_item_and_field(tmp_path):
    data = yaml.safe_load(data_path(CHECKLIST).read_text(encoding="utf-8"))
    data["items"][1]["min_signs"] = 99
    path = tmp_path / "sjekkliste.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=f"punkt '{data['items'][1]['id']}': feltet min_signs"):
        load_checklist(path)
