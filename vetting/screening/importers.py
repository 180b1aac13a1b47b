"""Parsing restricted-party list files into entry rows (formats in DOMAIN.md).

A parser reads the whole file before anything is stored; the first problem
raises ListFormatError naming the line, so a bad file changes nothing.
"""

import csv
import io
import re
from dataclasses import dataclass, field

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
SDN_EMPTY = "-0-"
SDN_DETAIL_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={}"
_SOURCE_CODE = re.compile(r"\(([A-Z][A-Z0-9]{1,9})\)")
_AKA = re.compile(r"\b[af]\.k\.a\.,?\s*'([^']+)'", re.IGNORECASE)


class ListFormatError(ValueError):
    def __init__(self, line: int, problem: str):
        super().__init__(f"Line {line}: {problem}")
        self.line = line
        self.problem = problem


@dataclass
class ParsedEntry:
    list_code: str
    name: str
    source_name: str = ""
    record_id: str = ""
    entry_type: str = ""
    aliases: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    source_url: str = ""


def _split(cell: str) -> list[str]:
    return [part.strip() for part in (cell or "").split(";") if part.strip()]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ListFormatError(line, "the file is not UTF-8 text") from exc


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
    return ParsedEntry(
        list_code=match.group(1),
        name=name,
        source_name=row["source"].strip(),
        record_id=(row.get("_id") or row["entity_number"]).strip(),
        entry_type=entry_type,
        aliases=_split(row["alt_names"]),
        programs=_split(row["programs"]),
        countries=countries,
        source_url=(row["source_information_url"] or row["source_list_url"]).strip()[:500],
    )


def parse_sdn(data: bytes) -> list[ParsedEntry]:
    """Treasury's headerless ``sdn.csv``: ``-0-`` is empty, aliases are in the remarks."""
    text = _decode(data).replace("\x1a", "")  # the file ends with a DOS end-of-file mark
    reader = csv.reader(io.StringIO(text, newline=""))
    entries = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            entries.append(_sdn_row(reader.line_num, row))
    except csv.Error as exc:
        raise ListFormatError(reader.line_num, f"unreadable CSV ({exc})") from exc
    return entries


def _sdn_row(line: int, row: list[str]) -> ParsedEntry:
    if len(row) != len(SDN_COLUMNS):
        raise ListFormatError(line, f"expected {len(SDN_COLUMNS)} columns, found {len(row)}")
    cells = {
        col: ("" if v.strip() == SDN_EMPTY else v.strip())
        for col, v in zip(SDN_COLUMNS, row, strict=True)
    }
    if not cells["ent_num"].isdigit():
        raise ListFormatError(line, f"ent_num {cells['ent_num']!r} is not a number")
    if not cells["SDN_Name"]:
        raise ListFormatError(line, "the name is empty")
    programs = [p.strip(" []") for p in re.split(r"\]\s*\[", cells["Program"]) if p.strip(" []")]
    return ParsedEntry(
        list_code="SDN",
        name=cells["SDN_Name"],
        source_name="Specially Designated Nationals (SDN) - Treasury Department",
        record_id=cells["ent_num"],
        entry_type=(cells["SDN_Type"] or "entity").capitalize(),
        aliases=list(dict.fromkeys(_AKA.findall(cells["Remarks"]))),
        programs=programs,
        source_url=SDN_DETAIL_URL.format(cells["ent_num"]),
    )


PARSERS = {"csl": parse_csl, "sdn": parse_sdn}
