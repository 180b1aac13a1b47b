"""A small reader of OFAC's legacy SDN CSV files (sdn.csv, alt.csv), for the benchmarks.

It reads only what the name-screening benchmark needs (ent_num -> primary name, type,
aliases) and does not use the project's importer, so the benchmark does not depend on it.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "tests" / "screening" / "data" / "ofac-sdn"
EMPTY = "-0-"
# SDN_Type as written in sdn.csv -> the entry_type build_index expects.
TYPES = {"individual": "Individual", "vessel": "Vessel", "aircraft": "Aircraft", EMPTY: "Entity"}


@dataclass
class Entry:
    ent_num: str
    name: str
    entry_type: str  # Individual, Entity, Vessel, Aircraft
    aliases: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """What a query about this entry names: "person" or "organization"."""
        return "person" if self.entry_type == "Individual" else "organization"

    @property
    def names(self) -> list[str]:
        """The primary name, then the aliases; each distinct name once."""
        return list(dict.fromkeys([self.name, *self.aliases]))


def _field(value: str) -> str:
    value = value.strip()
    return "" if value == EMPTY else value


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) > 1:  # the files end with a lone DOS end-of-file byte (0x1a)
                yield row


def load(directory: Path = DATA) -> dict[str, Entry]:
    """ent_num -> Entry, in file order. Aliases repeated within an entry appear once."""
    entries: dict[str, Entry] = {}
    for row in _rows(directory / "sdn.csv"):
        ent_num, name, sdn_type = row[0].strip(), _field(row[1]), row[2].strip().lower()
        entries[ent_num] = Entry(ent_num, name, TYPES.get(sdn_type, "Entity"))
    for row in _rows(directory / "alt.csv"):
        entry, alias = entries.get(row[0].strip()), _field(row[3])
        if entry is not None and alias and alias != entry.name and alias not in entry.aliases:
            entry.aliases.append(alias)
    return entries


def index_rows(entries: dict[str, Entry]):
    """The rows build_index takes: (record, name, aliases, entry_type)."""
    for entry in entries.values():
        yield entry.ent_num, entry.name, list(entry.aliases), entry.entry_type
