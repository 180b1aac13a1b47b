"""Text helpers of the perturbation generator: letter runs, rule sites, case-keeping."""

import re
from dataclasses import dataclass
from functools import lru_cache

LETTERS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Variant:
    """A perturbed name: its class, text, and the rule applied (for the report)."""

    cls: str
    text: str
    rule: str = ""


def lower(text: str) -> str:
    """Lower case, one character for one (so positions in the result are positions in
    ``text``)."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def cased(new: str, name: str, start: int) -> str:
    """``new`` (lower case) written in the case of the token of ``name`` at ``start``:
    all capitals in a capitalized token, capitalized at the start of a capitalized word."""
    spans = list(LETTERS.finditer(name))
    token = next((m for m in spans if m.start() <= start < m.end()), None)
    token = token or next((m for m in spans if m.end() == start), None)
    if token is None:
        return new
    word = token.group()
    if word.isupper() and (len(word) > 1 or name.isupper()):
        return new.upper()
    if start == token.start() and name[start].isupper():
        return new[:1].upper() + new[1:]
    return new


def rule_sites(name: str, rules) -> list[tuple[int, int, str, str]]:
    """Every place a rule (label, regex on the lower-cased name, replacements) changes
    ``name``: (start, end, replacement in lower case, label)."""
    lowered = lower(name)
    sites = []
    for label, pattern, replacements in rules:
        for m in re.finditer(pattern, lowered):
            for replacement in replacements:
                new = m.expand(replacement)
                if new != m.group():
                    sites.append((m.start(), m.end(), new, label))
    return sites


@lru_cache(maxsize=512)
def _group_pattern(group: tuple[str, ...]) -> re.Pattern:
    members = sorted(group, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(m.replace(" ", "[ -]") for m in members) + r")\b")


def word_sites(name: str, groups) -> list[tuple[int, int, str, str]]:
    """Every whole word of ``name`` that is a spelling in a word group, with each other
    spelling of the group: (start, end, other spelling, "this->other")."""
    lowered = lower(name)
    sites = []
    for group in groups:
        for m in _group_pattern(tuple(group)).finditer(lowered):
            found = re.sub("[ -]", " ", m.group())
            sites += [(m.start(), m.end(), o, f"{found}->{o}") for o in group if o != found]
    return sites


def apply_site(name: str, site) -> str:
    start, end, new, _ = site
    return name[:start] + cased(new, name, start) + name[end:]


def split_person(tokens: list[str]) -> tuple[list[int], list[int]]:
    """(surname token positions, given-name token positions) of a person's name split
    on spaces: before/after the comma of "SURNAME, Given"; else the words in capitals
    (when not all are), else the last word."""
    for i, token in enumerate(tokens):
        if token.endswith(","):
            return list(range(i + 1)), list(range(i + 1, len(tokens)))
    capitals = []
    for i, token in enumerate(tokens):
        letters = "".join(LETTERS.findall(token))
        if len(letters) >= 2 and letters.isupper():
            capitals.append(i)
    if capitals and len(capitals) < len(tokens):
        return capitals, [i for i in range(len(tokens)) if i not in capitals]
    return [len(tokens) - 1], list(range(len(tokens) - 1))


def tidy(text: str) -> str:
    """Single ASCII spaces, no space before a comma, no comma or space at either end
    (other spaces, e.g. no-break spaces, are kept: they may be the variant)."""
    text = re.sub(" {2,}", " ", text)
    text = re.sub(" +,", ",", text)
    return text.strip(" ,")
