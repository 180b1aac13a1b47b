"""The perturbations of a name's particles, punctuation, titles and corporate forms
(classes particles, punctuation, titles_affixes of perturb.py)."""

import re

from bench.screening.textops import LETTERS, Variant, apply_site, lower, split_person, word_sites
from bench.screening.translit import ARABIC_MARKERS, ARABIC_WORDS

_SWAPS = {"al": ["el"], "el": ["al"], "ul": ["al"], "bin": ["ibn", "ben"], "ibn": ["bin"]}
_SWAPS.update({"ben": ["bin"], "abu": ["abou"], "abou": ["abu"], "abdul": ["abdel"]})
_SWAPS.update({"abdel": ["abdul"], "ad": ["al"], "ar": ["al"], "as": ["al"], "ash": ["al"]})
_SWAPS.update({"at": ["al"], "az": ["al"], "an": ["al"]})
_SPACED = "al|el|ul|bin|ibn|ben|bint|abu|abou|abdul|abdel|van|von|de|der|den|del|da|di|du|la|le"
_SPACED = re.compile(rf"\b({_SPACED}|ould) ([^\W\d_])(?=[^\W\d_])")
_HYPHENED = re.compile(r"\b(al|el|ul|ad|ar|as|ash|at|az|an|abu|abd|bin|ibn)-([^\W\d_])(?=[^\W\d_])")
_GLUED_ABD = re.compile(r"\b(abdul|abdel|abdal)([^\Wl\d_])(?=[^\W\d_]{2})")


def particles(name, rng, entry_type):
    """Add, remove, glue, hyphenate or respell a particle (al-, el, bin, abu, van, de...)."""
    lowered, sites = lower(name), []
    for m in _SPACED.finditer(lowered):
        p, nxt = m.group(1), m.group(2)
        sites += [(m.start(), m.end(), p + nxt, f"glue {p}"), (m.start(), m.end(2) - 1, "", "drop")]
        sites.append((m.start(1) + len(p), m.start(2), "-", f"hyphenate {p}"))
        sites += [(m.start(), m.end(1), s, f"{p}->{s}") for s in _SWAPS.get(p, [])]
    for m in _HYPHENED.finditer(lowered):
        p, nxt = m.group(1), m.group(2)
        sites += [
            (m.start(), m.end(), p + nxt, f"glue {p}-"),
            (m.start(), m.end(2) - 1, "", "drop"),
        ]
        sites.append((m.end(1), m.end(1) + 1, " ", f"{p}- to {p} "))
        sites += [(m.start(), m.end(1), s, f"{p}->{s}") for s in _SWAPS.get(p, [])]
    for m in _GLUED_ABD.finditer(lowered):
        p, nxt = m.group(1), m.group(2)
        nxt = nxt.upper() if name[m.start()].isupper() else nxt
        sites += [(m.start(), m.end(), f"{q} {nxt}", f"split {p}") for q in ("abdul", "abdel")]
        sites.append((m.start(), m.end(), f"abd al-{nxt}", f"{p}->abd al-"))
    if sites:
        start, end, new, rule = rng.choice(sites)
        if new == "" and start == 0:  # dropped the first word: capitalize what follows
            rest = name[end:]
            return Variant("particles", rest[:1].upper() + rest[1:], rule)
        return Variant("particles", apply_site(name, (start, end, new, rule)), rule)
    arabic = word_sites(name, ARABIC_WORDS) or re.search(ARABIC_MARKERS, lowered)
    tokens = name.split()
    if entry_type != "Individual" or not arabic or len(tokens) < 2:
        return None
    surname, _ = split_person(tokens)
    first = surname[0]
    particle = "AL-" if tokens[first].isupper() else rng.choice(["al-", "Al-", "el-"])
    tokens[first] = particle + tokens[first]
    return Variant("particles", " ".join(tokens), "add al-")


_PUNCT = ",.'\"()/:;"
_ABBREVIATIONS = re.compile(r"\b(co|ltd|inc|corp|sa|llc|jsc|st|dr|jr|[a-z])\b(?![.'])", re.I)


def punctuation(name, rng, entry_type):
    """Remove or add punctuation: hyphens to spaces, dots, quotes, & <-> and."""
    options = {}
    if any(c in _PUNCT or c == "-" for c in name):
        stripped = "".join(c for c in name if c not in _PUNCT).replace("-", " ")
        options["remove punctuation"] = stripped
    if "-" in name:
        options["hyphen->space"] = name.replace("-", " ")
        options["hyphen removed"] = name.replace("-", "")
    if "&" in name:
        options["&->and"] = name.replace("&", "AND" if name.isupper() else "and")
    if re.search(r"\band\b", name, re.I):
        options["and->&"] = re.sub(r"\band\b", "&", name, flags=re.I)
    if "." in name:
        options["dots removed"] = name.replace(".", "")
    abbreviations = [m for m in _ABBREVIATIONS.finditer(name) if name[m.end() : m.end() + 1] != "-"]
    if abbreviations:
        m = rng.choice(abbreviations)
        options["dot added"] = name[: m.end()] + "." + name[m.end() :]
    if "," in name:
        options["comma removed"] = name.replace(",", "")
    words = list(LETTERS.finditer(name))
    pairs = [
        (a, b) for a, b in zip(words, words[1:], strict=False) if name[a.end() : b.start()] == " "
    ]
    if pairs:
        a, b = rng.choice(pairs)
        options["space->hyphen"] = name[: a.end()] + "-" + name[b.start() :]
    options["quoted"] = f'"{name}"'
    rule = rng.choice(sorted(options))
    return Variant("punctuation", options[rule], rule)


