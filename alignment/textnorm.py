"""Text clean-up shared by extraction and matching.

Plans come OCR'd from scans (`pa` for *på*, `@` for *Ø*, `g` for *ø*, `8`/`3`/`d`
for *å*), with goal titles in capitals that embedding models read poorly, and
with Norwegian compounds that defeat word matching. These helpers undo what
can be undone without guessing: OCR repair only replaces a word when the
replacement is a known Norwegian word and the original is not.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

from .resources import SOURCES, data_path

# Function words that keep their case rules simple and mark title continuations.
FUNCTION_WORDS = frozenset(
    "i og til for av på pa om med en ét et som ved dem har å a fra eller mot før for under etter "
    "at de den det der hva kan skal må ma blant innen".split()
)
# Words that cannot end a goal title or start a new one: a title line ending or
# starting with one continues the title on the neighbouring line.
CONTINUATION_WORDS = frozenset("i og til for av på pa om med som ved eller mot før for under etter at blant innen fra å a".split())

_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "è": "e", "ä": "a", "ö": "o", "ü": "u"})


def fold(text: str) -> str:
    """Lower-case ASCII-ish form for comparing words across OCR and accents."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_FOLD)
    text = text.replace("@", "o").replace("¢", "o")
    return re.sub(r"\s+", " ", text).strip()


