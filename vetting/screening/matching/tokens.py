"""How alike two name tokens are, and by which rule; the keys that retrieve them.

Every rule that can make two tokens alike has a retrieval key that both tokens
share when the rule fires (an edit: a common one-letter deletion; a
transliteration: the folded form or one edit of it; dropped vowels: the
consonants; truncation: the first four letters). ``token_match`` asks for a
shared key before it applies any rule, so whatever the index does not retrieve
could not have scored either: retrieval never loses a better match.
"""

import re
from functools import lru_cache

import jellyfish
from rapidfuzz.distance import OSA
from rapidfuzz.fuzz import ratio

from .vocab import GLUED_PARTICLES, PARTICLES

# Spellings that transliteration and OCR produce for the same sound or shape, applied
# in one pass: letter groups first, then single letters.
_GROUPS = re.compile(r"tsch|sch|tch|dzh|shch|vv|sh|ch|kh|gh|ck|dh|zh|dj|ph|th|ts|tz|c(?=[aou])")
_GROUP_FOLD = {
    "tsch": "s",
    "sch": "s",
    "shch": "s",
    "tch": "s",
    "sh": "s",
    "ch": "s",
    "dzh": "j",
    "dh": "d",
    "vv": "v",
    "kh": "h",
    "gh": "k",
    "ck": "k",
    "c": "k",
    "zh": "j",
    "dj": "j",
    "ph": "f",
    "th": "t",
    "ts": "s",
    "tz": "s",
}
_LETTER_FOLD = str.maketrans(
    {"q": "k", "x": "k", "w": "v", "c": "s", "z": "s", "g": "k", "y": "i", "o": "u", "e": "i"}
)
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLES = re.compile(r"(.)\1+")

EXACT = "exact"
INITIAL = "initial"
EDIT = "edit distance"
TRANSLITERATION = "transliteration"
VOWELLESS = "vowel-less"
TRUNCATION = "truncation"
PHONETIC = "phonetic"
PARTICLE = "glued particle"
OCR = "OCR confusion"

# Similarity (0-1) each rule gives; an edit's depends on the token's length.
RULE_SIMILARITY = {
    TRANSLITERATION: 0.95,
    VOWELLESS: 0.94,
    PARTICLE: 0.95,
    TRUNCATION: 0.92,
    INITIAL: 0.90,
    PHONETIC: 0.90,
    OCR: 0.93,
}


# A particle (al, bin, abdul) paired with a name word is likelier a coincidence than
# the name misspelt: such a pair counts less, and loses to a better pairing.
PARTICLE_PAIR_PENALTY = 0.04


def _dedouble(text: str) -> str:
    return _DOUBLES.sub(r"\1", text)


@lru_cache(maxsize=300_000)
def translit_form(token: str) -> str:
    """Consonant groups and vowels folded into classes, doubles collapsed
    (Muhammad/Mohammed, Gaddafi/Qaddafi/Kadhafi, Yusuf/Yousef, Sergei/Sergey)."""
    folded = token
    for digraph, vowel in (("ou", "u"), ("oo", "u"), ("ee", "i"), ("ie", "i"), ("iy", "i")):
        folded = folded.replace(digraph, vowel)
    if folded[:2] in ("ju", "iu", "ja", "ia"):  # Cyrillic ю, я: Yuk / Juk / Iuk
        folded = "y" + folded[1:]
    folded = _GROUPS.sub(lambda m: _GROUP_FOLD[m.group()], folded).translate(_LETTER_FOLD)
    return _dedouble(folded)


@lru_cache(maxsize=300_000)
def vowel_blind(token: str) -> str:
    """The transliteration form with every vowel after the first letter the same:
    Arabic and Persian names change vowels freely between romanizations."""
    folded = translit_form(token)
    return _dedouble(folded[0] + re.sub(r"[aiu]", "a", folded[1:])) if folded else ""


@lru_cache(maxsize=300_000)
def consonants(token: str) -> str:
    """First letter, then the letters as written without vowels, doubles collapsed."""
    return _dedouble(token[0] + _VOWELS.sub("", token[1:])) if token else ""


_OCR = re.compile(r"rn|cl|vv|l")
_OCR_FOLD = {"rn": "m", "cl": "d", "vv": "w", "l": "i"}


@lru_cache(maxsize=300_000)
def ocr_form(token: str) -> str:
    """Letter groups a scanner reads as one letter (rn/m, cl/d, vv/w) folded, and l/i
    (a digit 1 becomes i in normalizing: "A1i" is "Ali")."""
    return _OCR.sub(lambda m: _OCR_FOLD[m.group()], token)


