"""The variant table: every variation class must hit; near misses must not."""

import csv
from pathlib import Path

import pytest

from vetting.screening.matching import ListName, ScreeningIndex, normalize_name

ROWS = list(csv.DictReader((Path(__file__).parent / "data" / "variants.csv").open()))
THRESHOLD = 88.0


@pytest.fixture(scope="module")
def index():
    index = ScreeningIndex(threshold=THRESHOLD)
    for listed in sorted({row["listed"] for row in ROWS}):
        index.add(ListName(record=listed, text=listed))
    return index


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r["expect"] == "hit"], ids=lambda r: f"{r['class']}:{r['query']}"
)
def test_each_variant_finds_its_listed_name(index, row):
    hits = {hit.record: hit for hit in index.search(row["query"])}
    assert row["listed"] in hits
    assert hits[row["listed"]].score >= THRESHOLD


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r["expect"] == "miss"], ids=lambda r: r["query"]
)
def test_a_different_person_with_a_similar_name_is_not_a_hit(index, row):
    assert row["listed"] not in {hit.record for hit in index.search(row["query"])}


def test_a_hit_says_which_name_matched_and_which_normalizations_applied():
    index = ScreeningIndex(threshold=THRESHOLD)
    index.add(ListName(record=7, text="Viktor BOUT"))
    index.add(ListName(record=7, text="Victor Budd", is_alias=True))
    [hit] = index.search("Viktоr B\u200bout")  # Cyrillic о and a zero-width space
    assert hit.record == 7 and hit.matched_name == "Viktor BOUT" and not hit.is_alias
    assert {"lookalikes_mapped", "invisible_removed"} <= set(hit.normalizations)


def test_surname_first_and_corporate_forms_are_understood():
    assert normalize_name("PUTIN, Vladimir").tokens == ("vladimir", "putin")
    name = normalize_name("Acme Trading Co., Ltd.")
    assert name.tokens == ("acme", "trading") and name.set_aside == ("co", "ltd")


def test_retrieval_scores_only_a_few_candidates_of_a_large_list():
    index = ScreeningIndex(threshold=THRESHOLD)
    for n in range(5000):
        index.add(ListName(record=n, text=f"Person{n} Family{n % 97}"))
    index.add(ListName(record="bout", text="Viktor BOUT"))
    candidates = index.candidates(normalize_name("Viktor Bout"))
    assert len(candidates) <= 40
    assert [h.record for h in index.search("Viktor Bout")] == ["bout"]
