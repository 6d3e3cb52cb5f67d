"""What counts as the district's commitment in a sentence of Norwegian plan prose."""

import pytest

from alignment.segment.commitments import is_action_line, read_commitment, split_sentences

COMMITMENTS = [
    ("Bydelen vil i planperioden etablere et foreldrekurs om cannabis.", ""),
    ("Vi skal også tilby faste samtaler med ruskonsulent.", ""),
    ("I 2025 skal det opprettes en pårørendegruppe i bydelen.", ""),
    ("Innen 2026 skal bydelen innføre rutiner for bekymringsmeldinger.", ""),
    ("NAV Bekkedal skal innen 2026 ansette en jobbspesialist.", "NAV Bekkedal"),
    ("Barne- og familietjenesten vil vurdere å opprette en akuttbolig.", "Barne- og familietjenesten"),
    ("Et nytt lavterskeltilbud for unge skal etableres på fritidsklubben.", ""),
    ("Alle brukere skal få tilbud om en fast kontaktperson.", ""),
    ("Som nevnt over vil bydelen opprette et FACT-team.", ""),
    ("Helsetjenesten skal innen utgangen av 2026 lage en rutine for bekymringsmeldinger.", "Helsetjenesten"),
    ("I tillegg skal alle som jobber med barn i bydelen, få opplæring i samtaler om rus.", ""),
    ("Hver bruker skal også få én koordinator som følger hele forløpet.", ""),
    ("Jobbspesialisten skal også oppsøke arbeidsgivere for å finne arbeidsplasser.", "Jobbspesialisten"),
    ("Bydelen vil inngå en avtale med sykehuset om et ambulant team.", ""),
    ("Fra 2025 vil rustjenesten tilby kurs for å slutte med cannabis.", "rustjenesten"),
    ("Ungdomsteamet vil sammen med Uteseksjonen utarbeide retningslinjer for oppsøkende arbeid.", "Ungdomsteamet"),
    ("Bydelen vil i tillegg bidra i Helseetatens arbeid med kommunens nettsider.", ""),
    ("Det er besluttet at SLT-koordinatoren fra 2025 har ansvaret for å fordele bekymringer.", "SLT-koordinatoren"),
    ("Barnevernet tar i planperioden ansvar for å snakke med barna i familien.", "Barnevernet"),
    ("Vi planlegger også å knytte likepersoner til aktivitetshuset.", ""),
    ("Det er besluttet at bo-oppfølgingen fra 2026 skal være tilgjengelig på kveldstid.", "bo-oppfølgingen"),
]

NOT_COMMITMENTS = [
    "Velferdsetaten skal i 2025 etablere flere plasser i botiltak.",
    "Regjeringen vil styrke arbeidet mot overdoser i hele landet.",
    "Politiet skal øke innsatsen mot salg av narkotika.",
    "Bydelen har i dag to ruskonsulenter og en utekontakt.",
    "Målet er at færre unge skal begynne å ruse seg.",
    "Vi vil at flere unge skal oppleve mestring i hverdagen.",
    "Planen skal evalueres hvert år av bydelsutvalget.",
    "Handlingsplanen skal rulleres i 2027.",
    "Færre unge skal debutere med alkohol før de fyller 15 år.",
    "Det vil bli flere eldre med rusproblemer de neste årene.",
    "Tjenester som skal gis, må være tilgjengelige for alle.",
    "Hvordan skal vi nå de unge som ikke går på fritidsklubben?",
    "Det er besluttet at Velferdsetaten skal bygge flere boliger.",
    "Bydelen skal være en god plass å vokse opp for alle barn.",
    "Politiet tar ansvar for å stanse salget av narkotika.",
]


@pytest.mark.parametrize(("sentence", "actor"), COMMITMENTS)
def test_commitments_are_read_with_their_actor(sentence, actor):
    commitment = read_commitment(sentence)
    assert commitment is not None and commitment.actor == actor


@pytest.mark.parametrize("sentence", NOT_COMMITMENTS)
def test_status_goals_plan_process_and_other_actors_are_not_commitments(sentence):
    assert read_commitment(sentence) is None


def test_sentences_split_at_full_stops_but_not_after_abbreviations():
    text = "Bydelen vil bl.a. tilby kurs, f.eks. i HAP. Vi skal også ansette en rådgiver. Tallet er 12 prosent."
    assert split_sentences(text) == ["Bydelen vil bl.a. tilby kurs, f.eks. i HAP.", "Vi skal også ansette en rådgiver.",
                                     "Tallet er 12 prosent."]


@pytest.mark.parametrize(("line", "action"), [
    ("Etablere en pårørendegruppe", True), ("Å styrke samarbeidet med NAV", True),
    ("Implementere en ny modell for oppfølging", True), ("Innbyggere per 1. januar 2024: 38 900", False),
    ("Brukere med rusproblemer", False), ("Foreldrekurs i ICDP", False),
])
def test_action_lines_open_with_an_infinitive(line, action):
    assert is_action_line(line) is action
