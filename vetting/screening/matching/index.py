"""Candidate retrieval and screening against an in-memory index of list names.

Each list name is indexed under keys of its tokens (consonant skeleton,
metaphone, first four letters, last four letters, and the remainder of a glued
particle), so a query only scores the few names sharing rare keys with it,
never the whole list.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from .normalize import Name, normalize_name
from .score import name_score, phonetic, skeleton
from .vocab import GLUED_PARTICLES, PARTICLES

MAX_CANDIDATES = 40


@dataclass(frozen=True)
class ListName:
    """One name or alias of a list entry; ``record`` (hashable) identifies the entry."""

    record: object
    text: str
    is_alias: bool = False


@dataclass(frozen=True)
class Hit:
    record: object
    query: str
    matched_name: str
    is_alias: bool
    score: float
    normalizations: tuple[str, ...]


def _token_keys(token: str) -> set[str]:
    keys = {"s:" + skeleton(token), "m:" + phonetic(token)}
    if len(token) >= 4:
        keys |= {"p:" + token[:4], "e:" + token[-4:]}
    for particle in GLUED_PARTICLES:
        rest = token[len(particle) :]
        if token.startswith(particle) and len(rest) >= 3:
            keys |= {"s:" + skeleton(rest), "m:" + phonetic(rest)}
    return keys


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
        """Names sharing the rarest keys with ``query``, best first (IDF-weighted)."""
        total = max(len(self._names), 1)
        votes: Counter[int] = Counter()
        for key in name_keys(query):
            postings = self._postings.get(key)
            if not postings or len(postings) > total // 4 + 50:
                continue  # a key half the list shares tells nothing
            weight = math.log(1 + total / len(postings))
            for position in postings:
                votes[position] += weight
        return [position for position, _ in votes.most_common(MAX_CANDIDATES)]

    def search(self, text: str, threshold: float | None = None) -> list[Hit]:
        """Hits for ``text`` at or above the threshold, one per record (its best name)."""
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
