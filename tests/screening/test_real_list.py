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


def test_retrieval_returns_exactly_what_scoring_every_listed_name_would(real_list):
    """No candidate cut: for perturbed names of listed entries, the index's hits are the
    hits found by scoring the query against every name on the list."""
    import random

    from bench.screening.perturb import CLASSES, perturb
    from vetting.screening.matching import name_match, normalize_name

    entries, index = real_list
    rng = random.Random(11)
    sample = rng.sample(entries, 1500)
    listed = [
        (e.record_id, KIND_OF_ENTRY[e.entry_type.lower()], normalize_name(text, kind=kind))
        for e in sample
        for kind in [KIND_OF_ENTRY[e.entry_type.lower()]]
        for text in [e.name, *e.aliases]
    ]
    sample_ids = {e.record_id for e in sample}
    checked = 0
    for entry in rng.sample(sample, 60):
        for cls in rng.sample(CLASSES, 4):
            variant = perturb(entry.name, cls, rng, entry.entry_type)
            if variant is None:
                continue
            kind = KIND_OF_ENTRY[entry.entry_type.lower()]
            query = normalize_name(variant.text, kind=kind)
            expected: dict[str, float] = {}
            for record, listed_kind, name in listed:
                if listed_kind != kind:
                    continue
                score = name_match(query, name, index.weights()).score
                if score >= index.threshold:
                    expected[record] = max(score, expected.get(record, 0.0))
            found = {
                h.record: h.score
                for h in index.search(variant.text, kind=kind)
                if h.record in sample_ids
            }
            assert found == expected, variant
            checked += 1
    assert checked >= 150


@pytest.mark.parametrize(
    ("written", "kind", "listed"),
    [
        ("H.A.M.A.S", "organization", "HAMAS"),
        ("H A M A S", "organization", "HAMAS"),
        ("H.E.Z.B.O.L.L.A.H", "organization", "HIZBALLAH"),
        ("HEZB ALLAH", "organization", "HIZBALLAH"),
        ("THE HAMAS", "organization", "HAMAS"),
        ("HIZBALLAH PARTY", "organization", "HIZBALLAH"),
        ("KIMJONGUN", "person", "KIM, Jong Un"),
        ("Comrade Kim Jong Un", "person", "KIM, Jong Un"),
        ("Hajj Qasem Soleimani", "person", "SOLEIMANI, Qasem"),
        ("Qasem Soleimani PhD", "person", "SOLEIMANI, Qasem"),
        ("Qasem Abbas Soleimani", "person", "SOLEIMANI, Qasem"),
        ("Nicolas Jose Maduro Moros", "person", "MADURO MOROS, Nicolas"),
        ("Presidente Nicolas Maduro Moros", "person", "MADURO MOROS, Nicolas"),
        ("Hassan Nasr Allah", "person", "NASRALLAH, Hasan"),
    ],
)
def test_evasive_spellings_of_listed_names_are_hits(real_list, written, kind, listed):
    _, index = real_list
    assert listed in {h.matched_name for h in index.search(written, kind=kind)}
