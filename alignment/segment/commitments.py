"""What a commitment looks like in a Norwegian plan's running text, sentence by sentence.

A district plan that writes its measures as prose says them as promises:
"Bydelen vil i planperioden etablere …", "Vi skal også …", "NAV Bekkedal skal
innen 2026 …", "I 2025 skal det opprettes …". Around them stand sentences
that look alike but are not the district's measures: figures and status, what
the district already does ("Bydelen har i dag …"), goals ("Målet er at færre
…"), how the plan was made, and the initiatives of the city or the state that
the plan only mentions ("Velferdsetaten skal …"). This module tells them apart
by the sentence's grammar (who is the actor of which modal verb) rather than by
its topic, so it does not learn any one plan's wording: a rule is either Norwegian
plan language or it is not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "f.eks bl.a ca nr jf jfr dvs mv m.v o.l osv kl pkt t.o.m f.o.m evt ev iht i.h.t mht m.h.t vs ref tlf "
    "bl.annet s ff inkl ekskl avd red adm st stk mill mrd kr pr o.a m.m m.fl d.v.s".split())
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"»”)]*\s+(?=[«\"(]?[A-ZÆØÅ0-9])")

_ADVERB = r"(?:\s+(?:også|derfor|videre|i\s+tillegg|fortsatt|dessuten))?"
MODALS = (rf"skal|vil|bør|må|ønsker{_ADVERB}\s+å|kommer{_ADVERB}\s+til\s+å|planlegger{_ADVERB}\s+å|"
          rf"tar{_ADVERB}\s+sikte\s+på\s+å|går{_ADVERB}\s+inn\s+for\s+å")
# "Det er besluttet at NAV …", "Barneverntjenesten tar i planperioden ansvar for å …": a commitment in the present.
_DECIDED = re.compile(r"^det\s+er\s+(?:besluttet|vedtatt|bestemt|avtalt)\s+at\s+(.+)$", re.IGNORECASE)
_TAKES_ON = re.compile(r"^(.{3,80}?)\s+(?:tar|påtar\s+seg)\s+(?:[\wæøå]+\s+){0,3}?ansvar(?:et)?\s+for\s+(?:å\s+)?\S",
                       re.IGNORECASE)
# "skal være tilgjengelig på kveldstid": a promise of service, where "skal være" is otherwise a goal.
_SERVICE_STATE = re.compile(r"^\s*(?:[\wæøå]+\s+){0,3}?(?:tilgjengelig|åpen|åpent|bemannet|til\s+stede)\b", re.IGNORECASE)
_MODAL = re.compile(rf"\b(?:{MODALS})\b", re.IGNORECASE)
_SUBORDINATORS = frozenset("at som når hvis dersom fordi om hvordan der slik hvor mens før etter inntil".split())

# The district speaking of itself.
_DISTRICT = re.compile(r"^(?:bydelen|bydel\s+[a-zæøå]+|vi|bydelens\s+\w+|oss)$", re.IGNORECASE)
# A unit of the district: a service, an office, a team, a named role.
_UNIT_SUFFIXES = (
    "tjenesten", "tjenestene", "kontoret", "kontorene", "avdelingen", "enheten", "enhetene", "stasjonen", "teamet",
    "senteret", "sentralen", "ledelsen", "barnevernet", "konsulenten", "konsulentene", "koordinatoren", "rådgiveren",
    "rådgiverne", "klubben", "klubbene", "kontakten", "huset", "gruppen", "forvaltningen", "direktøren", "legen",
    "overlegen", "programmet", "arbeiderne", "ansatte",
)
_UNIT_STEMS = ("tjeneste", "kontor", "avdeling", "enhet", "stasjon", "senter", "sentral", "klubb", "konsulent",
               "koordinator", "rådgiver", "barnevern", "bydelsdirektør", "bydelsoverlege", "utekontakt", "booppfølg",
               "bo-oppfølg", "psykolog", "sykepleier", "team", "spesialist", "veileder", "terapeut", "miljøarbeider",
               "medarbeider", "ansatte")
_UNIT_NAMES = frozenset("nav salto sltf hbu ttj mof ke bv bh hjt ht bu hof".split())
# The city and the state: when one of them is the actor, the plan only reports their initiative.
_OTHER_ACTORS = re.compile(
    r"(?:etaten|etatene|direktoratet|departementet|byrådet|byrådsavdelingen|bystyret|regjeringen|staten|stortinget|"
    r"oslo\s+kommune|kommunen|politiet|politidistrikt|fylkesmannen|statsforvalteren|uteseksjonen|ute-seksjonen|"
    r"helseforetaket|sykehuset|universitetssykehus|spesialisthelsetjenesten|lovisenberg|korus|husbanken|"
    r"domstolen|kriminalomsorgen|osloskolen)\b",
    re.IGNORECASE)
# Subjects that make a sentence about the plan, its goals or the world rather than a measure.
_PLAN_WORDS = re.compile(r"plan(?:en|er|ene)?\b|strategi|tiltakene|målene", re.IGNORECASE)
_NOT_ACTORS = re.compile(
    r"^(?:planen|handlingsplanen|strategien|tiltakene|målene|målet|målsettingen|visjonen|arbeidet|innsatsen|"
    r"bydelsutvalget|rapporten|resultatene|evalueringen|dette|disse|den|de|han|hun|man|det\s+\w+)$",
    re.IGNORECASE)
_GOAL_STARTS = re.compile(
    r"^(?:målet|målene|mål|hovedmålet|delmålet|målsettingen|visjonen|formålet|hensikten|ambisjonen)\b",
    re.IGNORECASE)
# A person who receives a service, as the subject of a promise: "Alle brukere skal få tilbud om …".
_BENEFICIARY = re.compile(r"^(?:alle|enhver|hver|barn|unge|ungdom|brukere|pårørende|foreldre|innbyggere|personer|"
                          r"de\s+som|den\s+som|familier|eldre)\b", re.IGNORECASE)
_SERVICE_PROMISE = re.compile(r"\b(?:få|ha|motta|tilbys|gis)\s+(?:[\wæøåé-]+\s+){0,2}(?:tilbud|hjelp|oppfølging|tilgang|"
                              r"fast|egen|individuell|informasjon|veiledning|plass|bolig|kontaktperson|koordinator|"
                              r"time|samtale|opplæring|kurs|behandling|avlastning|støtte)", re.IGNORECASE)

# Infinitives that open an action line ("Etablere et foreldrekurs"), beside any verb in -ere.
ACTION_VERBS = frozenset(
    "arrangere ansette avklare bidra bruke bygge delta dele drifte drive etablere evaluere forbedre forebygge forankre "
    "formidle forsterke fortsette fremme følge gi gjennomføre gjøre heve holde hjelpe igangsette implementere "
    "informere innføre invitere jobbe kartlegge kurse lage lansere legge løfte markedsføre motvirke videreføre "
    "videreutvikle opprette opprettholde oppsøke ordne prioritere promotere prøve redusere rekruttere revidere "
    "samarbeide samle samordne satse sette sikre skape skaffe skolere spre starte styrke støtte synliggjøre "
    "ta tilby tilrettelegge tydeliggjøre undersøke utarbeide utforme utløse utprøve utrede utvide utvikle "
    "vurdere øke åpne arbeide bistå endre engasjere finne fange inkludere kvalitetssikre lære mobilisere motivere "
    "nå oppdatere planlegge rydde sørge tilpasse trygge veilede innhente inngå kjøpe leie ansette bemanne lære "
    "gjennomgå etterspørre ivareta koordinere organisere tilrettelegge videreutdanne".split())
_INFINITIVE_START = re.compile(r"^(?:å\s+)?([a-zæøå]+)\b", re.IGNORECASE)
_PASSIVE = re.compile(r"^[a-zæøå]{3,}es$")

_DEADLINE = re.compile(
    r"\b(?:innen\s+(?:utgangen\s+av\s+)?(?:\d{1,2}\.\s*)?(?:[a-zæøå]+\s+)?\d{4}|i\s+løpet\s+av\s+(?:\d{4}|planperioden|"
    r"året|første\s+halvår\s+\d{4})|(?:høsten|våren|sommeren|vinteren)\s+\d{4}|fra\s+(?:og\s+med\s+)?\d{4}|"
    r"i\s+\d{4}|senest\s+\d{4}|(?:i\s+)?\d{4}\s*[–-]\s*\d{2,4}|hvert\s+år|årlig)\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class Commitment:
    """A sentence read as the district's promise: who acts (empty for the district itself) and when."""

    text: str
    actor: str
    deadline: str


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; an abbreviation's full stop ("f.eks.", "bl.a.") ends none."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start:match.start()].split()
        if before and before[-1].lower().strip("(«\"").rstrip(".") in _ABBREVIATIONS:
            continue
        pieces.append(text[start:match.start()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def _words(text: str) -> list[str]:
    return re.findall(r"[\wæøåÆØÅ-]+", text)


def _in_subordinate_clause(sentence: str, position: int) -> bool:
    """'… tiltak som skal …', '… slik at flere skal …': the modal belongs to a clause inside another."""
    head = sentence[:position]
    cut = max(head.rfind(","), head.rfind(";"), head.rfind(":"), head.rfind("–"))
    words = [w.lower() for w in _words(head[cut + 1:] if cut >= 0 else head)]
    if words[:2] == ["som", "nevnt"]:
        return False
    return any(word in _SUBORDINATORS for word in words[-4:])


def is_actor(phrase: str) -> bool:
    """The district, 'vi', or one of its units ('NAV Bekkedal', 'Barne- og familietjenesten')."""
    words = [w for w in _words(phrase) if w.lower() not in ("og", "i", "sammen", "med", "også", "selv")]
    if not words or len(words) > 8 or _OTHER_ACTORS.search(phrase) and not re.search(r"\bbydel", phrase, re.I):
        return False
    if any(_DISTRICT.match(w) for w in words) or re.search(r"\bbydel\s+[A-ZÆØÅ]", phrase):
        return True
    return any(_is_unit_word(w) for w in words) or any(w.lower() in _UNIT_NAMES for w in words)


def _is_unit_word(word: str) -> bool:
    """'Helsestasjon', 'tjenesten', 'Boligkontoret', 'SLT-koordinatoren': a word that names a district unit."""
    lower = word.lower()
    return lower.endswith(_UNIT_SUFFIXES) or any(stem in lower for stem in _UNIT_STEMS)


_PREPOSITIONS = frozenset("i på med for til av om fra ved mot hos under over etter før mellom innen blant gjennom "
                          "uten rundt langs via per som en et ei den det de og eller samt".split())
_ADVERBS = frozenset("også fortsatt videre derfor dessuten sammen ikke alltid særlig spesielt gjerne aktivt tett "
                     "systematisk tydelig bedre mer jevnlig løpende raskt nå straks snarest tillegg planperioden "
                     "perioden året årlig".split())
_SHORT_INFINITIVES = frozenset("bli få ha gi se ta gå be la bo nå tilby by dra stå".split())
_NOT_VERBS = frozenset("alle flere andre hele samme store egne nye gode unge eldre dette disse denne "
                       "blant annet mye økt større grad bydelen vi det nav".split())


def _verb_after(rest: str) -> str:
    """The infinitive the modal governs: the first word after it that can be one, past adverbs and phrases."""
    for word in _words(rest)[:10]:
        lower = word.lower()
        if lower in _NOT_VERBS or word[:1].isupper() or word.isdigit() or _DISTRICT.match(word):
            continue
        if lower in _PREPOSITIONS or lower in _ADVERBS:
            continue
        if (lower in ACTION_VERBS or lower in _SHORT_INFINITIVES or _PASSIVE.match(lower) or lower == "være"
                or (lower.endswith(("e", "å")) and len(lower) > 3)):
            return lower
    return ""


def read_commitment(sentence: str) -> Commitment | None:
    """The sentence as a commitment of the district or one of its units, or None."""
    text = " ".join(sentence.split())
    if len(text) < 25 or len(text) > 600 or text.endswith("?") or _GOAL_STARTS.match(text):
        return None
    return _modal_commitment(text) or _present_commitment(text)


def _present_commitment(text: str) -> Commitment | None:
    """'Det er besluttet at X …' or 'X tar ansvar for å …': the district's decision stated in the present."""
    decided = _DECIDED.match(text)
    if decided:
        inner = decided.group(1)
        found = _modal_commitment(inner)
        if found:
            return Commitment(text, found.actor, found.deadline)
        subject = next((" ".join(_words(inner)[:n]) for n in range(1, 7) if is_actor(" ".join(_words(inner)[:n]))),
                       "")
        if subject:
            return Commitment(text, "" if _DISTRICT.match(subject.split()[0]) else subject, _deadline(text))
        return None
    takes = _TAKES_ON.match(text)
    if takes and is_actor(takes.group(1)) and not _OTHER_ACTORS.search(takes.group(1)):
        subject = _trimmed(" ".join(_words(takes.group(1))))
        return Commitment(text, "" if _DISTRICT.match(subject.split()[0]) else subject, _deadline(text))
    return None


def _modal_commitment(text: str) -> Commitment | None:
    for match in _MODAL.finditer(text):
        if match.start() > 160:
            break
        if _in_subordinate_clause(text, match.start()):
            continue
        before = text[:match.start()].strip(" ,")
        clause = _words(re.split(r"[,;:–]", before)[-1])
        rest = text[match.end():]
        if re.match(r"\s+at\b", rest):  # "vil at flere …": a wish, not an act
            return None
        if clause and len(clause) <= 8 and not _starts_adverbial(clause):
            subject, governed = " ".join(clause), rest
        else:  # verb second: "I planperioden vil bydelen …", "Fra 2025 vil rustjenesten …"
            subject, governed = _subject_after(rest)
        verb = _verb_after(governed)
        if verb == "være" and _SERVICE_STATE.match(governed[governed.find("være") + 4:]):
            verb = "tilby"  # "skal være tilgjengelig …": a service promised
        if not subject or not verb or verb in ("være", "bli"):
            return None
        actor = _actor(subject, governed, verb)
        if actor is None:
            return None
        return Commitment(text, "" if _DISTRICT.match(actor.split()[0]) or actor.lower() == "det" else actor,
                          _deadline(text))
    return None


def _subject_after(rest: str) -> tuple[str, str]:
    """In verb-second order the subject follows the modal: (the subject, the words after it)."""
    words = _words(rest)
    taken: list[str] = []
    for word in words[:8]:
        lower = word.lower()
        if taken and (lower in _ADVERBS or lower in _PREPOSITIONS or lower in ACTION_VERBS
                      or lower in _SHORT_INFINITIVES or _PASSIVE.match(lower)):
            break
        taken.append(word)
        if _DISTRICT.match(word) or lower == "det":
            break
    if not taken:
        return "", rest
    last = taken[-1]
    return " ".join(taken), rest[rest.find(last) + len(last):]


def _actor(subject: str, governed: str, verb: str) -> str | None:
    """Who acts, when it is the district: itself, 'vi', a unit, 'det' with a passive, or a promise to its users."""
    words = _words(subject)
    if subject.lower() == "det":
        return "det" if _PASSIVE.match(verb) else None
    if _NOT_ACTORS.match(subject) or _GOAL_STARTS.match(subject) or _PLAN_WORDS.search(subject):
        return None
    if is_actor(subject):
        return words[0] if _DISTRICT.match(words[0]) else _trimmed(subject)
    if _BENEFICIARY.match(subject) and _SERVICE_PROMISE.search(governed):
        return "bydelen"
    if _PASSIVE.match(verb) and not _OTHER_ACTORS.search(subject) and len(words) <= 6:
        return "bydelen"
    return None


def _trimmed(subject: str) -> str:
    """The unit's name without what follows it: 'bo-oppfølgingen fra 2026' → 'bo-oppfølgingen'."""
    kept: list[str] = []
    for word in subject.split():
        if kept and (word.lower() in _PREPOSITIONS - {"og", "for", "eller"} or word[:1].isdigit()):
            break
        kept.append(word)
    return " ".join(kept)


def _starts_adverbial(words: list[str]) -> bool:
    """'I planperioden', 'Videre', 'Innen 2026', 'Sammen med NAV': the verb-second slot's opener, not a subject."""
    first = words[0].lower()
    return first in ("i", "innen", "fra", "videre", "også", "dessuten", "samtidig", "derfor", "sammen", "gjennom",
                     "for", "med", "høsten", "våren", "neste", "etter", "før", "under", "på", "ved", "blant",
                     "i tillegg", "deretter", "først", "til", "som", "særlig", "spesielt", "allerede", "fremover",
                     "framover", "nå", "da", "her", "hvert", "årlig") or first.isdigit()


def _deadline(text: str) -> str:
    match = _DEADLINE.search(text)
    return match.group(0) if match else ""


def is_action_line(text: str) -> bool:
    """An item that opens with an infinitive: 'Etablere et foreldrekurs', 'Å styrke …'."""
    match = _INFINITIVE_START.match(text.strip())
    if not match:
        return False
    word = match.group(1).lower()
    if re.search(r":\s*[\d.,\s]+(?:prosent|%)?\s*$", text):  # "Innbyggere per 1. januar: 38 900" is a figure
        return False
    if word in ACTION_VERBS:
        return True
    # Another verb in -ere opens an action when an object follows it ("Implementere en ny modell"),
    # unlike a plural noun ("Innbyggere per 1. januar").
    return word.endswith("ere") and len(word) > 5 and bool(_OBJECT_START.match(text.strip()[match.end():]))


_OBJECT_START = re.compile(r"\s+(?:en|et|ei|nye?|flere|alle|egne?|felles|bydelens|tilbud|rutiner|samarbeid|"
                           r"tiltak|kurs|arbeidet|innsatsen|tjenester)\b", re.IGNORECASE)
