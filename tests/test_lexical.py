import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from alignment.lexical import LexicalScorer
from alignment.textnorm import lexical_form
from alignment.reference import load_reference


def test_same_numbers_as_scikit_learn():
    reference = [t.text for t in load_reference().tiltak]
    queries = ["Tilby HAP til unge og voksne", "Én fast kontaktperson i bydelen", "x", ""]
    ours = LexicalScorer(repair=False).fit(reference).similarity(queries)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    ref_matrix = vectorizer.fit_transform([lexical_form(t, False) for t in reference])
    theirs = (vectorizer.transform([lexical_form(q, False) for q in queries]) @ ref_matrix.T).toarray()
    assert np.allclose(ours, theirs, atol=1e-9)


def test_ocr_errors_still_match_the_copied_wording():
    reference = [t.text for t in load_reference().tiltak]
    scorer = LexicalScorer().fit(reference)
    scores = scorer.similarity(["Pargrende, ogsa barn som pargrende, skal systematisk spgrres om hva som kan virke avlastende"])
    best = int(np.argmax(scores[0]))
    assert load_reference().tiltak[best].id == "5.2.1 E"
