"""Perturbed variants of listed names, one per variation class, for the screening benchmark.

``perturb(name, cls, rng, entry_type=...)`` returns a ``Variant`` (class, text, rule) or
None when the class does not apply to the name. Everything here is written as an
adversary or messy real data would write a name, independently of the engine's own rules
(no import from vetting.screening). Given the same ``random.Random`` state a call gives
the same variant. Names of individuals are in the list's form "SURNAME, Given Names".
The particle, punctuation and title/corporate-form classes are in affixes.py, the
romanization tables in translit.py, the text helpers in textops.py.
"""

import random
import re

from bench.screening.affixes import particles, punctuation, titles_affixes
from bench.screening.textops import (
    LETTERS,
    Variant,
    apply_site,
    rule_sites,
    split_person,
    tidy,
    word_sites,
)
from bench.screening.translit import (
    ARABIC_MARKERS,
    ARABIC_RULES,
    ARABIC_WORDS,
    CYRILLIC_MARKERS,
    CYRILLIC_RULES,
    CYRILLIC_WORDS,
)

VOWELS = "aeiou"
_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def _keyboard() -> dict[str, str]:
    near: dict[str, str] = {}
    for r, row in enumerate(_ROWS):
        for i, ch in enumerate(row):
            keys = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
            for other, shift in ((r - 1, (0, 1)), (r + 1, (-1, 0))):
                if 0 <= other < len(_ROWS):
                    keys += [_ROWS[other][i + s] for s in shift if 0 <= i + s < len(_ROWS[other])]
            near[ch] = "".join(keys)
    return near


KEYBOARD = _keyboard()


def _spans(name: str, minimum: int) -> list[re.Match]:
    return [m for m in LETTERS.finditer(name) if len(m.group()) >= minimum]


def _replace(name: str, start: int, end: int, text: str) -> str:
    return name[:start] + text + name[end:]


def typo(name, rng, entry_type):
    spans = [m for m in _spans(name, 4) if m.group().isascii()]
    if not spans:
        return None
    m = rng.choice(spans)
    word, upper = m.group(), m.group().isupper()
    op = rng.choice(["substitute", "insert", "delete"])
    if op == "delete":
        i = rng.randrange(len(word))
        new = word[:i] + word[i + 1 :]
    elif op == "substitute":
        i = rng.randrange(len(word))
        key = rng.choice(KEYBOARD.get(word[i].lower(), "e"))
        key = key.upper() if word[i].isupper() else key
        new = word[:i] + key + word[i + 1 :]
    else:  # a key next to the one just typed, after any letter
        i = rng.randrange(1, len(word) + 1)
        key = rng.choice(KEYBOARD.get(word[i - 1].lower(), "e"))
        new = word[:i] + (key.upper() if upper else key) + word[i:]
    return Variant("typo", _replace(name, m.start(), m.end(), new), op)


def transposition(name, rng, entry_type):
    sites = [
        (m, i)
        for m in _spans(name, 3)
        for i in range(len(m.group()) - 1)
        if m.group()[i].lower() != m.group()[i + 1].lower()
    ]
    if not sites:
        return None
    m, i = rng.choice(sites)
    word = m.group()
    a, b = word[i + 1], word[i]
    a = a.upper() if word[i].isupper() else a.lower()
    b = b.upper() if word[i + 1].isupper() else b.lower()
    text = _replace(name, m.start() + i, m.start() + i + 2, a + b)
    return Variant("transposition", text, f"letters {i + 1}-{i + 2}")


_OCR_LETTERS = [("ocr rn->m", "rn", ["m"]), ("ocr m->rn", "m", ["rn"]), ("ocr cl->d", "cl", ["d"])]
_OCR_LETTERS += [("ocr d->cl", "d", ["cl"]), ("ocr vv->w", "vv", ["w"]), ("ocr w->vv", "w", ["vv"])]
_OCR_GLYPHS = {"O": "0", "0": "O", "l": "1I", "I": "1l", "1": "lI", "S": "5", "5": "S"}
_OCR_GLYPHS.update({"B": "8", "8": "B"})


def ocr(name, rng, entry_type):
    letters = [(*site, False) for site in rule_sites(name, _OCR_LETTERS)]
    glyphs = [
        (i, i + 1, other, f"ocr {ch}->{other}", True)
        for i, ch in enumerate(name)
        for other in _OCR_GLYPHS.get(ch, "")
    ]
    if not letters and not glyphs:
        return None
    start, end, new, rule, exact = rng.choice(letters + glyphs)
    text = _replace(name, start, end, new) if exact else apply_site(name, (start, end, new, rule))
    return Variant("ocr", text, rule)


HOMOGLYPHS = {
    "a": "а",
    "c": "с",
    "e": "е",
    "i": "і",
    "j": "ј",
    "o": "оο",
    "p": "р",
    "s": "ѕ",
    "x": "х",
    "y": "у",
    "A": "АΑ",
    "B": "ВΒ",
    "C": "С",
    "E": "ЕΕ",
    "H": "НΗ",
    "I": "ІΙ",
    "K": "КΚ",
    "M": "МΜ",
    "N": "Ν",
    "O": "ОΟ",
    "P": "РΡ",
    "S": "Ѕ",
    "T": "ТΤ",
    "X": "ХΧ",
    "Y": "УΥ",
    "Z": "Ζ",
}


