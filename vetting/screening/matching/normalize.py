"""Turning a written name into comparable tokens, recording what was done to it.

No Django here: the engine is used by the benchmark and could be used elsewhere.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from anyascii import anyascii
from confusable_homoglyphs import confusables

from .vocab import CORPORATE, GENERATIONAL, PARTICLES, TITLES

GERMAN = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
# Digits that stand for letters in OCR output or deliberate evasion.
DIGIT_LETTERS = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "6": "g"}
)
_APOSTROPHES = re.compile(r"['’‘`´ʼ]")
_SEPARATORS = re.compile(r"[^a-z0-9,]+")


@dataclass(frozen=True)
class Name:
    """A normalized name: ``tokens`` are scored, ``set_aside`` are not."""

    original: str
    tokens: tuple[str, ...]
    set_aside: tuple[str, ...] = ()
    applied: tuple[str, ...] = field(default=())
    kind: str | None = None  # "person", "organization" or None (not known)

    @cached_property
    def core(self) -> tuple[str, ...]:
        """The tokens without particles (al-, bin, van ...), unless that leaves nothing."""
        core = tuple(t for t in self.tokens if t not in PARTICLES)
        return core or self.tokens

    @cached_property
    def joined(self) -> str:
        return "".join(self.tokens)

    @cached_property
    def glued_forms(self) -> frozenset[str]:
        """The name written without spaces, in each order its words can be read in
        (given names first or surname first: KIMJONGUN, JONGUNKIM)."""
        n = len(self.tokens)
        if n > 4:
            return frozenset({self.joined})
        return frozenset("".join(self.tokens[k:] + self.tokens[:k]) for k in range(n))


# Cyrillic and Greek letters that look like Latin ones, the usual evasions; the rest
# comes from the Unicode confusables table.
LOOKALIKES = dict(
    zip(
        "АВЕКМНОРСТХІЈЅУаеорсхуіјѕԁһԛԝΑΒΕΖΗΙΚΜΝΟΡΤΥΧοκνρτυχ",
        "ABEKMHOPCTXIJSYaeopcxyijsdhqwABEZHIKMNOPTYXokvptux",
        strict=True,
    )
)


@lru_cache(maxsize=4096)
def _latin_lookalike(char: str) -> str | None:
    if char in LOOKALIKES:
        return LOOKALIKES[char]
    found = confusables.is_confusable(char, preferred_aliases=["latin"])
    for item in found or ():
        for glyph in item["homoglyphs"]:
            if glyph["n"].startswith("LATIN") and glyph["c"].isascii():
                return glyph["c"]
    return None


def _is_latin(char: str) -> bool:
    return char.isascii() or "LATIN" in unicodedata.name(char, "")


def _map_lookalikes(text: str, applied: list[str]) -> str:
    """In a word that is mostly Latin, letters from other scripts that look like Latin
    letters are an evasion (Cyrillic 'а' in 'Vlаdimir'): map them by appearance.
    Words wholly in another script are transliterated later instead."""
    words = []
    for word in text.split(" "):
        letters = [c for c in word if c.isalpha()]
        foreign = [c for c in letters if not _is_latin(c)]
        if foreign and len(foreign) < len(letters):
            mapped = "".join((_latin_lookalike(c) or c) if not _is_latin(c) else c for c in word)
            if mapped != word:
                applied.append("lookalikes_mapped")
            word = mapped
        words.append(word)
    return " ".join(words)


def _clean(text: str, applied: list[str]) -> str:
    if text.isascii() and text.isprintable():
        return text.casefold()  # most list names: nothing below would change them
    stripped = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc"))
    if stripped != text:
        applied.append("invisible_removed")
    text = unicodedata.normalize("NFKC", stripped)
    if text != stripped:
        applied.append("nfkc")
    text = _map_lookalikes(text, applied)
    if any(c in GERMAN for c in text):
        applied.append("german_expansion")
        text = "".join(GERMAN.get(c, c) for c in text)
    ascii_text = anyascii(text)
    if ascii_text != text:
        applied.append("diacritics_or_script_transliterated")
    return ascii_text.casefold()


def _reorder_comma(text: str, applied: list[str]) -> str:
    """'SURNAME, Given' -> 'Given SURNAME' (but 'Acme, Inc.' and 'Smith, Jr.' stay)."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 2 or not parts[0]:
        return text.replace(",", " ")
    rest = " ".join(parts[1:]).split()
    if not rest or all(_tail_word(w) for w in rest):
        return text.replace(",", " ")
    applied.append("surname_first_reordered")
    return " ".join([*rest, parts[0]])


def _tail_word(word: str) -> bool:
    w = word.replace(".", "")
    return w in GENERATIONAL or w in CORPORATE  # ("SMITH, Dr" is "Dr SMITH")


def _join_letter_runs(tokens: list[str]) -> list[str]:
    """'s a' -> 'sa', 'l l c' -> 'llc', 's en c' -> 'senc', 's de rl de cv' ->
    'sderldecv' when the run of letters and short words spells a corporate form."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for j in range(min(len(tokens), i + 5), i + 1, -1):
            run = tokens[i:j]
            letters = sum(len(t) == 1 for t in run) >= 2 or all(len(t) <= 3 for t in run)
            if letters and "".join(run) in CORPORATE:
                out.append("".join(run))
                i = j
                break
        else:
            j = i
            while j < len(tokens) and len(tokens[j]) == 1:
                j += 1
            if j - i >= 3:  # "H.A.M.A.S", "H A M A S": one word spelt out
                out.append("".join(tokens[i:j]))
                i = j
            else:
                out.append(tokens[i])
                i += 1
    return out


def _set_aside(token: str, kind: str | None, leading: bool, kept: int) -> bool:
    """Titles before a person's name, generational suffixes after it, and the corporate
    forms of an organization are not part of the name. ``kind`` None: any of them."""
    personal = (leading and token in TITLES) or (token in GENERATIONAL and kept >= 1)
    if kind != "organization" and personal:
        return True
    return kind != "person" and token in CORPORATE


def normalize_name(text: str, kind: str | None = None) -> Name:
    """Normalize ``text``, the name of a "person", an "organization" or either (None);
    ``Name.applied`` lists the normalizations that changed it."""
    applied: list[str] = []
    cleaned = _clean(text or "", applied)
    cleaned = _APOSTROPHES.sub("", cleaned)
    cleaned = _reorder_comma(_SEPARATORS.sub(" ", cleaned), applied)
    raw = cleaned.split()
    tokens = [t.translate(DIGIT_LETTERS) if not t.isdigit() else t for t in raw]
    if tokens != raw:
        applied.append("digits_as_letters")
    if kind != "person":  # 'S A' of a person is two initials
        tokens = _join_letter_runs(tokens)
    kept, set_aside = [], []
    leading = True  # titles only count before the name starts ("Dr John", not "John Major")
    for token in tokens:
        if _set_aside(token, kind, leading, len(kept)):
            set_aside.append(token)
        else:
            leading = False
            kept.append(token)
    if set_aside and kept:
        applied.append("titles_suffixes_corporate_forms_set_aside")
    else:
        kept, set_aside = tokens, []
    return Name(
        original=text,
        tokens=tuple(kept),
        set_aside=tuple(set_aside),
        applied=tuple(dict.fromkeys(applied)),
        kind=kind,
    )
