"""Chapters, their roles, and numbered lists that are not chapters."""

from alignment.records import Document, Line
from alignment.segment.chapters import BACKGROUND, MEASURES, OPEN, role_of, split_chapters


def _document(texts):
    return Document("plan", "plan.txt", "txt", tuple(Line(t, i + 1) for i, t in enumerate(texts)))


def test_roles_follow_the_heading():
    assert role_of("2 Status og utfordringer") == BACKGROUND
    assert role_of("3 Byens og statens satsinger") == BACKGROUND
    assert role_of("8 Oppfølging og evaluering") == BACKGROUND
    assert role_of("2.2 Ruspolitiske mål for perioden 2021-2024") == BACKGROUND
    assert role_of("4 Tiltak i planperioden") == MEASURES
    assert role_of("5 Forebygging") == OPEN
    assert role_of("2.1 Ungdom", parent_role=BACKGROUND) == BACKGROUND


def test_a_numbered_list_inside_a_chapter_is_not_a_chapter():
    document = _document(["1 Innledning", "Tekst.", "2 Mål", "2.1 Nasjonale mål", "Målene er:", "1. Tidlig innsats",
                          "2. Behandling", "3. Oppfølging", "2.2 Lokale mål", "Tekst.", "3 Tiltak", "Tekst."])
    headings = [c.heading for c in split_chapters(document)]
    assert headings == ["1 Innledning", "2 Mål", "2.1 Nasjonale mål", "2.2 Lokale mål", "3 Tiltak"]


def test_the_text_before_the_first_heading_is_background_when_chapters_follow():
    chapters = split_chapters(_document(["Bydel Testby", "Forord med tekst.", "1 Tiltak", "Bydelen vil mye."]))
    assert [(c.heading, c.role) for c in chapters] == [("", BACKGROUND), ("1 Tiltak", MEASURES)]
    assert [c.role for c in split_chapters(_document(["Bydelen vil mye."]))] == [OPEN]


def test_a_table_of_contents_is_not_a_chapter():
    chapters = split_chapters(_document(["Innhold", "1 Innledning ........ 3", "1 Innledning", "Tekst."]))
    assert [c.heading for c in chapters] == ["", "1 Innledning"]
