"""The name-matching engine: normalization, scoring and an index. No Django imports."""

from .index import Hit, ListName, ScreeningIndex
from .normalize import Name, normalize_name
from .score import Match, name_match, name_score

__all__ = [
    "Hit",
    "ListName",
    "Match",
    "Name",
    "ScreeningIndex",
    "name_match",
    "name_score",
    "normalize_name",
]