def is_caps_word(token: str) -> bool:
    letters = [ch for ch in token if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def is_caps_text(text: str) -> bool:
    words = [w for w in text.split() if any(ch.isalpha() for ch in w)]
    return bool(words) and all(is_caps_word(w) for w in words)


def recase_title(title: str) -> str:
    """Sentence case for an all-caps goal title, keeping short acronyms (HAP, NAV, IPS)."""
    if not is_caps_text(title):
        return title
    words = []
    for word in title.split():
        core = re.sub(r"[^\wÆØÅæøå]", "", word)
        keep = 2 <= len(core) <= 4 and core.lower() not in FUNCTION_WORDS and core.lower() not in _COMMON_SHORT
        words.append(word if keep else word.lower())
    text = " ".join(words)
    return text[:1].upper() + text[1:]


_COMMON_SHORT = frozenset(
    "alle flere bruk tid folk unge bo sted gis team økt okt gi ha ta få fa eid god nok dem hvor "
    "kan egen egne rus barn hjem".split()
)


def join_lines(parts: list[str]) -> str:
    """Join wrapped lines; a word split by a line-end hyphen is put back together."""
    text = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and part[:1].isalpha():
            first = part.split()[0].lower()
            text = text + part if first not in ("og", "eller") else text + " " + part
        else:
            text = f"{text} {part}" if text else part
    return re.sub(r"\s+", " ", text).strip()


# --- OCR repair -------------------------------------------------------------

_OCR_SUBSTITUTIONS = {
    "@": ("ø", "Ø"),
    "¢": ("ø",),
    "g": ("ø",),
    "p": ("ø",),
    "o": ("ø",),
    "e": ("ø",),
    "a": ("å",),
    "8": ("å",),
    "3": ("å",),
    "d": ("å",),
    "&": ("å",),
    "é": ("å",),
}
_DIGRAPHS = {"eae": "æ", "aee": "æ", "ae": "æ", "ee": "æ", "z": "æ"}
_WORD_RE = re.compile(r"[\w@¢&]+")

# Debian's `wnorwegian` word list; without it only the reference texts' words are known.
_SYSTEM_WORDLISTS = (Path("/usr/share/dict/bokmaal"),)


@lru_cache(maxsize=1)
def vocabulary() -> frozenset[str]:
    """Known bokmål words: the Byråd's and KoRus's texts, and Debian's word list if installed."""
    words: set[str] = set()
    for path in (*(data_path(name) for name in SOURCES), *_SYSTEM_WORDLISTS):
        if path.is_file():
            data = path.read_bytes()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:  # Debian's word lists are Latin-1
                text = data.decode("latin-1")
            words.update(w.lower() for w in re.findall(r"[^\W\d_]+", text))
    return frozenset(words)


def _candidates(word: str) -> list[str]:
    """Single substitutions of OCR-confusable characters (one or two positions)."""
    lower = word.lower()
    results = []
    positions = [(i, ch) for i, ch in enumerate(lower) if ch in _OCR_SUBSTITUTIONS]
    for i, ch in positions:
        for repl in _OCR_SUBSTITUTIONS[ch]:
            results.append(lower[:i] + repl.lower() + lower[i + 1:])
    for i, ch in positions:
        for j, ch2 in positions:
            if j <= i:
                continue
            for r1 in _OCR_SUBSTITUTIONS[ch]:
                for r2 in _OCR_SUBSTITUTIONS[ch2]:
                    results.append(lower[:i] + r1.lower() + lower[i + 1:j] + r2.lower() + lower[j + 1:])
    for bad, good in _DIGRAPHS.items():
        start = lower.find(bad)
        while start >= 0:
            results.append(lower[:start] + good + lower[start + len(bad):])
            start = lower.find(bad, start + 1)
    return results


def _restore_case(original: str, repaired: str) -> str:
    if original[:1].isupper() or original[:1] in "@¢":
        if is_caps_word(original) and len(original) > 1:
            return repaired.upper()
        return repaired[:1].upper() + repaired[1:]
    return repaired


@lru_cache(maxsize=65536)
def repair_word(word: str) -> str:
    """Repair one token; words of under three letters are left alone (too ambiguous)."""
    if word.lower() == "pa":
        return _restore_case(word, "på")
    word = _replace_at_sign(word)
    if len(word) < 3 or word.isdigit():
        return word
    vocab = vocabulary()
    lower = word.lower()
    if lower in vocab:
        return word
    for candidate in _candidates(word):
        if candidate in vocab:
            return _restore_case(word, candidate)
    return word


def _replace_at_sign(word: str) -> str:
    """`@` and `¢` stand only for Ø/ø in OCR'd Norwegian: capital at a word start or in capitals."""
    if not any(ch in word for ch in "@¢"):
        return word
    upper = is_caps_word(word.replace("@", "").replace("¢", "")) and len(word) > 1
    chars = []
    for i, ch in enumerate(word):
        if ch in "@¢":
            chars.append("Ø" if upper or i == 0 else "ø")
        else:
            chars.append(ch)
    return "".join(chars)


# A lone a / d / & / 3 / 8 between words is the infinitive marker å.
_LONE_AA = re.compile(r"(?<=[^\W\d_] )(?:a|d|&|3|8)(?= [a-zæøå]+e\b)")


def looks_ocred(texts: list[str]) -> bool:
    """Norwegian text has æ/ø/å in about 1.5 % of its letters; OCR that lost them has far fewer.

    Clean plans skip the repair: it could only do harm there, and the word
    list it needs takes most of a second to load.
    """
    joined = "".join(texts)
    if "@" in joined or "¢" in joined:
        return True
    letters = sum(ch.isalpha() for ch in joined)
    special = sum(ch in "æøåÆØÅ" for ch in joined)
    return letters > 0 and special / letters < 0.005


def repair_ocr(text: str) -> str:
    """Replace OCR-garbled words by the known word one or two confusions away."""
    text = _LONE_AA.sub("å", text)
    return _WORD_RE.sub(lambda m: repair_word(m.group(0)), text)


# --- character n-grams --------------------------------------------------------

NGRAM_RANGE = (3, 5)


def lexical_form(text: str, repair: bool = True) -> str:
    """Folded letters and digits only: the form wording is compared in."""
    return re.sub(r"[^a-z0-9 ]+", " ", fold(repair_ocr(text) if repair else text))


def char_wb_ngrams(text: str) -> Counter:
    """Character n-grams inside word boundaries, padded with a space (sklearn's char_wb)."""
    grams: Counter = Counter()
    low, high = NGRAM_RANGE
    for word in text.split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            if length < n:
                if n == low:
                    grams[padded] += 1
                break
            for i in range(length - n + 1):
                grams[padded[i:i + n]] += 1
    return grams
