"""The benchmark's generator of perturbed names and near-miss negatives (no engine)."""

import random

import pytest

from bench.screening.negatives import Listed, negatives
from bench.screening.perturb import CLASSES, perturb
from bench.screening.sdn_list import Entry

NAMES = [
    ("RUSAKEVICH, Vladimir Vasilyevich", "Individual"),
    ("AL-ZAHRANI, Ahmad Abdullah Salih", "Individual"),
    ("KHODORKOVSKIY, Mikhail Borisovich", "Individual"),
    ("Abu Mohammed al-Adnani", "Individual"),
    ("DURAN PORRAS, Gloria Amparo", "Individual"),
    ("ANGLO-CARIBBEAN CO., LTD.", "Entity"),
    ("AMIN ABU SHANAB AND SONS CO.", "Entity"),
    ("OOO TEKHNOLOGII BEZOPASNOSTI", "Entity"),
    ("IMICO NEKA 455", "Vessel"),
]


@pytest.mark.parametrize("cls", CLASSES)
def test_every_class_makes_a_different_name_for_some_fixed_name(cls):
    made = []
    for name, entry_type in NAMES:
        variant = perturb(name, cls, random.Random(3), entry_type)
        if variant is not None:
            assert variant.cls == cls
            assert variant.text != name
            assert variant.text.strip() == variant.text
            made.append(variant)
    assert made, f"{cls} applies to none of the fixed names"


@pytest.mark.parametrize("cls", CLASSES)
def test_variants_are_deterministic_under_a_seed(cls):
    for name, entry_type in NAMES:
        first = [perturb(name, cls, random.Random(seed), entry_type) for seed in range(5)]
        again = [perturb(name, cls, random.Random(seed), entry_type) for seed in range(5)]
        assert first == again


@pytest.mark.parametrize(
    ("cls", "name", "entry_type"),
    [
        ("translit_arabic", "AL-ZAHRANI, Ahmad Abdullah Salih", "Individual"),
        ("translit_cyrillic", "RUSAKEVICH, Vladimir Vasilyevich", "Individual"),
        ("particles", "AL-ZAHRANI, Ahmad Abdullah Salih", "Individual"),
        ("initials", "RUSAKEVICH, Vladimir Vasilyevich", "Individual"),
        ("name_order", "RUSAKEVICH, Vladimir Vasilyevich", "Individual"),
        ("titles_affixes", "ANGLO-CARIBBEAN CO., LTD.", "Entity"),
        ("dropped_token", "DURAN PORRAS, Gloria Amparo", "Individual"),
    ],
)
def test_classes_that_apply_to_a_name_do(cls, name, entry_type):
    assert perturb(name, cls, random.Random(1), entry_type) is not None


def test_classes_that_do_not_apply_return_none():
    rng = random.Random(1)
    assert perturb("ZHANG, Taotao", "dropped_token", rng, "Individual") is None
    assert perturb("ANGLO-CARIBBEAN CO., LTD.", "initials", rng, "Entity") is None
    assert perturb("ANGLO-CARIBBEAN CO., LTD.", "name_order", rng, "Entity") is None
    assert perturb("DURAN PORRAS, Gloria Amparo", "translit_arabic", rng, "Individual") is None
    assert perturb("EP-GOM", "phonetic", rng, "Aircraft") is None


def test_specific_perturbations():
    assert perturb("RUSAKEVICH, Vladimir", "name_order", random.Random(0)).text in {
        "Vladimir RUSAKEVICH",
        "RUSAKEVICH Vladimir",
    }
    truncated = perturb("RUSAKEVICH, Ivan", "truncation", random.Random(0)).text
    assert truncated in {"RUSA, Ivan", "RUSAK, Ivan"}
    homoglyph = perturb("PETROV, Ivan", "homoglyph", random.Random(0)).text
    assert not homoglyph.isascii() and len(homoglyph) == len("PETROV, Ivan")


ENTRIES = [
    Entry("1", "RUSAKEVICH, Vladimir Vasilyevich", "Individual", ["Vladimir RUSAKEVICH"]),
    Entry("2", "PETROV, Ivan", "Individual"),
    Entry("3", "KAVE COFFEE S.A.", "Entity"),
    Entry("4", "GOLDEN STAR TRADING LLC", "Entity"),
]


def test_the_unlisted_check_refuses_listed_word_sets():
    listed = Listed(ENTRIES)
    assert not listed.is_unlisted("Vladimir Rusakevich", "person")  # equal
    assert not listed.is_unlisted("RUSAKEVICH, Vladimir", "person")  # a subset
    assert not listed.is_unlisted("Vasilyevich Rusakevich", "person")  # a subset
    assert not listed.is_unlisted("Ivan PETROV Jr", "person")  # a superset
    assert not listed.is_unlisted("Ivan-Petrov", "person")
    assert not listed.is_unlisted("KAVECOFFEE SA", "organization")  # spaces removed
    assert not listed.is_unlisted("KAVE TRADING", "organization")  # distinctive subset
    assert listed.is_unlisted("Ivan RUSAKEVICH", "person")
    assert listed.is_unlisted("GOLDEN LOTUS TRADING LLC", "organization")
    assert listed.is_unlisted("PETROV, Ivan", "organization")  # other kind


def test_negatives_are_verified_unlisted_and_labelled():
    entries = [
        *ENTRIES,
        Entry("5", "HOSSEINI, Ali Reza", "Individual"),
        Entry("6", "NASSER, Omar", "Individual"),
        Entry("7", "BALTIC SHIPPING COMPANY", "Entity"),
        Entry("8", "ORIENT STAR MARINE SERVICES", "Entity"),
    ]
    listed = Listed(entries)
    cases = negatives(entries, 40, random.Random(5), listed)
    assert cases
    assert {c.kind for c in cases} == {"person", "organization"}
    for case in cases:
        assert listed.is_unlisted(case.text, case.kind)
    assert cases == negatives(entries, 40, random.Random(5), listed)
