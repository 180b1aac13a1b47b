import pytest

from vetting.screening.birthdates import parse_date_of_birth
from vetting.screening.country_names import country_code, country_or_text
from vetting.screening.remarks import identifier, parse_remarks


def _dob(text, earliest, latest, year=None, month=None, day=None, circa=False):
    return {
        "text": text,
        "year": year,
        "month": month,
        "day": day,
        "circa": circa,
        "earliest": earliest,
        "latest": latest,
    }


@pytest.mark.parametrize(
    ("written", "parsed"),
    [
        ("14 Dec 1956", _dob("14 Dec 1956", "1956-12-14", "1956-12-14", 1956, 12, 14)),
        ("Dec 1956", _dob("Dec 1956", "1956-12-01", "1956-12-31", 1956, 12)),
        ("Feb 1960", _dob("Feb 1960", "1960-02-01", "1960-02-29", 1960, 2)),
        ("1956", _dob("1956", "1956-01-01", "1956-12-31", 1956)),
        ("circa 1958", _dob("circa 1958", "1958-01-01", "1958-12-31", 1958, circa=True)),
        (
            "circa 12 Jul 1960",
            _dob("circa 12 Jul 1960", "1960-07-12", "1960-07-12", 1960, 7, 12, True),
        ),
        ("1958 to 1960", _dob("1958 to 1960", "1958-01-01", "1960-12-31")),
        (
            "01 Jan 1960 to 31 Dec 1962",
            _dob("01 Jan 1960 to 31 Dec 1962", "1960-01-01", "1962-12-31"),
        ),
        ("Mar 1960 to Feb 1961", _dob("Mar 1960 to Feb 1961", "1960-03-01", "1961-02-28")),
        ("circa 1960-1962", _dob("circa 1960-1962", "1960-01-01", "1962-12-31", circa=True)),
        ("1970-01-12", _dob("1970-01-12", "1970-01-12", "1970-01-12", 1970, 1, 12)),
        ("21 August 2006", _dob("21 August 2006", "2006-08-21", "2006-08-21", 2006, 8, 21)),
    ],
)
def test_a_date_of_birth_is_parsed_into_its_span(written, parsed):
    assert parse_date_of_birth(written) == parsed


@pytest.mark.parametrize("written", ["31 Feb 1970", "1962 to 1958", "unknown", "Smarch 1970"])
def test_a_date_of_birth_that_is_no_date_keeps_its_text_and_no_span(written):
    assert parse_date_of_birth(written) == _dob(written, None, None)


def test_several_dates_of_birth_are_kept_in_order():
    details = parse_remarks("DOB 20 Jun 1974; alt. DOB 1974; alt. DOB 24 Apr 1974; Gender Male.")
    assert [d["text"] for d in details.dates_of_birth] == ["20 Jun 1974", "1974", "24 Apr 1974"]
    assert details.gender == "Male"


def test_places_of_birth_are_kept_as_written():
    details = parse_remarks("POB Hermosillo, Sonora, Mexico; alt. POB Distrito Federal, Mexico")
    assert details.places_of_birth == ["Hermosillo, Sonora, Mexico", "Distrito Federal, Mexico"]
    assert parse_remarks("Alt. POB: Keren Eritrea").places_of_birth == ["Keren Eritrea"]


@pytest.mark.parametrize(
    ("remarks", "nationalities"),
    [
        ("nationality Iran", ["IR"]),
        ("citizen Syria", ["SY"]),
        ("nationality Mexico; citizen Mexico", ["MX"]),
        ("nationality Iraq; alt. nationality Jordan", ["IQ", "JO"]),
        ("nationality: Eritrean", ["ER"]),
        ("Nationality of Registration Korea, North", ["KP"]),
        ("nationality Burma; alt. citizen Congo, Democratic Republic of the", ["MM", "CD"]),
        ("nationality Kosovo", ["Kosovo"]),  # no ISO code: kept as text
        ("nationality possibly Palestinian", ["possibly Palestinian"]),
    ],
)
def test_nationalities_and_citizenships_become_iso_codes(remarks, nationalities):
    assert parse_remarks(remarks).nationalities == nationalities


def test_a_citizens_card_is_an_identifier_not_a_nationality():
    details = parse_remarks("Citizen's Card Number 210222198011096648 (China)")
    assert details.nationalities == []
    assert details.identifiers == [
        {"type": "Citizen's Card Number", "number": "210222198011096648", "country": "CN"}
    ]


