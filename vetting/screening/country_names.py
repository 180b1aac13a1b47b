"""Country names as the lists write them, to ISO 3166-1 alpha-2 codes.

django-countries knows the ISO names and many common ones ("Iran", "Russia");
``data/ofac_country_names.csv`` adds the spellings OFAC uses that it misses
("Burma", "Korea, North", "Palestinian"). Edit that file, not this module,
when a new spelling turns up.
"""

import csv
from functools import cache
from pathlib import Path

from django_countries import countries

OFAC_NAMES = Path(__file__).parent / "data" / "ofac_country_names.csv"


@cache
def _ofac_names() -> dict[str, str]:
    with OFAC_NAMES.open(encoding="utf-8", newline="") as f:
        return {row["name"].casefold(): row["code"] for row in csv.DictReader(f)}


@cache
def country_code(text: str) -> str:
    """The alpha-2 code for a code or a name, or "" when it is not a country we know."""
    text = " ".join(text.split()).strip(" .")
    if len(text) == 2 and countries.name(text.upper()):
        return text.upper()
    return _ofac_names().get(text.casefold()) or countries.by_name(text) or ""


def country_or_text(text: str) -> str:
    """The alpha-2 code when the name maps to one, else the text as written (never dropped)."""
    text = " ".join(text.split()).strip(" .")
    return country_code(text) or text
