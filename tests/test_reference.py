from pathlib import Path

import pytest
import yaml

from alignment import reference as reference_module
from alignment.errors import ReferenceDataError
from alignment.reference import default_reference_path, load_reference

from .conftest import ROOT


def test_bundled_reference_has_the_36_tiltak():
    reference = load_reference()
    ids = [t.id for t in reference.tiltak]
    assert len(ids) == 36 and len(set(ids)) == 36
    assert [t.id for t in reference.tiltak if t.section == "5.1.1"] == [
        "5.1.1 A", "5.1.1 B", "5.1.1 C", "5.1.1 C2", "5.1.1 D", "5.1.1 E"
    ]
    assert [len([t for t in reference.tiltak if t.section == s]) for s, _, _ in reference.sections] == [6, 10, 4, 4, 3, 6, 3]
    assert len(reference.goals) == 2 and len(reference.strategies) == 3


def test_tiltak_carry_owner_letter_and_verbatim_text():
    tiltak = {t.id: t for t in load_reference().tiltak}
    assert tiltak["5.1.1 C2"].letter == "C"
    assert tiltak["5.3.4 C"].owner == "by"
    assert tiltak["5.3.4 C"].text.startswith("Ta initiativ for en fast nasjonal finansieringsordning")
    assert tiltak["5.2.1 H"].owner == "bydel"
    assert tiltak["5.2.1 H"].text == "At tilbud om hasjavvennings-program (HAP) skal gis i alle bydeler/sektorer."
    assert {t.section_printed for t in tiltak.values() if t.section in ("5.1.1", "5.3.5")} == {True}
    assert {t.section_printed for t in tiltak.values() if t.section == "5.2.1"} == {False}


def _broken(tmp_path, mutate):
    data = yaml.safe_load(default_reference_path().read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "tiltak.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: d["lists"][0]["tiltak"][1].update(id="5.1.1 A"), "tiltak '5.1.1 A': feltet id: finnes to ganger"),
        (lambda d: d["lists"][1]["tiltak"][7].pop("text"), "tiltak '5.2.1 H': feltet text"),
        (lambda d: d["lists"][5]["tiltak"][2].update(owner="staten"), "tiltak '5.3.4 C': feltet owner: 'staten'"),
        (lambda d: d["lists"][0].update(strategy="S9"), "ukjent strategi 'S9'"),
    ],
)
def test_broken_reference_names_entry_and_field(tmp_path, mutate, expected):
    path = _broken(tmp_path, mutate)
    with pytest.raises(ReferenceDataError) as error:
        load_reference(path)
    assert str(path) in str(error.value)
    assert expected in str(error.value)


def test_invalid_yaml_reports_the_line(tmp_path):
    path = tmp_path / "tiltak.yaml"
    path.write_text("goals:\n  - id: M1\n    text: [unclosed\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="ugyldig YAML"):
        load_reference(path)


def test_yaml_is_read_safely(tmp_path):
    path = tmp_path / "tiltak.yaml"
    path.write_text("goals: !!python/object/apply:os.system ['echo hacked']\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError):
        load_reference(path)


def test_paraphrases_cover_every_tiltak_and_are_checked(tmp_path):
    from alignment.reference import load_paraphrases

    ids = [t.id for t in load_reference().tiltak]
    paraphrases = load_paraphrases(ids)
    assert set(paraphrases) == set(ids) and all(len(v) == 3 for v in paraphrases.values())
    bad = tmp_path / "omskrivinger.yaml"
    bad.write_text('"9.9 Z":\n  - "tekst"\n', encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="tiltak '9.9 Z': ukjent id"):
        load_paraphrases(ids, bad)


def test_the_default_reference_is_the_top_level_file_byte_for_byte(monkeypatch):
    """data/byraad_tiltak.yaml is the one copy to edit: load_reference() with no path reads its bytes, from there."""
    top = ROOT / "data" / "byraad_tiltak.yaml"
    real, read = reference_module.read_regular_file, []

    def spy(path, limit):
        data = real(path, limit)
        read.append((Path(path).resolve(), data))
        return data

    monkeypatch.setattr(reference_module, "read_regular_file", spy)
    assert default_reference_path() == top
    assert load_reference() == load_reference(top)
    assert read == [(top.resolve(), top.read_bytes())] * 2