@pytest.mark.parametrize(
    ("statement", "found"),
    [
        ("Passport A12345 (Iran)", ("Passport", "A12345", "IR")),
        (
            "alt. Passport L 191609 issued 28 Feb 1996 expires 27 Feb 2001",
            ("Passport", "L 191609", ""),
        ),
        ("Passport 290320764", ("Passport", "290320764", "")),
        ("Diplomatic Passport 008827 (Iran) issued 1999", ("Diplomatic Passport", "008827", "IR")),
        ("alt. Passport Booklet: A5199819 (Pakistan)", ("Passport Booklet", "A5199819", "PK")),
        ("National ID No. 660000 73767 (Belgium)", ("National ID", "660000 73767", "BE")),
        ("Cedula No. 16247821 (Colombia)", ("Cedula", "16247821", "CO")),
        ("Tax ID No. 100036386 (Serbia)", ("Tax ID", "100036386", "RS")),
        (
            "Registration Number 02696754 (United Kingdom)",
            ("Registration Number", "02696754", "GB"),
        ),
        ("NIT # 800146749-7 (Colombia)", ("NIT", "800146749-7", "CO")),
        (
            "C.U.R.P. AIMM67125HCHRRG06 (Mexico) issued 1968",
            ("C.U.R.P.", "AIMM67125HCHRRG06", "MX"),
        ),
        (
            "Business Registration Document # F01000003035 (United States)",
            ("Business Registration Document", "F01000003035", "US"),
        ),
        (
            "Matricula Mercantil No 21-438991-02 (Medellin)",
            ("Matricula Mercantil", "21-438991-02", "Medellin"),
        ),
        (
            "Vessel Registration Identification IMO 9187629",
            ("Vessel Registration Identification", "IMO 9187629", ""),
        ),
    ],
)
def test_identification_documents_are_type_number_and_country(statement, found):
    kind, number, country = found
    assert identifier(statement) == {"type": kind, "number": number, "country": country}


@pytest.mark.parametrize(
    "statement",
    [
        "Passport issued in Sarajevo, Bosnia-Herzegovina",
        "Linked To: TANCHON COMMERCIAL BANK",
        "Website www.roe.ru",
        "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210",
    ],
)
def test_statements_that_are_not_documents_are_not_identifiers(statement):
    assert identifier(statement) is None


def test_gender_takes_only_the_gender_statement():
    assert parse_remarks("Gender Female.").gender == "Female"
    assert parse_remarks("Deputy Secretary for Gender and Culture.").gender == ""


def test_aliases_in_remarks_keep_their_type_and_inner_apostrophes():
    details = parse_remarks(
        "DOB 1971; a.k.a. 'ABU DU'A'; f.k.a. 'DR. IBRAHIM'; n.k.a. 'AL-BAGHDADI, Abu Bakr'."
    )
    assert details.aliases == [
        ("ABU DU'A", "aka"),
        ("DR. IBRAHIM", "fka"),
        ("AL-BAGHDADI, Abu Bakr", "nka"),
    ]


def test_a_nickname_in_doubled_quotes_loses_the_quotes_but_an_ayn_stays():
    details = parse_remarks("a.k.a. ''FUPI''; a.k.a. ''ABD AL-MUHSI'.")
    assert details.aliases == [("FUPI", "aka"), ("'ABD AL-MUHSI", "aka")]


def test_a_whole_remarks_cell_fills_every_field():
    details = parse_remarks(
        "DOB 12 Jan 1970; POB Tehran, Iran; nationality Iran; a.k.a. 'KAREEMI, Reza'; "
        "Passport K1234567 (Iran); Linked To: SOMETHING."
    )
    assert [d["earliest"] for d in details.dates_of_birth] == ["1970-01-12"]
    assert details.places_of_birth == ["Tehran, Iran"]
    assert details.nationalities == ["IR"]
    assert details.identifiers == [{"type": "Passport", "number": "K1234567", "country": "IR"}]
    assert details.aliases == [("KAREEMI, Reza", "aka")]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Iran", "IR"),
        ("Syria", "SY"),
        ("Russia", "RU"),
        ("Venezuela", "VE"),
        ("Bolivia", "BO"),
        ("Tanzania", "TZ"),
        ("Moldova", "MD"),
        ("Vietnam", "VN"),
        ("Laos", "LA"),
        ("Burma", "MM"),
        ("Korea, North", "KP"),
        ("Korea, South", "KR"),
        ("Congo, Democratic Republic of the", "CD"),
        ("Palestinian", "PS"),
        ("The Gambia", "GM"),
        ("United States", "US"),
        ("Virgin Islands, British", "VG"),
        ("ir", "IR"),
        ("Atlantis", ""),
    ],
)
def test_ofac_country_spellings_map_to_iso_codes(name, code):
    assert country_code(name) == code


def test_an_unknown_country_is_kept_as_written():
    assert country_or_text(" Kosovo. ") == "Kosovo"
