"""Parsing restricted-party list files into entry rows (formats in DOMAIN.md).

A parser reads the whole file (or set of files) before anything is stored; the
first problem raises ListFormatError naming the file and line, so a bad file
changes nothing.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from .birthdates import parse_date_of_birth
from .country_names import country_or_text
from .remarks import NOT_IDENTIFIERS, id_type, parse_remarks

CSL_COLUMNS = [
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
]
CSL_OLD_COLUMNS = CSL_COLUMNS[1:]  # before the API added _id
CSL_TYPES = {"individual", "entity", "vessel", "aircraft", ""}
SDN_COLUMNS = [
    "ent_num",
    "SDN_Name",
    "SDN_Type",
    "Program",
    "Title",
    "Call_Sign",
    "Vess_type",
    "Tonnage",
    "GRT",
    "Vess_flag",
    "Vess_owner",
    "Remarks",
]
ALT_COLUMNS = ["ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"]
ADD_COLUMNS = ["ent_num", "add_num", "address", "city_state_postal", "country", "add_remarks"]
SDN_EMPTY = "-0-"
SDN_DETAIL_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={}"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SOURCE_CODE = re.compile(r"\(([A-Z][A-Z0-9]{1,9})\)")


class ListFormatError(ValueError):
    """``file`` is empty for the main file and "alt.csv" or "add.csv" for OFAC's others."""

    def __init__(self, line: int, problem: str, file: str = ""):
        super().__init__(f"{file}, line {line}: {problem}" if file else f"Line {line}: {problem}")
        self.line = line
        self.problem = problem
        self.file = file


@dataclass
class ParsedEntry:
    list_code: str
    name: str
    source_name: str = ""
    record_id: str = ""
    entry_type: str = ""
    aliases: list[str] = field(default_factory=list)
    alias_types: dict[str, str] = field(default_factory=dict)
    programs: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    dates_of_birth: list[dict] = field(default_factory=list)
    places_of_birth: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    identifiers: list[dict] = field(default_factory=list)
    gender: str = ""
    source_url: str = ""

    def add_alias(self, name: str, kind: str) -> None:
        """Adds ``name`` as written unless it is already there in another case or spacing."""
        name = name.strip()
        key = " ".join(name.split()).casefold()
        if name and key not in {" ".join(a.split()).casefold() for a in self.aliases}:
            self.aliases.append(name)
            self.alias_types[name] = kind


def _split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _decode(data: bytes, file: str = "") -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ListFormatError(line, "the file is not UTF-8 text", file) from exc
    if "\x00" in text:  # PostgreSQL stores no NUL in text
        line = text[: text.index("\x00")].count("\n") + 1
        raise ListFormatError(line, "the line holds a NUL character", file)
    return text


