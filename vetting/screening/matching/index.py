"""Candidate retrieval and screening against an in-memory index of list names.

Each list name is indexed under keys of its tokens (consonant skeleton,
metaphone, first four letters, last four letters, and the remainder of a glued
particle), so a query only scores the few names sharing rare keys with it,
never the whole list.
"""

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from .normalize import Name, normalize_name
from .score import name_score, phonetic, skeleton
from .vocab import GLUED_PARTICLES, PARTICLES

MAX_CANDIDATES = 40
# A word shared with at most this many list names is enough on its own to be a candidate.
RARE_WORD = 200


@dataclass(frozen=True)
class ListName:
    """One name or alias of a list entry; ``record`` (hashable) identifies the entry."""

    record: object
    text: str
    is_alias: bool = False
    kind: str = ""  # the entry's type: individual, entity, vessel, aircraft (or "")


@dataclass(frozen=True)
class Hit:
    record: object
    query: str
    matched_name: str
    is_alias: bool
    score: float
    normalizations: tuple[str, ...]


@lru_cache(maxsize=300_000)
def _token_keys(token: str) -> frozenset[str]:
    keys = {"s:" + skeleton(token), "m:" + phonetic(token)}
    if len(token) >= 4:
        keys |= {"p:" + token[:4], "e:" + token[-4:]}
    for particle in GLUED_PARTICLES:
        rest = token[len(particle) :]
        if token.startswith(particle) and len(rest) >= 3:
            keys |= {"s:" + skeleton(rest), "m:" + phonetic(rest)}
    return frozenset(keys)


def name_keys(name: Name) -> set[str]:
    keys: set[str] = set()
    for token in name.tokens:
        if token in PARTICLES or len(token) < 2:
            continue
        keys |= _token_keys(token)
    if len(name.tokens) > 1:
        keys.add("s:" + skeleton(name.joined))
    return keys


class ScreeningIndex:
    def __init__(self, threshold: float = 88.0):
        self.threshold = threshold
        self._names: list[tuple[ListName, Name]] = []
        self._postings: dict[str, list[int]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._names)

    def add(self, item: ListName) -> None:
        normalized = normalize_name(item.text)
        if not normalized.tokens:
            return
        position = len(self._names)
        self._names.append((item, normalized))
        for key in name_keys(normalized):
            self._postings[key].append(position)

    def candidates(self, query: Name) -> list[int]:
        """Names sharing keys with at least two of the query's words, or with a rare
        word of it; most shared words first. Set unions and intersections run in C,
        so common words ("Mohammed", "Trading") cost little."""
        token_sets = []
        for token in query.tokens:
            if token in PARTICLES or len(token) < 2:
                continue
            lists = [self._postings[k] for k in _token_keys(token) if k in self._postings]
            token_sets.append(set().union(*lists))
        if len(query.tokens) > 1:
            token_sets.append(set(self._postings.get("s:" + skeleton(query.joined), ())))
        token_sets = [s for s in token_sets if s]
        if not token_sets:
            return []
        if len(token_sets) == 1:
            pool = token_sets[0]
        else:
            pool = set().union(
                *(a & b for n, a in enumerate(token_sets) for b in token_sets[n + 1 :])
            )
            pool |= set().union(*(s for s in token_sets if len(s) <= RARE_WORD))
        if len(pool) <= MAX_CANDIDATES:
            return list(pool)
        shared: Counter[int] = Counter()
        for words in token_sets:
            shared.update(words)  # counted in C
        return heapq.nlargest(MAX_CANDIDATES, pool, key=shared.__getitem__)

    def search(
        self, text: str, threshold: float | None = None, kind: str | None = None
    ) -> list[Hit]:
        """Hits for ``text`` at or above the threshold, one per record (its best name).
        ``kind`` is what the query names: "person", "organization" or None (either)."""
        threshold = self.threshold if threshold is None else threshold
        query = normalize_name(text)
        if not query.tokens:
            return []
        best: dict[object, Hit] = {}
        for position in self.candidates(query):
            item, listed = self._names[position]
            score = name_score(query, listed)
            if score < threshold:
                continue
            key = item.record
            if key not in best or score > best[key].score:
                applied = tuple(dict.fromkeys(query.applied + listed.applied))
                best[key] = Hit(
                    record=item.record,
                    query=text,
                    matched_name=item.text,
                    is_alias=item.is_alias,
                    score=round(score, 1),
                    normalizations=applied,
                )
        return sorted(best.values(), key=lambda h: -h.score)
