"""Near-miss negatives: names that are not on the list but share words with it.

Persons: (a) a listed surname with another listed person's given name that is none of
the entry's given names and starts with another letter; (b) one listed person's given
names with another listed person's surname (another first letter); (d) common real-world
names that share one word with a listed name. Organizations: (c) a listed entity whose
distinctive words are those of another entity (generic words such as BANK or TRADING
kept), or one of its generic words with unrelated words; (d) common real-world company
names sharing a word with a listed name.

Each one is verified unlisted without the engine (``Listed.is_unlisted``): its casefolded
alphanumeric word set is not equal to, a subset of, or a superset of the word set of any
listed name of the same kind, and it is not a listed name with spaces (and punctuation)
removed.
"""

import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

WORD = re.compile(r"[^\W_]+")


def _split(text: str, sep: str | None = None) -> list[str]:
    """The words of a long literal (the tables below are easier to read as prose)."""
    return [" ".join(part.split()) for part in text.split(sep) if part.strip()]


# Words of entity names that say what kind of business it is, not which one.
SUBSTANTIVE = set(
    _split("""bank banco banque trading trade company corporation limited group international
    industries industrial industry shipping holding holdings investment investments
    enterprises enterprise services service general import export technology
    technologies engineering foundation commercial development exchange petroleum oil gas
    energy air airlines aviation transport transportation logistics marine maritime
    navigation construction electronics electronic national united global private public
    joint stock charity charitable society organization organisation association institute
    center centre agency office ministry sons brothers partners factory manufacturing
    products supply supplies systems solutions consulting management finance financial
    insurance capital resources mining metals steel chemical chemicals pharmaceutical
    medical hotel travel tours tourism media network telecom communications textile
    textiles foods food agricultural farm real estate properties property building auto
    motors cars jewelry gold diamond money casa companie compania sociedad empresa
    distribuidora comercial""")
)
FORM_WORDS = set(
    _split("""co corp ltd llc inc sa gmbh jsc ojsc pjsc cjsc ooo zao oao ao sarl srl bv ag plc fze
    fzco pte sdn bhd ltda eood tov pvt intl de cv sas""")
)
STOP_WORDS = set(_split("de la el al of the and for y e da do del des du et s a c"))
GENERIC = SUBSTANTIVE | FORM_WORDS | STOP_WORDS
FORM_LIKE = {"company", "corporation", "limited", "companie", "compania", "sociedad", "empresa"}
PARTICLES = {"al", "el", "bin", "ibn", "ben", "bint", "abu", "abd", "abdul", "van", "von", "de"}
TITLE_WORDS = {"imam", "sheikh", "shaykh", "haji", "hajji", "mullah", "maulana", "mawlawi"}
TITLE_WORDS |= {"qari", "hafiz", "dr", "mr", "mrs", "general", "colonel", "sayyid", "syed"}
GIVEN = _split(
    """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William
    Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Matthew
    Lisa Anthony Betty Mark Sandra Paul Ashley Steven Emily Andrew Donna Joshua Michelle
    Kevin Carol Brian Amanda George Melissa Maria Jose Juan Carlos Luis Ana Sofia Pedro
    Miguel Chen Wei Li Ming Hiroshi Yuki Kenji Priya Rahul Anil Sunita Raj Fatima Omar Ali
    Mohammed Ahmed Hassan Ivan Olga Anna Peter Elena Sergei Dmitri Natasha Pierre Marie
    Jean Hans Klaus Giulia Marco Lucas Emma Noah Liam Olivia Chloe Aisha Yusuf Leila"""
)
SURNAMES = _split(
    """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
    Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez
    Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King
    Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell
    Mitchell Carter Roberts Kim Park Wang Zhang Liu Chen Yang Huang Singh Kumar Sharma
    Patel Khan Ali Ahmed Hussain Ivanov Smirnov Petrov Muller Schmidt Schneider Fischer
    Rossi Russo Ferrari Silva Santos Oliveira Costa Dubois Moreau Tanaka Suzuki Sato
    Cohen Levi Haddad Nasser Mansour Yilmaz Kaya Demir"""
)
UNRELATED = _split(
    """Sunrise Maple Summit Evergreen Riverside Liberty Pioneer Horizon Harbor Cedar
    Oak Willow Silver Blue Crystal Eagle Falcon Lakeside Meadow Northstar Redwood Granite
    Prairie Coastal Valley Highland Bright Clear Noble Keystone Heritage Apex Vertex
    Orchard Beacon Compass Anchor Lighthouse Aspen Birch Sequoia Lotus Jade Coral"""
)
FORMS = ["LLC", "Ltd.", "Inc.", "Co.", "Company Limited", "GmbH", "S.A.", "Corporation", ""]
COMPANIES = _split(
    """Bank of America|Standard Chartered Bank|Deutsche Bank|Commerzbank|Emirates NBD
    |China Merchants Bank|Samsung Electronics|Toyota Motor Corporation|Mitsubishi Corporation
    |Maersk Line|Hapag-Lloyd|Evergreen Marine|Cosco Shipping Lines|Qatar Airways|Turkish
    Airlines|Emirates Airline|Lufthansa Cargo|Siemens Energy|Schneider Electric|Tata Steel
    |Reliance Industries|Saudi Aramco|Gazprom Neft|Lukoil Trading|Vitol Group|Trafigura
    |Glencore International|Cargill Incorporated|Bunge Limited|Nestle|Unilever|Procter and
    Gamble|Johnson and Johnson|General Electric|Boeing Company|Airbus|Rolls-Royce Holdings
    |BAE Systems|Hyundai Heavy Industries|Daewoo Shipbuilding|Al Rajhi Bank|Qatar National
    Bank|National Bank of Kuwait|Arab Bank|Banque Misr|Credit Agricole|Societe Generale
    |Banco Santander|BBVA|Itau Unibanco|Bank of China|Industrial and Commercial Bank of
    China|Mizuho Bank|Sumitomo Corporation|Marubeni Corporation|Alibaba Group|Tencent
    Holdings|Huawei Technologies|Lenovo Group|Foxconn|Petrobras|Pemex|Ecopetrol|Sinopec
    |PetroChina|Rosneft Trading|Novatek|Sberbank Europe|Raiffeisen Bank International
    |ING Bank|Rabobank|ABN AMRO|UBS Group|Credit Suisse|Julius Baer|Zurich Insurance
    Group|Allianz|AXA|Generali|Munich Re|Swiss Re|DHL Express|FedEx Corporation|United
    Parcel Service|Kuehne and Nagel|DB Schenker|CMA CGM|MSC Mediterranean Shipping Company
    |Ocean Network Express|Yang Ming Marine Transport|Wan Hai Lines|Pacific International
    Lines|Golden Ocean Group|Frontline|Euronav|Teekay Corporation|Torm|Scorpio Tankers
    """,
    "|",
)


