from alignment.ingest import read_document
from alignment.segment import extract_measures
from alignment.segment.flattened import read_flattened_tables
from alignment.segment.ocr_columns import read_ocr_column_tables

from . import find_measure
from ..conftest import FROGNER_MEASURES, FROGNER_OCR


def test_frogner_ocr_columns_are_paired():
    measures = extract_measures(read_document(FROGNER_OCR))
    assert len(measures) == FROGNER_MEASURES  # as many as in the clean text
    hap = find_measure(measures, "TILBY HAP")
    assert hap.text.startswith("Bydelen skal tilby HAP-veiledning")
    ip = find_measure(measures, "STYRKE BRUK AV INDIVIDUELL")
    assert ip.text.startswith("Ruskonsulent og boppfglgere")
    row = find_measure(measures, "DEKKE ETTERSP@RSELEN")
    assert row.title == "DEKKE ETTERSP@RSELEN ETTER BOLIGER TIL VANSKELIGSTILTE."
    assert row.text.startswith("NAV skal gjennomfgre et prosjekt") and row.ansvar == ("NAV",)


def test_pages_under_a_lone_mal_header_are_this_readers():
    # The scan's first table page keeps its 'MÅL TILTAK ANSVAR' header (the row reader's); later pages
    # start with a lone 'MÅL' over a column of goals.
    document = read_document(FROGNER_OCR)
    columns, rows = read_ocr_column_tables(document), read_flattened_tables(document)
    assert columns and rows and len(columns) + len(rows) == FROGNER_MEASURES
    assert min(m.line for m in columns) > max(m.line for m in rows)


def test_texts_after_a_block_of_titles_go_to_the_titles_by_wording(tmp_path):
    path = tmp_path / "skannet.txt"
    path.write_text("5.2 Strategi 2\nMÅL\nTILBY HAP\n\nFAST KONTAKTPERSON\n\nBydelen skal tilby HAP\ntil unge.\n\n"
                    "Alle får én fast\nkontaktperson i bydelen.\n", encoding="utf-8")
    measures = read_ocr_column_tables(read_document(path))
    assert [(m.title, m.text) for m in measures] == [
        ("TILBY HAP", "Bydelen skal tilby HAP til unge."),
        ("FAST KONTAKTPERSON", "Alle får én fast kontaktperson i bydelen."),
    ]
