"""The variant table: every variation class must hit; near misses must not."""

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vetting.screening.matching import ListName, ScreeningIndex, name_score, normalize_name

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


@given(st.text(max_size=60))
def test_normalizing_any_text_never_fails_and_yields_plain_ascii_words(text):
    name = normalize_name(text)
    assert all(token.isascii() and " " not in token for token in name.tokens)


@given(
    st.sampled_from([r for r in ROWS if r["expect"] == "hit"]),
    st.lists(
        st.sampled_from(["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"]), min_size=1, max_size=4
    ),
    st.randoms(),
)
def test_invisible_characters_anywhere_do_not_change_the_score(row, invisibles, rnd):
    query = list(row["query"])
    for char in invisibles:
        query.insert(rnd.randrange(len(query) + 1), char)
    listed = normalize_name(row["listed"])
    plain = name_score(normalize_name(row["query"]), listed)
    assert name_score(normalize_name("".join(query)), listed) == pytest.approx(plain)