@dataclass(frozen=True)
class Negative:
    text: str
    kind: str  # person or organization
    method: str


def tokens(name: str) -> frozenset[str]:
    return frozenset(WORD.findall(name.casefold()))


def distinctive(name: str) -> frozenset[str]:
    """The words of an organization's name that are not generic (BANK, TRADING, LLC...)
    nor single letters."""
    return frozenset(w for w in tokens(name) - GENERIC if len(w) > 1)


def _squashed(name: str) -> str:
    return "".join(WORD.findall(name.casefold()))


class _WordSets:
    """Word sets, with the sets that contain each word: which ones a set is equal to,
    a subset or a superset of."""

    def __init__(self):
        self.sets: list[frozenset] = []
        self.postings: dict[str, list[int]] = defaultdict(list)

    def add(self, words: frozenset) -> None:
        if words:
            for word in sorted(words):
                self.postings[word].append(len(self.sets))
            self.sets.append(words)

    def related(self, words: frozenset) -> bool:
        shared: Counter[int] = Counter()
        for word in words:
            shared.update(self.postings.get(word, ()))
        # n words in common: all of ours (equal or subset) or all of theirs (superset)
        return any(n in (len(words), len(self.sets[i])) for i, n in shared.items())


class Listed:
    """The word sets of every listed name, by kind, for the unlisted check. For
    organizations, also the sets of their distinctive words: "KAVE TRADING" is refused
    as a negative of "KAVE COFFEE S.A." (generic words apart, a subset of it), since a
    changed corporate form or a dropped word is a variant the engine must find."""

    def __init__(self, entries):
        self.words: dict[str, _WordSets] = defaultdict(_WordSets)
        self.distinctive = _WordSets()
        self.squashed: dict[str, set[str]] = defaultdict(set)
        for entry in entries:
            for name in entry.names:
                self.words[entry.kind].add(tokens(name))
                self.squashed[entry.kind].add(_squashed(name))
                if entry.kind == "organization":
                    self.distinctive.add(distinctive(name))

    def is_unlisted(self, text: str, kind: str) -> bool:
        words = tokens(text)
        if not words or _squashed(text) in self.squashed[kind]:
            return False
        if self.words[kind].related(words):
            return False
        return kind != "organization" or not self.distinctive.related(distinctive(text))

    def shares_word(self, text: str, kind: str) -> bool:
        return any(word in self.words[kind].postings for word in tokens(text))


def _given_word(word: str) -> bool:
    return len(word) >= 3 and word.lower() not in PARTICLES | TITLE_WORDS


def _person_parts(entries):
    """(entry, surname, given words) of every "SURNAME, Given" name of an individual."""
    parts = []
    for entry in entries:
        if entry.kind != "person":
            continue
        for name in entry.names:
            surname, comma, given = name.partition(",")
            given_words = [w for w in given.split() if w.isalpha() and _given_word(w)]
            if comma and surname.strip() and given_words:
                parts.append((entry, surname.strip(), given_words))
    return parts


