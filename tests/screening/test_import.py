import csv
import io
from pathlib import Path

import pytest

from vetting.screening.importers import ListFormatError
from vetting.screening.lists import list_import
from vetting.screening.models import ListEntry, ListVersion

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.django_db


def _import(name, fmt="csl"):
    return list_import(actor=None, data=(DATA / name).read_bytes(), fmt=fmt, filename=name)


def test_it_imports_the_consolidated_screening_list_with_aliases_and_list_codes():
    version, created = _import("csl.csv")
    assert created and version.rows == 6 and len(version.checksum) == 64
    karimi = ListEntry.objects.get(version=version, name="KARIMI, Reza Mohammad")
    assert karimi.list_code == "SDN"
    assert karimi.aliases == ["Reza Mohammed Karimi", "KAREEMI, Reza"]
    assert karimi.programs == ["SDGT", "IRGC"]
    assert karimi.countries == ["IR"]
    assert karimi.source_url.endswith("id=36123")
    codes = set(version.entries.values_list("list_code", flat=True))
    assert codes == {"EL", "SDN", "DPL", "MEU", "DTC"}


def test_it_keeps_quoted_commas_and_multiline_remarks_in_one_cell():
    version, _ = _import("csl.csv")
    northwind = version.entries.get(list_code="EL")
    assert northwind.name == "Northwind Photonics Co., Ltd."
    assert northwind.aliases == ["Northwind Optics", "NW Photonics Ltd."]
    assert version.entries.filter(name="Hassan NASRALLAH", entry_type="").exists()


def test_it_imports_the_older_layout_without_id():
    version, _ = _import("csl_old.csv")
    assert version.rows == 4
    bout = version.entries.get(name="Viktor Anatolyevich BOUT")
    assert bout.list_code == "DPL" and "Victor Bout" in bout.aliases
    assert bout.countries == ["RU", "TJ"]


def test_it_imports_the_treasury_sdn_file_with_aliases_from_remarks():
    version, _ = _import("sdn.csv", fmt="sdn")
    assert version.rows == 4
    roe = version.entries.get(record_id="4702")
    assert roe.entry_type == "Entity" and roe.list_code == "SDN"
    assert roe.aliases == ["ROSOBORONEKSPORT OAO", "ROE"]
    assert roe.programs == ["UKRAINE-EO13662", "RUSSIA-EO14024"]
    vessel = version.entries.get(record_id="40111")
    assert vessel.entry_type == "Vessel" and vessel.aliases == []


def test_a_malformed_file_changes_nothing_and_names_the_line():
    _import("csl.csv")
    with pytest.raises(ListFormatError) as caught:
        _import("csl_malformed.csv")
    assert caught.value.line == 5
    assert "expected 29 columns, found 20" in str(caught.value)
    assert ListVersion.objects.count() == 1
    assert ListEntry.objects.count() == 6


def test_importing_the_same_file_twice_creates_no_second_version():
    first, created = _import("sdn.csv", fmt="sdn")
    again, created_again = _import("sdn.csv", fmt="sdn")
    assert created and not created_again and again.pk == first.pk
    assert ListVersion.objects.count() == 1 and ListEntry.objects.count() == 4


def test_the_import_command_reports_a_malformed_file(capsys):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Line 5"):
        call_command("import_screening_list", str(DATA / "csl_malformed.csv"), format="csl")
    call_command("import_screening_list", str(DATA / "csl.csv"), format="csl")
    assert "6 entries" in capsys.readouterr().out


def test_the_csl_fills_the_identifying_details_from_its_columns():
    version, _ = _import("csl.csv")
    karimi = version.entries.get(name="KARIMI, Reza Mohammad")
    assert karimi.dates_of_birth == [
        {
            "text": "1970-01-12",
            "year": 1970,
            "month": 1,
            "day": 12,
            "circa": False,
            "earliest": "1970-01-12",
            "latest": "1970-01-12",
        }
    ]
    assert karimi.nationalities == ["IR"] and karimi.places_of_birth == ["Tehran, Iran"]
    assert karimi.identifiers == [{"type": "Passport", "number": "K1234567", "country": "IR"}]
    assert version.entries.get(name="Viktor Anatolyevich BOUT").nationalities == ["RU", "TJ"]
    assert version.entries.get(list_code="EL").identifiers == []


def test_the_csl_ids_column_gives_gender_and_documents_but_not_contact_details():
    from vetting.screening.importers import CSL_COLUMNS, parse_csl

    row = dict.fromkeys(CSL_COLUMNS, "")
    row |= {
        "source": "Specially Designated Nationals (SDN) - Treasury Department",
        "type": "Individual",
        "name": "DOE, John",
        "dates_of_birth": "1958 to 1960; circa 1962",
        "citizenships": "SY",
        "nationalities": "Syria",
        "ids": "Gender, Male; Passport, N0123, SY, 2010-01-01, 2015-01-01; "
        "Website, www.example.com; National ID No., 42, Korea, North",
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSL_COLUMNS)
    writer.writeheader()
    writer.writerow(row)
    (entry,) = parse_csl(out.getvalue().encode())
    assert entry.gender == "Male" and entry.nationalities == ["SY"]
    assert entry.identifiers == [
        {"type": "Passport", "number": "N0123", "country": "SY"},
        {"type": "National ID", "number": "42", "country": "KP"},
    ]
    assert [(d["earliest"], d["latest"], d["circa"]) for d in entry.dates_of_birth] == [
        ("1958-01-01", "1960-12-31", False),
        ("1962-01-01", "1962-12-31", True),
    ]
