"""A declared person's date of birth and citizenships against a listed entry's.

A name alone makes a hit; the secondary identifiers a declaration carries move
its score: a listed date of birth that covers the declared one, or a shared
nationality, makes the match likelier, a date of birth years away makes it
unlikely. Each comparison is returned as a finding, shown on the hit's page.
"""

from dataclasses import dataclass
from datetime import date, timedelta

DOB_AGREES_EXACT = 8.0  # the list gives the day, and it is the declared one
DOB_AGREES = 5.0  # the declared date lies in the listed year, month or range
DOB_CONFLICTS = -20.0  # every listed date of birth is years from the declared one
NATIONALITY_AGREES = 3.0
NATIONALITY_CONFLICTS = -4.0  # weaker: lists are incomplete and people naturalize
# How far the most favourable identifiers can lift a name score: screening searches
# this far below the threshold for people who declared any.
MOST_RAISED = DOB_AGREES_EXACT + NATIONALITY_AGREES
CIRCA_SLACK = timedelta(days=2 * 366)
CLOSE = timedelta(days=366)  # a year off: a typing slip or calendar confusion, no signal


@dataclass(frozen=True)
class Finding:
    identifier: str
    declared: str
    listed: str
    outcome: str  # "agrees", "conflicts" or "close"
    effect: float

    def as_dict(self) -> dict:
        return {
            "identifier": self.identifier,
            "declared": self.declared,
            "listed": self.listed,
            "outcome": self.outcome,
            "effect": self.effect,
        }


def _span(listed: dict) -> tuple[date, date] | None:
    if not listed.get("earliest") or not listed.get("latest"):
        return None
    earliest, latest = date.fromisoformat(listed["earliest"]), date.fromisoformat(listed["latest"])
    if listed.get("circa"):  # (clamped: a list may write "circa 0001")
        earliest = max(date.min + CIRCA_SLACK, earliest) - CIRCA_SLACK
        latest = min(date.max - CIRCA_SLACK, latest) + CIRCA_SLACK
    return earliest, latest


def _gap(born: date, span: tuple[date, date]) -> timedelta:
    earliest, latest = span
    if born < earliest:
        return earliest - born
    return born - latest if born > latest else timedelta(0)


def date_of_birth_finding(born: date | None, listed_dates: list[dict]) -> Finding | None:
    spans = [(d, _span(d)) for d in listed_dates or ()]
    spans = [(d, s) for d, s in spans if s is not None]
    if born is None or not spans:
        return None
    gap, nearest = min(((_gap(born, s), d) for d, s in spans), key=lambda g: g[0])
    listed = "; ".join(d["text"] for d, _ in spans)
    if gap == timedelta(0):
        exact = nearest.get("day") is not None and not nearest.get("circa")
        effect = DOB_AGREES_EXACT if exact else DOB_AGREES
        return Finding("date of birth", born.isoformat(), listed, "agrees", effect)
    if gap <= CLOSE:
        return Finding("date of birth", born.isoformat(), listed, "close", 0.0)
    return Finding("date of birth", born.isoformat(), listed, "conflicts", DOB_CONFLICTS)


def nationality_finding(citizenships: list[str], nationalities: list[str]) -> Finding | None:
    listed = {n for n in nationalities or () if len(n) == 2 and n.isupper()}
    declared = {c for c in citizenships or () if c}
    if not listed or not declared:
        return None
    shown_declared, shown_listed = ", ".join(sorted(declared)), ", ".join(sorted(listed))
    if declared & listed:
        return Finding("citizenship", shown_declared, shown_listed, "agrees", NATIONALITY_AGREES)
    return Finding("citizenship", shown_declared, shown_listed, "conflicts", NATIONALITY_CONFLICTS)


def compare(
    *, born: date | None, citizenships: list[str], entry_dates: list[dict], entry_nationalities
) -> tuple[float, list[Finding]]:
    """(score adjustment, findings) of a declared person against a listed entry."""
    findings = [
        f
        for f in (
            date_of_birth_finding(born, entry_dates),
            nationality_finding(citizenships, entry_nationalities),
        )
        if f is not None
    ]
    return sum(f.effect for f in findings), findings
