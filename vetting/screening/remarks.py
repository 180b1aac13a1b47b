"""The identifying details in an OFAC Remarks cell, read into fields.

OFAC writes them as ``;``-separated statements::

    DOB 14 Dec 1956; alt. DOB 1957; POB Tehran, Iran; nationality Iran;
    Passport K1234567 (Iran) issued 01 Jan 2010; Gender Male; a.k.a. 'KARIMI'.

Each statement is tried against ``STATEMENTS`` (a pattern and the field it
fills) and then against the identification-document labels in ``ID_LABELS``;
anything else (``Linked To:``, titles, sanctions notes) is left in the remarks.
Both tables are meant to grow when OFAC writes something new.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .birthdates import parse_date_of_birth
from .country_names import country_or_text

ALIAS_TYPES = {"a": "aka", "f": "fka", "n": "nka"}
# A quoted name ends at the quote that is followed by the end of the statement,
# so apostrophes inside names ('ABU DU'A') stay in the name.
_ALIAS = re.compile(
    r"\b([afn])\.k\.a\.,?\s*'([^;]+?)'(?=\s*(?:;|\)|\.?\s*$|\.\s|,\s*[afn]\.k\.a\.))",
    re.IGNORECASE,
)
_ALT = r"(?:alt\.\s+)?"

STATEMENTS: list[tuple[re.Pattern, str, Callable[[str], object]]] = [
    (re.compile(rf"^{_ALT}DOB:?\s+(?P<value>.+)$", re.I), "dates_of_birth", parse_date_of_birth),
    (re.compile(rf"^{_ALT}POB:?\s+(?P<value>.+)$", re.I), "places_of_birth", str),
    (
        re.compile(
            rf"^{_ALT}(?:nationality|citizen)(?:\s+of\s+registration)?:?\s+(?P<value>.+)$", re.I
        ),
        "nationalities",
        country_or_text,
    ),
    (re.compile(r"^Gender:?\s+(?P<value>Male|Female)$", re.I), "gender", str.capitalize),
]

# Identification documents and registration numbers, as OFAC labels them. The
# stored type is the label; "No.", "#" and ":" after it are dropped.
ID_LABELS = [
    "Passport",
    "Diplomatic Passport",
    "Passport Booklet",
    "British National Overseas Passport",
    "Stateless Person Passport",
    "Travel Document Number",
    "National ID",
    "National Foreign ID Number",
    "Personal ID Card",
    "Kenyan ID",
    "Tazkira National ID Card",
    "Moroccan Personal ID",
    "Bosnian Personal ID",
    "Turkish Identification Number",
    "Citizen's Card Number",
    "Refugee ID Card",
    "Stateless Person ID Card",
    "Numero de Identidad",
    "Identification Number",
    "UAE Identification",
    "Cedula",
    "D.N.I.",
    "N.I.E.",
    "C.U.R.P.",
    "C.U.I.P.",
    "C.U.I.T.",
    "C.U.I.",
    "I.F.E.",
    "Credencial electoral",
    "Electoral Registry",
    "Cartilla de Servicio Militar Nacional",
    "LE Number",
    "CNP (Personal Numerical Code)",
    "Birth Certificate Number",
    "Residency Number",
    "Romanian Permanent Resident CAN",
    "Driver's License",
    "Pilot License Number",
    "Seafarer's Identification Document",
    "VisaNumberID",
    "SSN",
    "Tax ID",
    "NIT",
    "R.F.C.",
    "RFC",
    "RUC",
    "RIF",
    "RTN",
    "US FEIN",
    "Italian Fiscal Code",
    "Fiscal Code",
    "Romanian Tax Registration",
    "V.A.T. Number",
    "C.I.F.",
    "RSIN",
    "Registration Number",
    "Registration ID",
    "Company Number",
    "UK Company Number",
    "Business Registration Number",
    "Business Registration Document",
    "Business Number",
    "Commercial Registry Number",
    "Romanian C.R.",
    "C.R.",
    "Matricula Mercantil",
    "Folio Mercantil",
    "Public Registration Number",
    "Government Gazette Number",
    "Certificate of Incorporation Number",
    "Chamber of Commerce Number",
    "Central Registration System Number",
    "Legal Entity Number",
    "Enterprise Number",
    "Branch Unit Number",
    "D-U-N-S Number",
    "United Social Credit Code Certificate (USCCC)",
    "Unified Social Credit Code (USCC)",
    "Trade License",
    "MSB Registration Number",
    "SWIFT/BIC",
    "Vessel Registration Identification",
    "MMSI",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Tail Number",
]
_ID = re.compile(
    rf"^{_ALT}(?P<type>"
    + "|".join(re.escape(label) for label in sorted(ID_LABELS, key=len, reverse=True))
    + r")(?:\s+No\b\.?|\s*#)?:?\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_ID_REST = re.compile(
    r"^(?P<number>.+?)(?:\s*\((?P<country>[^()]+)\))?"
    r"(?:[\s,]+(?:issued|expires|expired|issue date)\b.*)?$",
    re.IGNORECASE,
)
# Items the CSL files under ``ids`` that are not identification documents.
NOT_IDENTIFIERS = {
    "website",
    "email address",
    "telephone",
    "phone number",
    "fax",
    "organization type",
    "organization established date",
    "aircraft model",
    "aircraft manufacture date",
    "aircraft operator",
    "aircraft construction number (also called l/n or s/n or f/n)",
    "secondary sanctions risk",
    "transactions prohibited for persons owned or controlled by u.s. financial institutions",
    "additional sanctions information -",
    "executive order 13662 directive determination -",
    "caatsa section 235 information",
}
_CANONICAL_LABEL = {label.casefold(): label for label in ID_LABELS}


@dataclass
class RemarkDetails:
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (name, aka|fka|nka)
    dates_of_birth: list[dict] = field(default_factory=list)
    places_of_birth: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    identifiers: list[dict] = field(default_factory=list)
    gender: str = ""


def id_type(label: str) -> str:
    """OFAC's label without "No.", "#" or ":" ("Cedula No." -> "Cedula")."""
    label = re.sub(r"(?:\s+No\b\.?|\s*#)?:?$", "", label.strip())
    return _CANONICAL_LABEL.get(label.casefold(), label)