TITLES = ["Dr.", "Mr.", "Mrs.", "Sheikh", "Shaykh", "Haji", "Hajji", "Gen.", "General", "Col."]
TITLES += ["Mullah", "Maulana", "Sayyid", "Prof.", "Eng.", "Capt.", "Sir", "Imam"]
SUFFIXES = ["Jr.", "Jr", "Sr.", "II", "III"]
FORMS = ["LLC", "L.L.C.", "Ltd.", "Ltd", "Limited", "Co.", "Co., Ltd.", "Company Limited", "S.A."]
FORMS += ["SA", "GmbH", "JSC", "Inc.", "Corp.", "Corporation", "LLP", "FZE", "PLC", "Company"]
FORMS += ["Co. Ltd", "SARL", "S.R.L.", "B.V.", "AG", "Trading LLC"]
LEADING = ["OOO", "ZAO", "OAO", "AO", "PAO", "TOO", "LLC", "JSC"]
_TRAILING_FORM = re.compile(
    r"(?:,?\s+)(co\.?,?\s+ltd\.?|company\s+limited|l\.?l\.?c\.?|ltd\.?|limited|co\.?|inc\.?"
    r"|corp\.?|corporation|s\.?a\.?|gmbh|jsc|pjsc|ojsc|cjsc|llp|plc|ag|b\.?v\.?|s\.?r\.?l\.?"
    r"|s\.?a\.?r\.?l\.?|fze|fzco|fz-llc|ltda\.?|eood|ood|s\.?a\.?\s+de\s+c\.?v\.?"
    r"|sdn\.?\s+bhd\.?|pte\.?\s+ltd\.?|company|s\.?p\.?a\.?|a\.?s\.?)$",
    re.I,
)
_LEADING_FORM = re.compile(r"^(ooo|zao|oao|ao|pao|too|tov|chp|jsc|ojsc|cjsc|pjsc|llc)\s+", re.I)
_COMMA_FORMS = {"inc", "ltd", "llc", "coltd"}
VESSEL = ["MV", "M/V", "M.V.", "MT", "M/T"]


def _alnum(text: str) -> str:
    return re.sub(r"[\W_]", "", text).lower()


def titles_affixes(name, rng, entry_type):
    """A title or generational suffix for a person; another (or an added) corporate
    form for an entity; a ship prefix (MV, M/T...) for a vessel."""
    if entry_type == "Individual":
        tokens = name.split()
        if rng.random() < 0.7:
            title = rng.choice(TITLES)
            surname, given = split_person(tokens)
            if "," in name and given:
                tokens.insert(given[0], title)
            else:
                tokens.insert(0, title)
            return Variant("titles_affixes", " ".join(tokens), f"title {title}")
        suffix = rng.choice(SUFFIXES)
        return Variant("titles_affixes", f"{name} {suffix}", f"suffix {suffix}")
    if entry_type == "Vessel":
        prefix = re.match(r"^(m/?\.?v\.?|m/?t)\s+", name, re.I)
        if prefix:
            return Variant("titles_affixes", name[prefix.end() :], "ship prefix removed")
        chosen = rng.choice(VESSEL)
        return Variant("titles_affixes", f"{chosen} {name}", f"ship prefix {chosen}")
    if entry_type != "Entity":
        return None

    def form(options, current=""):
        picked = rng.choice([f for f in options if _alnum(f) != _alnum(current)])
        return picked.upper() if name.isupper() else picked

    trailing = _TRAILING_FORM.search(name)
    if trailing and trailing.start() > 0:
        new = form(FORMS, trailing.group(1))
        sep = rng.choice([" ", ", "]) if _alnum(new) in _COMMA_FORMS else " "
        return Variant("titles_affixes", name[: trailing.start()] + sep + new, f"form -> {new}")
    leading = _LEADING_FORM.match(name)
    if leading:
        if rng.random() < 0.5:
            new = form(LEADING, leading.group(1))
            return Variant("titles_affixes", new + " " + name[leading.end() :], f"form -> {new}")
        new = form(FORMS)
        return Variant("titles_affixes", f"{name[leading.end() :]} {new}", f"form moved: {new}")
    new = form(FORMS)
    sep = rng.choice([" ", ", "]) if _alnum(new) in _COMMA_FORMS else " "
    return Variant("titles_affixes", f"{name}{sep}{new}", f"form + {new}")