def parse_csl(data: bytes) -> list[ParsedEntry]:
    """Consolidated Screening List CSV, with or without the leading ``_id`` column."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    header = [h.strip() for h in next(reader, [])]
    if header == CSL_COLUMNS:
        columns = CSL_COLUMNS
    elif header == CSL_OLD_COLUMNS:
        columns = CSL_OLD_COLUMNS
    else:
        raise ListFormatError(
            1,
            f"the header is not the CSL layout ({len(CSL_COLUMNS)} "
            f"columns starting _id, source, ...); it has {len(header)}",
        )
    entries = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            entries.append(
                _csl_row(
                    reader.line_num, dict(zip(columns, row, strict=False)), len(row), len(columns)
                )
            )
    except csv.Error as exc:
        raise ListFormatError(reader.line_num, f"unreadable CSV ({exc})") from exc
    return entries


def _csl_row(line: int, row: dict, found: int, expected: int) -> ParsedEntry:
    if found != expected:
        raise ListFormatError(line, f"expected {expected} columns, found {found}")
    name = row["name"].strip()
    if not name:
        raise ListFormatError(line, "the name is empty")
    match = _SOURCE_CODE.search(row["source"])
    if not match:
        raise ListFormatError(
            line, f"the source {row['source']!r} has no list code in parentheses, e.g. (EL)"
        )
    entry_type = row["type"].strip()
    if entry_type.lower() not in CSL_TYPES:
        raise ListFormatError(
            line, f"the type {entry_type!r} is not Individual, Entity, Vessel, Aircraft or blank"
        )
    countries = list(dict.fromkeys(_split(row["citizenships"]) + _split(row["nationalities"])))
    identifiers, gender = _csl_ids(row["ids"])
    return ParsedEntry(
        list_code=match.group(1),
        name=name,
        source_name=row["source"].strip(),
        record_id=(row.get("_id") or row["entity_number"]).strip(),
        entry_type=entry_type,
        aliases=_split(row["alt_names"]),
        programs=_split(row["programs"]),
        countries=countries,
        dates_of_birth=[parse_date_of_birth(d) for d in _split(row["dates_of_birth"])],
        places_of_birth=_split(row["places_of_birth"]),
        nationalities=list(dict.fromkeys(country_or_text(c) for c in countries)),
        identifiers=identifiers,
        gender=gender,
        source_url=(row["source_information_url"] or row["source_list_url"]).strip()[:500],
    )


def _csl_ids(cell: str) -> tuple[list[dict], str]:
    """The CSL's ``ids`` cell: "type, number, country[, issued, expires]" items; the
    API files Gender and contact details there too, which are not documents."""
    identifiers, gender = [], ""
    for item in _split(cell):
        kind, number, *rest = [p.strip() for p in item.split(",")] + [""]
        while rest and (not rest[-1] or _ISO_DATE.match(rest[-1])):
            rest.pop()  # the issue and expiry dates
        if kind.casefold() == "gender":
            gender = gender or number.capitalize()
        elif kind.casefold().rstrip(":") not in NOT_IDENTIFIERS and number:
            country = country_or_text(", ".join(rest)) if rest else ""
            found = {"type": id_type(kind), "number": number, "country": country}
            if found not in identifiers:
                identifiers.append(found)
    return identifiers, gender


def parse_sdn(data: bytes, alt: bytes | None = None, add: bytes | None = None) -> list[ParsedEntry]:
    """Treasury's headerless CSV set: ``sdn.csv`` and, when given, ``alt.csv`` (its
    aliases, by ent_num) and ``add.csv`` (its addresses; their countries go into
    ``countries``). ``-0-`` is empty. The details in Remarks are parsed into fields."""
    parsed, by_number = [], {}
    for line, row in _rows(data, ""):
        entry, remark_aliases = _sdn_row(line, row)
        if entry.record_id in by_number:  # alt.csv and add.csv link by it
            raise ListFormatError(line, f"ent_num {entry.record_id} appears twice")
        parsed.append((entry, remark_aliases))
        by_number[entry.record_id] = entry
    for line, row in _rows(alt, "alt.csv") if alt is not None else ():
        number, name, kind = _alt_row(line, row, by_number)
        by_number[number].add_alias(name, kind)
    for entry, remark_aliases in parsed:  # the Remarks' a.k.a.'s after alt.csv's
        for name, kind in remark_aliases:
            entry.add_alias(name, kind)
    for line, row in _rows(add, "add.csv") if add is not None else ():
        number, country = _add_row(line, row, by_number)
        if country and country not in by_number[number].countries:
            by_number[number].countries.append(country)
    return [entry for entry, _ in parsed]


def _rows(data: bytes, file: str):
    """(line, cells) of each non-blank row, with ``-0-`` read as empty."""
    text = _decode(data, file).replace("\x1a", "")  # OFAC's files end with a DOS EOF mark
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num, ["" if v.strip() == SDN_EMPTY else v.strip() for v in row]
    except csv.Error as exc:
        raise ListFormatError(reader.line_num, f"unreadable CSV ({exc})", file) from exc


def _sdn_row(line: int, row: list[str]) -> tuple[ParsedEntry, list[tuple[str, str]]]:
    if len(row) != len(SDN_COLUMNS):
        raise ListFormatError(line, f"expected {len(SDN_COLUMNS)} columns, found {len(row)}")
    cells = dict(zip(SDN_COLUMNS, row, strict=True))
    if not (cells["ent_num"].isascii() and cells["ent_num"].isdigit()):
        raise ListFormatError(line, f"ent_num {cells['ent_num']!r} is not a number")
    if not cells["SDN_Name"]:
        raise ListFormatError(line, "the name is empty")
    programs = [p.strip(" []") for p in re.split(r"\]\s*\[", cells["Program"]) if p.strip(" []")]
    details = parse_remarks(cells["Remarks"])
    entry = ParsedEntry(
        list_code="SDN",
        name=cells["SDN_Name"],
        source_name="Specially Designated Nationals (SDN) - Treasury Department",
        record_id=cells["ent_num"],
        entry_type=(cells["SDN_Type"] or "entity").capitalize(),
        programs=programs,
        countries=list(details.nationalities),
        dates_of_birth=details.dates_of_birth,
        places_of_birth=details.places_of_birth,
        nationalities=details.nationalities,
        identifiers=details.identifiers,
        gender=details.gender,
        source_url=SDN_DETAIL_URL.format(cells["ent_num"]),
    )
    return entry, details.aliases


def _linked(line: int, row: list[str], columns: list[str], by_number: dict, file: str) -> dict:
    if len(row) != len(columns):
        raise ListFormatError(line, f"expected {len(columns)} columns, found {len(row)}", file)
    cells = dict(zip(columns, row, strict=True))
    if cells["ent_num"] not in by_number:
        raise ListFormatError(line, f"ent_num {cells['ent_num']!r} is not in sdn.csv", file)
    return cells


def _alt_row(line: int, row: list[str], by_number: dict) -> tuple[str, str, str]:
    cells = _linked(line, row, ALT_COLUMNS, by_number, "alt.csv")
    kind = cells["alt_type"].lower()
    if kind not in ("aka", "fka", "nka"):
        raise ListFormatError(
            line, f"alt_type {cells['alt_type']!r} is not aka, fka or nka", "alt.csv"
        )
    if not cells["alt_name"]:
        raise ListFormatError(line, "the alias is empty", "alt.csv")
    return cells["ent_num"], cells["alt_name"], kind


def _add_row(line: int, row: list[str], by_number: dict) -> tuple[str, str]:
    cells = _linked(line, row, ADD_COLUMNS, by_number, "add.csv")
    return cells["ent_num"], country_or_text(cells["country"]) if cells["country"] else ""


PARSERS = {"csl": parse_csl, "sdn": parse_sdn}