def homoglyph(name, rng, entry_type):
    positions = [i for i, ch in enumerate(name) if ch in HOMOGLYPHS]
    if not positions:
        return None
    chosen = rng.sample(positions, min(len(positions), rng.choice([1, 2])))
    chars = list(name)
    for i in chosen:
        chars[i] = rng.choice(HOMOGLYPHS[chars[i]])
    return Variant("homoglyph", "".join(chars), f"{len(chosen)} letter(s)")


INVISIBLE = {"zwsp": "\u200b", "zwnj": "\u200c", "zwj": "\u200d", "shy": "\u00ad"}
INVISIBLE.update({"wj": "\u2060", "bom": "\ufeff"})


def invisible(name, rng, entry_type):
    if " " in name and rng.random() < 0.3:
        spaces = [i for i, ch in enumerate(name) if ch == " "]
        i, space = rng.choice(spaces), rng.choice(["\u00a0", "\u202f"])
        return Variant("invisible", _replace(name, i, i + 1, space), "nbsp")
    gaps = [i for m in _spans(name, 2) for i in range(m.start() + 1, m.end())]
    if not gaps:
        return None
    text, rules = name, []
    for at in sorted(rng.sample(gaps, min(len(gaps), rng.choice([1, 2]))), reverse=True):
        label = rng.choice(sorted(INVISIBLE))
        text, rules = _replace(text, at, at, INVISIBLE[label]), [label, *rules]
    return Variant("invisible", text, "+".join(rules))


def dropped_vowels(name, rng, entry_type):
    def strip(word):
        return word[0] + "".join(c for c in word[1:] if c.lower() not in VOWELS)

    spans = [m for m in _spans(name, 3) if strip(m.group()) != m.group()]
    if not spans:
        return None
    every = rng.random() < 0.5
    chosen = spans if every else [rng.choice([m for m in spans if len(m.group()) >= 4] or spans)]
    text = name
    for m in sorted(chosen, key=lambda m: -m.start()):
        text = _replace(text, m.start(), m.end(), strip(m.group()))
    return Variant("dropped_vowels", text, "every token" if every else "one token")


def truncation(name, rng, entry_type):
    spans = _spans(name, 6)
    if not spans:
        return None
    m = rng.choice(spans)
    keep = rng.choice([4, 5])
    return Variant("truncation", _replace(name, m.start() + keep, m.end(), ""), f"to {keep}")


PARTICLE_WORDS = {"al", "el", "bin", "ibn", "ben", "bint", "abu", "abou", "van", "von", "de"}
PARTICLE_WORDS |= {"der", "den", "del", "da", "di", "du", "la", "le", "y", "ould", "dos", "das"}


def _is_word(token: str) -> bool:
    letters = "".join(LETTERS.findall(token))
    return len(letters) >= 2 and letters.lower() not in PARTICLE_WORDS


def dropped_token(name, rng, entry_type):
    tokens = name.split()
    if len(tokens) < 3:
        return None
    if entry_type == "Individual":
        _, given = split_person(tokens)
        droppable = [i for i in given if _is_word(tokens[i])]
        if len(droppable) < 2:
            return None
    else:
        droppable = [i for i in range(1, len(tokens)) if _is_word(tokens[i])]
        if not droppable:
            return None
    drop = rng.choice(droppable)
    return Variant("dropped_token", tidy(" ".join(tokens[:drop] + tokens[drop + 1 :])))


def initials(name, rng, entry_type):
    tokens = name.split()
    if entry_type != "Individual" or len(tokens) < 2:
        return None
    _, given = split_person(tokens)
    given = [i for i in given if _is_word(tokens[i]) and len(LETTERS.findall(tokens[i])[0]) >= 2]
    if not given:
        return None
    chosen = given if len(given) >= 2 and rng.random() < 0.25 else [rng.choice(given)]
    dot = rng.choice([".", ""])
    for i in chosen:
        first = LETTERS.search(tokens[i]).group()[0].upper()
        tokens[i] = first + dot + tokens[i][len(tokens[i].rstrip(",")) :]
    return Variant("initials", " ".join(tokens), f"{len(chosen)} given name(s), dot={bool(dot)}")


def name_order(name, rng, entry_type):
    tokens = name.split()
    if entry_type != "Individual" or len(tokens) < 2:
        return None
    surname, given = split_person(tokens)
    if not given or not surname:
        return None
    sur = " ".join(tokens[i] for i in surname).rstrip(",")
    giv = " ".join(tokens[i] for i in given)
    if "," in name:
        options = {"Given SURNAME": f"{giv} {sur}", "SURNAME Given": f"{sur} {giv}"}
        if len(given) >= 2:
            rest = " ".join(tokens[i] for i in given[1:])
            options["Given SURNAME Middle"] = f"{tokens[given[0]]} {sur} {rest}"
    else:
        options = {"SURNAME, Given": f"{sur}, {giv}", "SURNAME Given": f"{sur} {giv}"}
    rule = rng.choice(sorted(options))
    return Variant("name_order", options[rule], rule)