def statements(remarks: str) -> list[str]:
    text = remarks.strip()
    text = text[:-1] if text.endswith(".") else text
    return [part.strip() for part in text.split(";") if part.strip()]


def identifier(statement: str) -> dict | None:
    """{"type", "number", "country"} for an identification statement, else None."""
    match = _ID.match(statement)
    if not match:
        return None
    rest = _ID_REST.match(match["rest"].strip())
    number = rest["number"].strip(" ,:") if rest else ""
    if not any(ch.isdigit() for ch in number):
        return None  # "Passport issued 1992 in Amman" names no number
    country = country_or_text(rest["country"]) if rest and rest["country"] else ""
    label = _CANONICAL_LABEL[match["type"].casefold()]
    return {"type": label, "number": number, "country": country}


def _unquoted(name: str) -> str:
    """''FUPI'' is a nickname in quotes; 'ABD AL-MUHSI keeps its leading 'ayn."""
    name = name.strip()
    return name[1:-1].strip() if len(name) > 2 and name[0] == name[-1] == "'" else name


def parse_remarks(remarks: str) -> RemarkDetails:
    aliases = [
        (_unquoted(name), ALIAS_TYPES[kind.lower()]) for kind, name in _ALIAS.findall(remarks)
    ]
    details = RemarkDetails(aliases=aliases)
    for statement in statements(remarks):
        for pattern, name, convert in STATEMENTS:
            match = pattern.match(statement)
            if match:
                value = convert(match["value"].strip())
                if name == "gender":
                    details.gender = details.gender or value
                elif value not in getattr(details, name):
                    getattr(details, name).append(value)
                break
        else:
            found = identifier(statement)
            if found is not None and found not in details.identifiers:
                details.identifiers.append(found)
    return details