def vowel_poor(token: str) -> bool:
    return len(token) >= 2 and not re.search(r"[aeiou]", token[1:])


def _deletions(prefix: str, text: str) -> set[str]:
    return {prefix + text[:i] + text[i + 1 :] for i in range(len(text))} | {prefix + text}


def _vowels_dropped(a: str, b: str) -> bool:
    """One side lost at least two of its vowels (Crls / Carlos, D'aml / Damelio)."""
    count = [len(re.findall(r"[aeiou]", t[1:])) for t in (a, b)]
    return vowel_poor(a) != vowel_poor(b) or abs(count[0] - count[1]) >= 2


def _particle_rest(token: str) -> str:
    for particle in GLUED_PARTICLES:
        rest = token[len(particle) :]
        if token.startswith(particle) and len(rest) >= 3:
            return rest
    return ""


@lru_cache(maxsize=300_000)
def token_keys(token: str) -> frozenset[str]:
    """Retrieval keys of a token of two letters or more."""
    keys = {"x:" + token, "c:" + consonants(token), "t:" + translit_form(token)}
    keys.add("o:" + ocr_form(token))
    if len(token) >= 4:
        keys |= _deletions("d:", token)
        keys |= _deletions("v:", vowel_blind(token))
        keys.add("p:" + token[:4])
        keys.add("m:" + jellyfish.metaphone(token))
    else:  # a letter dropped from four letters, or added to three
        keys.add("d:" + token)
    rest = _particle_rest(token)
    if rest:
        keys |= {"x:" + rest, "t:" + translit_form(rest)}
    return frozenset(keys)


_VOICING = {frozenset(p) for p in ("td", "bp", "kg", "sz", "fv")}


def _one_voicing_change(a: str, b: str) -> bool:
    """Ahmet / Ahmad: the same name but for a voiced or unvoiced consonant."""
    if len(a) != len(b) or len(a) < 4:
        return False
    changed = [frozenset((x, y)) for x, y in zip(a, b, strict=True) if x != y]
    return len(changed) == 1 and changed[0] in _VOICING


def _edit_similarity(long_: str, distance: int) -> float:
    if distance == 1:
        return 0.92 if len(long_) >= 6 else 0.90 if len(long_) >= 4 else 0.0
    if distance == 2 and len(long_) >= 9:
        return 0.88
    return 0.0


@lru_cache(maxsize=500_000)
def token_match(a: str, b: str) -> tuple[float, str]:
    """(similarity 0-1, rule) for two tokens; (0, "") when no rule makes them alike."""
    if a == b:
        return 1.0, EXACT
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) == 1:
        return (RULE_SIMILARITY[INITIAL], INITIAL) if long_.startswith(short) else (0.0, "")
    if not token_keys(a) & token_keys(b):
        return 0.0, ""
    found = [(_edit_similarity(long_, OSA.distance(a, b, score_cutoff=2) or 9), EDIT)]
    if translit_form(a) == translit_form(b):
        found.append((RULE_SIMILARITY[TRANSLITERATION], TRANSLITERATION))
    elif vowel_blind(a) == vowel_blind(b) and len(short) >= 4:
        found.append((0.93, TRANSLITERATION))
    elif _one_voicing_change(vowel_blind(a), vowel_blind(b)):
        found.append((0.90, TRANSLITERATION))  # Ahmet / Ahmad
    if consonants(a) == consonants(b) and _vowels_dropped(a, b):
        found.append((RULE_SIMILARITY[VOWELLESS], VOWELLESS))
    if ocr_form(a) == ocr_form(b):
        found.append((RULE_SIMILARITY[OCR], OCR))
    if len(short) >= 4 and long_.startswith(short):
        found.append((RULE_SIMILARITY[TRUNCATION], TRUNCATION))
    if _particle_rest(long_) == short:
        found.append((RULE_SIMILARITY[PARTICLE], PARTICLE))
    if (
        len(short) >= 5
        and a[0] == b[0]
        and jellyfish.metaphone(a) == jellyfish.metaphone(b)
        and ratio(a, b) >= 70
    ):
        found.append((RULE_SIMILARITY[PHONETIC], PHONETIC))
    similarity, rule = max(found)
    if (a in PARTICLES) != (b in PARTICLES):
        similarity -= PARTICLE_PAIR_PENALTY
    return (similarity, rule) if similarity > 0 else (0.0, "")