def _substitution(cls, name, rng, words, rules, markers):
    """A word-group respelling if the name has one (preferred), else a rule respelling
    when the name looks like it belongs to that script (``markers``)."""
    sites = word_sites(name, words)
    lowered = name.lower()
    looks = bool(sites) or re.search(markers, lowered) is not None
    rule_based = rule_sites(name, rules) if looks else []
    if not sites and not rule_based:
        return None
    pool = sites if sites and (not rule_based or rng.random() < 0.6) else rule_based
    site = rng.choice(pool)
    return Variant(cls, apply_site(name, site), site[3])


def translit_arabic(name, rng, entry_type):
    return _substitution("translit_arabic", name, rng, ARABIC_WORDS, ARABIC_RULES, ARABIC_MARKERS)


def translit_cyrillic(name, rng, entry_type):
    return _substitution(
        "translit_cyrillic", name, rng, CYRILLIC_WORDS, CYRILLIC_RULES, CYRILLIC_MARKERS
    )


PHONETIC_RULES = [
    ("ph->f", "ph", ["f"]),
    ("f->ph", "(?<=[aeiou])f(?=[aeiou])|\\bf(?=[aeiou])", ["ph"]),
    ("c->k", "c(?=[aou])|c\\b", ["k"]),
    ("k->c", "(?<!c)k(?=[aou])", ["c"]),
    ("ck->k", "ck", ["k"]),
    ("s->z", "(?<=[aeiou])s(?=[aeiou])", ["z"]),
    ("z->s", "z(?!h)", ["s"]),
    ("y->i", "(?<=\\w)y", ["i"]),
    ("i->y", "(?<=[bcdfgklmnprstvz])i(?=[bcdfgklmnprstvz])", ["y"]),
    ("ee->i", "ee", ["i"]),
    ("ou->u", "ou", ["u"]),
    ("w->v", "w", ["v"]),
    ("v->w", "v", ["w"]),
    ("silent h", "(?<=[tgr])h|(?<=[aeiou])h\\b", [""]),
    ("add silent h", "(?<=\\b[tg])(?=[aeiou])", ["h"]),
    ("x->ks", "x", ["ks"]),
    ("qu->kw", "qu", ["kw"]),
    ("ie->y", "ie\\b", ["y"]),
]


def phonetic(name, rng, entry_type):
    sites = rule_sites(name, PHONETIC_RULES)
    if not sites:
        return None
    site = rng.choice(sites)
    return Variant("phonetic", apply_site(name, site), site[3])


DOUBLING_RULES = [
    ("collapse double", "([a-z])\\1", ["\\1"]),
    ("double consonant", "(?<=[a-z])([bcdfgklmnprstz])(?=[aeiouy])", ["\\1\\1"]),
    ("double vowel", "(?<=[bcdfghklmnprstvz])([aeo])(?=[bcdfghklmnprstvz])", ["\\1\\1"]),
]


def doubled_letters(name, rng, entry_type):
    sites = rule_sites(name, DOUBLING_RULES)
    if not sites:
        return None
    site = rng.choice(sites)
    return Variant("doubled_letters", apply_site(name, site), site[3])


GENERATORS = {
    "typo": typo,
    "transposition": transposition,
    "ocr": ocr,
    "homoglyph": homoglyph,
    "invisible": invisible,
    "dropped_vowels": dropped_vowels,
    "truncation": truncation,
    "dropped_token": dropped_token,
    "initials": initials,
    "name_order": name_order,
    "titles_affixes": titles_affixes,
    "particles": particles,
    "punctuation": punctuation,
    "translit_arabic": translit_arabic,
    "translit_cyrillic": translit_cyrillic,
    "phonetic": phonetic,
    "doubled_letters": doubled_letters,
}
CLASSES = tuple(GENERATORS)
# Respellings of how a name sounds: not for aircraft, whose "names" are registration marks.
SPOKEN = {"dropped_vowels", "phonetic", "doubled_letters", "translit_arabic", "translit_cyrillic"}


def perturb(
    name: str, cls: str, rng: random.Random, entry_type: str = "Individual"
) -> Variant | None:
    """A variant of ``name`` of class ``cls``, or None if the class does not apply.
    ``entry_type`` is the entry's: Individual, Entity, Vessel or Aircraft."""
    if entry_type == "Aircraft" and cls in SPOKEN:
        return None
    result = GENERATORS[cls](name, rng, entry_type)
    if result is None:
        return None
    text = tidy(result.text)
    if not text or text == name.strip():
        return None
    return Variant(cls, text, result.rule)


def variants(name: str, rng: random.Random, entry_type: str = "Individual") -> dict:
    """class -> Variant or None, every class, in CLASSES order."""
    return {cls: perturb(name, cls, rng, entry_type) for cls in CLASSES}


__all__ = ["CLASSES", "GENERATORS", "Variant", "perturb", "variants"]
