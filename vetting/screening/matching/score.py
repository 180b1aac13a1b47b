"""How alike two normalized names are, 0-100, with rapidfuzz doing the string work.

A name is compared token by token (so order does not matter and a missing
middle name costs little), each token pair by the best of several views: the
letters as written, a consonant skeleton (robust to transliteration, dropped
vowels, doubled letters and OCR pairs such as rn/m), the phonetic key, initials
and truncation. The whole name is also compared glued together, which absorbs
spacing and particle differences ("AlHassan" / "al-Hassan").
"""

import re
from functools import lru_cache

import jellyfish
from rapidfuzz.fuzz import ratio

from .normalize import Name

# Spellings that transliteration and OCR produce for the same sound or shape, applied
# in one pass: letter groups first, then single letters.
_GROUPS = re.compile(r"tsch|sch|tch|dzh|rn|vv|cl|sh|ch|kh|gh|ck|dh|zh|dj|ph|th|c(?=[aou])")
_GROUP_FOLD = {
    "tsch": "s",
    "sch": "s",
    "tch": "s",
    "sh": "s",
    "ch": "s",
    "dzh": "d",
    "dh": "d",
    "rn": "m",
    "vv": "v",
    "cl": "d",
    "kh": "k",
    "gh": "k",
    "ck": "k",
    "c": "k",
    "zh": "j",
    "dj": "j",
    "ph": "f",
    "th": "t",
}
_LETTER_FOLD = str.maketrans({"q": "k", "x": "k", "w": "v", "c": "s", "z": "s", "g": "k"})


@lru_cache(maxsize=300_000)
def fold_consonants(token: str) -> str:
    return _GROUPS.sub(lambda m: _GROUP_FOLD[m.group()], token).translate(_LETTER_FOLD)


_VOWELS = re.compile(r"[aeiouy]")
_DOUBLES = re.compile(r"(.)\1+")

# Score a pair of tokens may never exceed when they only agree on a skeleton or a sound.
SKELETON_CAP = 94.0
TRANSLIT_CAP = 96.0
# Only for names of five letters or more: John and Jane are different people.
VOWEL_BLIND_SCORE = 90.0
# A name is only as alike as its least alike part allows (John Smith is not Jane Smith).
WEAKEST_PART_SLACK = 10.0
INITIAL_SCORE = 90.0
TRUNCATION_SCORE = 92.0
MISSING_PART_PENALTY = 4.0


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """First letter, then consonants with transliteration pairs folded and doubles collapsed."""
    if not token:
        return ""
    folded = fold_consonants(token)
    head, tail = folded[0], _VOWELS.sub("", folded[1:])
    head = "a" if head in "aeiouy" else head
    return _DOUBLES.sub(r"\1", head + tail)


_VOWEL_CLASSES = str.maketrans({"o": "u", "e": "i", "y": "i"})


@lru_cache(maxsize=200_000)
def transliteration_form(token: str) -> str:
    """Consonants folded like the skeleton, vowels kept but folded into classes
    (Muhammad/Mohammed, Gaddafi/Qaddafi/Kadhafi, Yusuf/Yousef)."""
    folded = fold_consonants(token)
    for digraph, vowel in (("ue", "u"), ("oe", "o"), ("ae", "a"), ("ou", "u"), ("iu", "u")):
        folded = folded.replace(digraph, vowel)
    return _DOUBLES.sub(r"\1", folded.translate(_VOWEL_CLASSES))


@lru_cache(maxsize=200_000)
def vowel_blind_form(token: str) -> str:
    """The transliteration form with every vowel after the first letter the same:
    Arabic and Persian names change vowels freely between romanizations."""
    folded = transliteration_form(token)
    return folded[0] + re.sub(r"[aeiou]", "a", folded[1:])


@lru_cache(maxsize=200_000)
def phonetic(token: str) -> str:
    """Metaphone key: used to find candidates, too coarse to score with (John = Jane)."""
    return jellyfish.metaphone(token) if token.isalpha() else token


def _vowel_poor(token: str) -> bool:
    return len(token) >= 3 and not re.search(r"[aeiou]", token[1:])


@lru_cache(maxsize=400_000)
def token_similarity(a: str, b: str) -> float:
    if a == b:
        return 100.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) == 1:
        return INITIAL_SCORE if long_.startswith(short) else 0.0
    best = ratio(a, b)
    if len(short) >= 4 and long_.startswith(short):
        best = max(best, TRUNCATION_SCORE)
    best = max(best, min(TRANSLIT_CAP, ratio(transliteration_form(a), transliteration_form(b))))
    if len(short) >= 5 and vowel_blind_form(a) == vowel_blind_form(b):
        best = max(best, VOWEL_BLIND_SCORE)
    if _vowel_poor(a) != _vowel_poor(b):
        # One side lost its vowels (evasion or abbreviation): compare consonants only.
        sa, sb = skeleton(a), skeleton(b)
        skel = 100.0 if sa == sb else ratio(sa, sb) - 6
        best = max(best, min(SKELETON_CAP, skel))
    return best


def _align(q: tuple[str, ...], c: tuple[str, ...]) -> float:
    """Greedy best pairing of tokens; unmatched tokens of the shorter name count as 0,
    extra tokens of the longer name (missing middle names) cost a small penalty."""
    if not q or not c:
        return 0.0
    pairs = [(token_similarity(x, y), i, j) for i, x in enumerate(q) for j, y in enumerate(c)]
    pairs.sort(reverse=True)
    used_q, used_c, total, weight, weakest = set(), set(), 0.0, 0.0, 100.0
    for sim, i, j in pairs:
        if i in used_q or j in used_c or sim < 50:
            continue
        used_q.add(i)
        used_c.add(j)
        w = max(len(q[i]), len(c[j]), 3)
        total += sim * w
        weight += w
        weakest = min(weakest, sim)
    shorter = q if len(q) <= len(c) else c
    used_short = used_q if shorter is q else used_c
    for k, token in enumerate(shorter):
        if k not in used_short:
            weight += max(len(token), 3)
    if not weight:
        return 0.0
    score = min(total / weight, weakest + WEAKEST_PART_SLACK)
    extra = abs(len(q) - len(c))
    if min(len(used_q), len(q), len(c)) == 1 and max(len(q), len(c)) > 1:
        # One shared word ("Smith" vs "John Smith") is not a name match.
        score -= 15.0 * extra
    return score - MISSING_PART_PENALTY * extra


def name_score(q: Name, c: Name) -> float:
    """0-100; the best of token alignment, alignment without particles, and glued."""
    best = _align(q.tokens, c.tokens)
    if q.core != q.tokens or c.core != c.tokens:
        best = max(best, _align(q.core, c.core) - 1)
    if len(q.tokens) != len(c.tokens):
        # Spacing differs ("AlHassan" / "Al Hassan"): compare the names glued together.
        glued = ratio(q.joined, c.joined)
        if skeleton(q.joined) == skeleton(c.joined):
            glued = max(glued, 90.0)
        best = max(best, glued - 2)
    return max(0.0, min(100.0, best))
