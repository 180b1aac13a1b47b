"""How alike two normalized names are, 0-100, and why.

Tokens are paired best first by ``token_match``; each pair counts with the
weight of the listed token, which is its rarity on the list (a shared
"Mohammed" or "Trading" proves little, a shared "Rusakevich" much). A query
token that pairs with nothing counts fully against the match (a different
given name is a different person); a listed token the query does not mention
counts a little (a missing middle name), and so does a query word beside every
word of a listed name of two or more. Names written with different spacing
are also compared glued together ("INTER PAL" / "INTERPAL").
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

from .normalize import Name
from .tokens import INITIAL, token_match
from .vocab import PARTICLES

# Share of its weight a listed token the query does not mention counts against a match.
LISTED_EXTRA = 0.15
# Share of its weight a query word counts against a match that has every word of the
# listed name (a middle name the list leaves out: "Qasem Abbas SOLEIMANI"); otherwise
# an unpaired query word counts fully (a different given name is a different person).
QUERY_EXTRA_COVERED = 0.3
COVERED_SIMILARITY = 0.9
# Particles (al, bin, van) and initials prove little whichever side they are on.
PARTICLE_WEIGHT = 0.3
INITIAL_WEIGHT = 1.5
GLUED = "spacing"
GLUED_SIMILARITY = 0.96
# The most a name can score on one shared word.
ONE_WORD_CAP = 80.0


@dataclass(frozen=True)
class TokenPair:
    query: str
    listed: str
    rule: str
    similarity: float


@dataclass(frozen=True)
class Match:
    score: float
    pairs: tuple[TokenPair, ...] = ()
    unmatched_query: tuple[str, ...] = ()
    unmatched_listed: tuple[str, ...] = ()

    def explain(self) -> list[dict]:
        """Which query token matched which listed token, by which rule."""
        rows = [
            {"query": p.query, "listed": p.listed, "rule": p.rule, "similarity": p.similarity}
            for p in self.pairs
        ]
        rows += [
            {"query": t, "listed": "", "rule": "unmatched", "similarity": 0.0}
            for t in self.unmatched_query
        ]
        rows += [
            {"query": "", "listed": t, "rule": "not in query", "similarity": 0.0}
            for t in self.unmatched_listed
        ]
        return rows


def length_weight(token: str) -> float:
    """The weight of a token when no list statistics are at hand."""
    return max(len(token), 3) / 3


def token_weight(base: Callable[[str], float], token: str) -> float:
    if len(token) == 1:
        return INITIAL_WEIGHT
    weight = base(token)
    return weight * PARTICLE_WEIGHT if token in PARTICLES else weight


def rarity_weights(document_frequency: dict[str, int], names: int) -> Callable[[str], float]:
    """Inverse document frequency over the list's names: 1 for a word in every name,
    about 1 + ln(names) for a word seen once (or never: a typo is rare)."""

    def weight(token: str) -> float:
        return 1.0 + math.log((names + 1) / (document_frequency.get(token, 0) + 1))

    return weight


def _glued(q: Name, c: Name) -> Match | None:
    if len(q.tokens) == len(c.tokens):
        return None
    if not q.glued_forms & c.glued_forms:
        return None  # (the index retrieves glued names by their exact glued forms)
    pair = TokenPair(" ".join(q.tokens), " ".join(c.tokens), GLUED, GLUED_SIMILARITY)
    return Match(score=100 * GLUED_SIMILARITY, pairs=(pair,))


def _not_set_aside(tokens: list[str], other: Name) -> tuple[str, ...]:
    return tuple(t for t in tokens if not any(token_match(t, s)[0] for s in other.set_aside))


def _covered(pairs: list[TokenPair], c: Name) -> bool:
    """Every word of the listed name (but particles) is paired with a query word
    written alike (what the index's bound assumes: see ``index.candidates``)."""
    core = sum(t not in PARTICLES for t in c.tokens)
    alike = [p for p in pairs if p.similarity >= COVERED_SIMILARITY and p.rule != INITIAL]
    paired_core = sum(p.listed not in PARTICLES for p in pairs)
    return len(pairs) >= 2 and len(alike) == len(pairs) and paired_core >= core


def _enough_pairs(pairs: list[TokenPair], q: Name, c: Name) -> bool:
    """An initial alone matches nothing; one shared word of two people's names
    ("Sergey STANKEVICH" / "STANKEVICH") is not a name match."""
    if all(p.rule == INITIAL for p in pairs):
        return False
    core = [t for t in c.tokens if t not in PARTICLES]
    people = "person" in (q.kind, c.kind)
    return len(pairs) >= 2 or not people or len(core) < 2


def name_match(q: Name, c: Name, weight: Callable[[str], float] = length_weight) -> Match:
    """The score of ``q`` (a query) against ``c`` (a listed name), with its pairs."""
    if not q.tokens or not c.tokens:
        return Match(0.0)
    candidates = []
    for i, x in enumerate(q.tokens):
        for j, y in enumerate(c.tokens):
            similarity, rule = token_match(x, y)
            if similarity:
                candidates.append((similarity, token_weight(weight, y), i, j, rule))
    candidates.sort(key=lambda p: (-p[0] * p[1], -p[0]))
    used_q, used_c, pairs = set(), set(), []
    numerator = denominator = 0.0
    for similarity, w, i, j, rule in candidates:
        if i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        pairs.append(TokenPair(q.tokens[i], c.tokens[j], rule, similarity))
        numerator += similarity * w
        denominator += w
    # A word the other side set aside as a title or corporate form ("Cmpny", "Compa"
    # for a listed "Company") is not part of the name either.
    unmatched_q = _not_set_aside([t for i, t in enumerate(q.tokens) if i not in used_q], c)
    unmatched_c = _not_set_aside([t for j, t in enumerate(c.tokens) if j not in used_c], q)
    extra = QUERY_EXTRA_COVERED if _covered(pairs, c) else 1.0
    denominator += extra * sum(token_weight(weight, t) for t in unmatched_q)
    denominator += LISTED_EXTRA * sum(token_weight(weight, t) for t in unmatched_c)
    score = 100 * numerator / denominator if denominator else 0.0
    if not _enough_pairs(pairs, q, c):
        score = min(score, ONE_WORD_CAP)
    aligned = Match(round(score, 1), tuple(pairs), unmatched_q, unmatched_c)
    glued = _glued(q, c)
    return glued if glued is not None and glued.score > aligned.score else aligned


def name_score(q: Name, c: Name, weight: Callable[[str], float] = length_weight) -> float:
    return name_match(q, c, weight).score


def listed_weight(name: Name, weight: Callable[[str], float]) -> float:
    """The most a query can match of ``name``: the sum of its tokens' weights."""
    return sum(token_weight(weight, t) for t in name.tokens)
