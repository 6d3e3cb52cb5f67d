from alignment.textnorm import fold, join_lines, recase_title, repair_ocr


def test_repair_ocr_restores_norwegian_letters():
    assert repair_ocr("TILBY OPPF@LGINGSSAMTALER") == "TILBY OPPFØLGINGSSAMTALER"
    assert repair_ocr("Pargrende, ogsa barn som pargrende") == "Pårørende, også barn som pårørende"
    assert repair_ocr("ansatte pa Kastanjen") == "ansatte på Kastanjen"
    assert repair_ocr("for a sikre") == "for å sikre"


def test_repair_ocr_leaves_correct_text_and_numbers_alone():
    text = "Kurset avholdes 2 ganger årlig på Kastanjen Aktivitetshus"
    assert repair_ocr(text) == text


def test_recase_title_keeps_acronyms():
    assert recase_title("TILBY HAP (HASJAVVENNINGS-PROGRAM)") == "Tilby HAP (hasjavvennings-program)"
    assert recase_title("Allerede vanlig tekst") == "Allerede vanlig tekst"


def test_fold_and_join_lines():
    assert fold("Pårørende  Ø") == "parorende o"
    assert join_lines(["TILBY HAP (HASJAVVENNINGS-", "PROGRAM)"]) == "TILBY HAP (HASJAVVENNINGS-PROGRAM)"
    assert join_lines(["forsterket bo-", "og behandlingstilbud"]) == "forsterket bo- og behandlingstilbud"
