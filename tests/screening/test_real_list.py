"""The real OFAC SDN list (tests/screening/data/ofac-sdn): every name on it, primary or
alias, screened exactly as written, finds its own entry with the top score."""

from pathlib import Path

import pytest

from vetting.screening.importers import parse_sdn
from vetting.screening.lists import build_index
from vetting.screening.matching.index import KIND_OF_ENTRY

SDN = Path(__file__).parent / "data" / "ofac-sdn"


@pytest.fixture(scope="module")
def real_list():
    entries = parse_sdn((SDN / "sdn.csv").read_bytes(), alt=(SDN / "alt.csv").read_bytes())
    index = build_index((e.record_id, e.name, e.aliases, e.entry_type) for e in entries)
    return entries, index


def test_every_listed_name_screened_verbatim_finds_its_own_entry_on_top(real_list):
    entries, index = real_list
    names = misses = 0
    failures = []
    for entry in entries:
        kind = KIND_OF_ENTRY[entry.entry_type.lower()]
        for text in [entry.name, *entry.aliases]:
            names += 1
            hits = index.search(text, kind=kind)
            top = hits[0].score if hits else None
            if not any(h.record == entry.record_id and h.score == top for h in hits):
                misses += 1
                failures.append((text, [(h.matched_name, h.score) for h in hits[:2]]))
    assert names >= 20_880
    assert misses == 0, failures[:20]


def test_listed_organizations_are_not_hits_for_a_person_of_the_same_name(real_list):
    _, index = real_list
    # HAMAS and SYRIATEL are entities: a person's name is compared with individuals only.
    [hamas] = [h for h in index.search("HAMAS", kind="organization") if h.score == 100]
    assert hamas.record not in {h.record for h in index.search("HAMAS", kind="person")}
    assert index.search("SYRIATEL", kind="organization")[0].matched_name == "SYRIATEL"
