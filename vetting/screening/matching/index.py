"""Candidate retrieval and screening against an in-memory index of list names.

Each list name is indexed under the retrieval keys of its tokens
(``tokens.token_keys``), its single-letter initials and its glued form. A
query's candidates are every name sharing a key with any of its tokens; a
candidate is scored unless even a perfect match of the tokens it shares could
not reach the threshold (the bound of ``score.name_match``). Two tokens that
share no key cannot match, so nothing scored below the bound, or left out,
could have been a hit: there is no cut that drops a better match.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from .normalize import Name, normalize_name
from .score import QUERY_EXTRA_COVERED, listed_weight, name_match, rarity_weights, token_weight
from .tokens import token_keys, translit_form
from .vocab import PARTICLES

PERSON, ORGANIZATION = "person", "organization"
MAX_JOINED_VARIANTS = 3
KIND_OF_ENTRY = {
    "individual": PERSON,
    "entity": ORGANIZATION,
    "vessel": ORGANIZATION,
    "aircraft": ORGANIZATION,
}


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
    explanation: tuple[dict, ...] = ()


def _name_keys(name: Name) -> set[str]:
    """Keys of the tokens and of the words set aside: a query word matching a listed
    title or corporate form is set aside too (``score``), so it must find the name."""
    keys = {"g:" + form for form in name.glued_forms}
    for token in name.tokens + name.set_aside:
        keys |= token_keys(token) if len(token) > 1 else {"i:" + token}
    return keys


class ScreeningIndex:
    def __init__(self, threshold: float = 88.0):
        self.threshold = threshold
        self._names: list[tuple[ListName, Name, str]] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._document_frequency: Counter[str] = Counter()
        self._weight = None
        self._listed_weights: list[float] = []
        self._core_sizes: list[int] = []

    def __len__(self) -> int:
        return len(self._names)

    def add(self, item: ListName) -> None:
        kind = KIND_OF_ENTRY.get(item.kind.lower(), "")
        normalized = normalize_name(item.text, kind=kind or None)
        if not normalized.tokens:
            return
        position = len(self._names)
        self._names.append((item, normalized, kind))
        for key in _name_keys(normalized):
            self._postings[key].append(position)
        self._document_frequency.update(set(normalized.tokens))
        self._weight = None

    def weights(self):
        """The rarity weights ``name_match`` scores this list's names with."""
        return self._ready()

    def _ready(self):
        if self._weight is None:
            self._weight = rarity_weights(self._document_frequency, len(self._names))
            self._listed_weights = [listed_weight(n, self._weight) for _, n, _ in self._names]
            self._core_sizes = [
                sum(t not in PARTICLES for t in n.tokens) for _, n, _ in self._names
            ]
        return self._weight

    def candidates(self, query: Name, threshold: float | None = None, kind: str | None = None):
        """Positions of the names that might score ``threshold`` or more against ``query``."""
        threshold = self.threshold if threshold is None else threshold
        weight = self._ready()
        postings = self._postings
        words = []
        for token, count in Counter(t for t in query.tokens if len(t) > 1).items():
            keys = [k for k in token_keys(token) | {"i:" + token[0]} if k in postings]
            found = set().union(*(postings[k] for k in keys))
            words.append((count * token_weight(weight, token), count, found))
        glued = set().union(*(postings.get("g:" + f, ()) for f in query.glued_forms))
        pool = set().union(glued, *(found for _, _, found in words))
        asked = sum(count for _, count, _ in words)
        ratio = threshold / 100
        names, listed, cores = self._names, self._listed_weights, self._core_sizes
        kept = []
        for position in pool:
            if kind and names[position][2] not in (kind, ""):
                continue
            if position not in glued:
                total = listed[position]
                missing = absent = 0
                for w, count, found in words:
                    if position not in found:
                        missing += w
                        absent += count
                if asked - absent >= cores[position]:
                    # Enough query words to pair every listed word: then an unpaired
                    # query word may cost as little as QUERY_EXTRA_COVERED of its weight.
                    missing *= QUERY_EXTRA_COVERED
                if missing and total < ratio * (total + missing):
                    continue  # even a perfect match of the shared tokens falls short
            kept.append(position)
        return kept

    def search(
        self, text: str, threshold: float | None = None, kind: str | None = None
    ) -> list[Hit]:
        """Hits for ``text`` at or above the threshold, one per record (its best name),
        best first. ``kind`` is what the query names: "person" (matched against
        individuals), "organization" (entities, vessels, aircraft) or None (either)."""
        threshold = self.threshold if threshold is None else threshold
        query = normalize_name(text, kind=kind)
        if not query.tokens:
            return []
        weight = self._ready()
        best: dict[object, Hit] = {}
        for asked in (query, *self._joined_variants(query)):
            self._score(asked, text, threshold, kind, weight, best)
        return sorted(best.values(), key=lambda h: (-h.score, str(h.record)))

    def _joined_variants(self, query: Name) -> list[Name]:
        """The query with two neighbouring words written as one, where the list has
        such a word ("Nasr Allah" / NASRALLAH, "Hezb Allah" / HIZBALLAH)."""
        variants = []
        tokens = query.tokens
        for i in range(len(tokens) - 1):
            if len(tokens[i]) < 2 or len(tokens[i + 1]) < 2:
                continue
            joined = tokens[i] + tokens[i + 1]
            if "x:" + joined in self._postings or "t:" + translit_form(joined) in self._postings:
                variants.append(
                    replace(
                        query,
                        tokens=(*tokens[:i], joined, *tokens[i + 2 :]),
                        applied=(*query.applied, "words_joined"),
                    )
                )
        return variants[:MAX_JOINED_VARIANTS]

    def _score(self, query: Name, text: str, threshold, kind, weight, best: dict) -> None:
        for position in self.candidates(query, threshold, kind):
            item, listed, _ = self._names[position]
            match = name_match(query, listed, weight)
            if match.score < threshold:
                continue
            key = item.record
            if key not in best or match.score > best[key].score:
                best[key] = Hit(
                    record=item.record,
                    query=text,
                    matched_name=item.text,
                    is_alias=item.is_alias,
                    score=match.score,
                    normalizations=tuple(dict.fromkeys(query.applied + listed.applied)),
                    explanation=tuple(match.explain()),
                )