def _given_of(entry, surname: str) -> set[str]:
    """Every word of the entry's names but its surname's (casefolded)."""
    return {w for name in entry.names for w in tokens(name)} - tokens(surname)


def _person_form(rng, given: str, surname: str) -> str:
    if rng.random() < 0.5:
        return f"{surname}, {given}"
    return f"{given} {surname.title() if rng.random() < 0.5 else surname}"


def _surname_other_given(rng, parts):
    entry, surname, _ = rng.choice(parts)
    other, _, given = rng.choice(parts)
    word = given[0] if rng.random() < 0.8 else rng.choice(given)  # mostly a first name
    own = _given_of(entry, surname)
    if other is entry or word.casefold() in own or word[0].casefold() in {w[:1] for w in own}:
        return None
    return _person_form(rng, word, surname)


def _given_other_surname(rng, parts):
    entry, surname, given = rng.choice(parts)
    other, other_surname, _ = rng.choice(parts)
    if other is entry or other_surname[:1].casefold() == surname[:1].casefold():
        return None
    if tokens(other_surname) & tokens(surname):
        return None
    return _person_form(rng, " ".join(given), other_surname)


def _common_person(rng, parts):
    return f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}"


def _org_words(entries):
    """(words, generic flags) of every name of an entity with generic and other words."""
    names = []
    for entry in entries:
        if entry.entry_type != "Entity":
            continue
        for name in entry.names:
            words = name.split()
            generic = [not distinctive(w) for w in words]  # punctuation alone counts
            if any(generic) and not all(generic):
                names.append((words, generic))
    return names


def _swapped_distinctive(rng, orgs):
    """An entity's distinctive words each replaced by a distinctive word of another entity
    (two others if it has only one), its generic words kept: "PAEKSOL TRADING CORPORATION"
    -> "ORIENT BALTIC TRADING CORPORATION"."""
    words, generic = rng.choice(orgs)
    positions = [i for i, g in enumerate(generic) if not g]
    own = tokens(" ".join(words))
    new = []
    for _ in range(max(2, len(positions))):
        other, other_generic = rng.choice(orgs)
        theirs = [w.strip(",.") for w, g in zip(other, other_generic, strict=True) if not g]
        word = rng.choice(theirs)
        if tokens(word) & own or any(tokens(word) & tokens(w) for w in new):
            return None
        new.append(word)
    out = list(words)
    for i, word in zip(positions, new, strict=False):
        out[i] = word
    if len(positions) == 1:
        out.insert(positions[0], new[1])
    return " ".join(out)


def _generic_unrelated(rng, orgs):
    words, generic = rng.choice(orgs)
    kept = [w.strip(",.") for w, g in zip(words, generic, strict=True) if g]
    kept = [w for w in kept if w.casefold() in SUBSTANTIVE - FORM_LIKE]
    if not kept:
        return None
    kept = rng.choice(kept)
    unrelated = " ".join(rng.sample(UNRELATED, rng.choice([1, 2])))
    return f"{unrelated} {kept} {rng.choice(FORMS)}".strip()


def _common_org(rng, orgs):
    if rng.random() < 0.4:
        return rng.choice(COMPANIES)
    generic = rng.choice(sorted(w for w in SUBSTANTIVE if len(w) >= 5)).title()
    return f"{rng.choice(SURNAMES)} {generic} {rng.choice(FORMS)}".strip()


PERSON_METHODS = [("surname+other given", _surname_other_given, 0.35)]
PERSON_METHODS += [("given+other surname", _given_other_surname, 0.35)]
PERSON_METHODS += [("common name", _common_person, 0.30)]
ORG_METHODS = [("other distinctive words", _swapped_distinctive, 0.40)]
ORG_METHODS += [("generic + unrelated words", _generic_unrelated, 0.30)]
ORG_METHODS += [("common company name", _common_org, 0.30)]


def negatives(entries, count: int, rng: random.Random, listed: Listed | None = None):
    """``count`` distinct verified-unlisted near misses, half persons, half organizations,
    each method in its share (methods that run out of fresh names leave theirs unfilled)."""
    entries = list(entries)
    listed = listed or Listed(entries)
    sources = {"person": _person_parts(entries), "organization": _org_words(entries)}
    out, seen = [], set()
    for kind, methods in (("person", PERSON_METHODS), ("organization", ORG_METHODS)):
        share = count // 2 if kind == "person" else count - count // 2
        for label, make, fraction in methods:
            wanted = round(share * fraction)
            made, attempts = 0, 0
            while made < wanted and attempts < wanted * 50 and sources[kind]:
                attempts += 1
                text = make(rng, sources[kind])
                if not text or text.casefold() in seen or not listed.shares_word(text, kind):
                    continue
                if listed.is_unlisted(text, kind):
                    seen.add(text.casefold())
                    out.append(Negative(text, kind, label))
                    made += 1
    return out
