"""OFAC's CSV set (sdn.csv with alt.csv and add.csv), on the real list and small fixtures."""

import csv
import io
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from vetting.audit.models import AuditEvent
from vetting.errors import DomainError
from vetting.screening.importers import ListFormatError, parse_sdn
from vetting.screening.lists import list_import
from vetting.screening.models import ListEntry, ListVersion

DATA = Path(__file__).parent / "data"
OFAC = DATA / "ofac-sdn"


def _rows(path):
    text = path.read_text(encoding="utf-8").replace("\x1a", "")
    return [row for row in csv.reader(io.StringIO(text, newline="")) if row]


def _small(alt=None, add=None):
    return list_import(
        actor=None,
        data=(DATA / "sdn.csv").read_bytes(),
        fmt="sdn",
        filename="sdn.csv",
        alt=(DATA / alt).read_bytes() if alt else None,
        add=(DATA / add).read_bytes() if add else None,
    )


@pytest.mark.django_db
def test_the_real_list_imports_every_entry_with_every_alias_of_alt_csv():
    version, created = list_import(
        actor=None,
        data=(OFAC / "sdn.csv").read_bytes(),
        fmt="sdn",
        filename="sdn.csv",
        alt=(OFAC / "alt.csv").read_bytes(),
    )
    assert created and version.rows == 8976 and ListEntry.objects.count() == 8976
    expected = defaultdict(list)
    for ent_num, _, kind, name, _ in _rows(OFAC / "alt.csv"):
        expected[ent_num].append((name.strip(), kind))
    assert sum(len(v) for v in expected.values()) == 11910
    entries = version.entries.filter(record_id__in=expected).values_list(
        "record_id", "aliases", "alias_types"
    )
    for record_id, aliases, alias_types in entries:
        for name, kind in expected.pop(record_id):
            assert name in aliases and alias_types[name] == kind, (record_id, name)
    assert expected == {}  # every ent_num of alt.csv was an entry


@pytest.mark.django_db
def test_real_entries_carry_their_birth_dates_nationalities_and_documents():
    list_import(
        actor=None,
        data=(OFAC / "sdn.csv").read_bytes(),
        fmt="sdn",
        alt=(OFAC / "alt.csv").read_bytes(),
    )
    khazali = ListEntry.objects.get(record_id="28004")  # AL-KHAZALI, Qais
    assert [(d["text"], d["earliest"], d["latest"]) for d in khazali.dates_of_birth] == [
        ("20 Jun 1974", "1974-06-20", "1974-06-20"),
        ("1974", "1974-01-01", "1974-12-31"),
        ("24 Apr 1974", "1974-04-24", "1974-04-24"),
    ]
    assert khazali.nationalities == ["IQ"] and khazali.places_of_birth == ["Baghdad, Iraq"]
    assert khazali.gender == "Male" and khazali.entry_type == "Individual"
    assert "AL-KHAZ'ALI, Qays" in khazali.aliases

    baldenegro = ListEntry.objects.get(record_id="10979")
    assert baldenegro.dates_of_birth[0] == {
        "text": "11 Jan 1963",
        "year": 1963,
        "month": 1,
        "day": 11,
        "circa": False,
        "earliest": "1963-01-11",
        "latest": "1963-01-11",
    }
    assert baldenegro.nationalities == ["MX"]
    assert baldenegro.identifiers[0] == {"type": "Passport", "number": "260000406", "country": "MX"}

    kim = ListEntry.objects.get(record_id="11648")  # KIM, Tong-Myo'ng
    assert kim.nationalities == ["KP"]
    assert {"type": "Passport", "number": "290320764", "country": ""} in kim.identifiers
    assert ListEntry.objects.get(record_id="23278").nationalities == ["MM"]  # Burma
    barnawi = ListEntry.objects.get(record_id="27322").dates_of_birth[0]
    assert (barnawi["year"], barnawi["earliest"], barnawi["latest"]) == (
        None,
        "1989-01-01",
        "1994-12-31",
    )
    sahinpasic = ListEntry.objects.get(record_id="7782").dates_of_birth[0]
    assert sahinpasic["circa"] and sahinpasic["year"] == 1951
    assert ListEntry.objects.get(record_id="8244").alias_types["NUEVO CONTINENTE S.A."] == "nka"


def test_the_remarks_of_the_real_list_are_read_for_every_dob_and_nationality():
    remarks = {row[0]: row[11] for row in _rows(OFAC / "sdn.csv")}
    entries = parse_sdn((OFAC / "sdn.csv").read_bytes())
    with_dob = [e for e in entries if "DOB" in remarks[e.record_id]]
    assert len(with_dob) == 4428
    assert all(any(d["earliest"] for d in e.dates_of_birth) for e in with_dob)
    with_nationality = [e for e in entries if "nationality" in remarks[e.record_id].lower()]
    assert len(with_nationality) == 2068 and all(e.nationalities for e in with_nationality)
    citizen = [e for e in entries if re.search(r"\bcitizen\s", remarks[e.record_id], re.I)]
    assert all(e.nationalities for e in citizen)
    texts = {n for e in entries for n in e.nationalities if not re.fullmatch(r"[A-Z]{2}", n)}
    assert texts == {"Kosovo", "possibly Palestinian"}
    assert {e.entry_type for e in entries} == {"Individual", "Entity", "Vessel", "Aircraft"}


@pytest.mark.django_db
def test_alt_csv_aliases_come_before_the_remarks_ones_without_duplicates():
    version, _ = _small(alt="sdn_alt.csv")
    karimi = version.entries.get(record_id="36123")
    assert karimi.aliases == ["KARIMI, Reza Mohammed", "KARIMI, Rida", "KAREEMI, Reza"]
    roe = version.entries.get(record_id="4702")
    assert roe.aliases == ["ROSOBORONEKSPORT", "ROE JSC", "ROSOBORONEKSPORT OAO", "ROE"]
    assert roe.alias_types == {
        "ROSOBORONEKSPORT": "fka",
        "ROE JSC": "nka",
        "ROSOBORONEKSPORT OAO": "aka",
        "ROE": "fka",
    }


@pytest.mark.django_db
def test_add_csv_puts_the_address_countries_into_the_entry():
    version, _ = _small(add="sdn_add.csv")
    assert version.entries.get(record_id="36123").countries == ["IR"]  # nationality and address
    assert version.entries.get(record_id="4702").countries == ["RU", "BY"]
    assert version.entries.get(record_id="40111").countries == ["PA"]


@pytest.mark.django_db
def test_the_same_set_twice_is_a_no_op_and_another_alt_csv_is_a_new_version():
    first, created = _small(alt="sdn_alt.csv", add="sdn_add.csv")
    again, created_again = _small(alt="sdn_alt.csv", add="sdn_add.csv")
    assert created and not created_again and again.pk == first.pk
    assert ListVersion.objects.count() == 1 and ListEntry.objects.count() == 4
    other_alt = (DATA / "sdn_alt.csv").read_bytes().replace(b"KARIMI, Rida", b"KARIMI, Ridha")
    third, created_third = list_import(
        actor=None, data=(DATA / "sdn.csv").read_bytes(), fmt="sdn", alt=other_alt
    )
    assert created_third and third.pk != first.pk
    alone, created_alone = _small()
    assert created_alone and alone.pk not in (first.pk, third.pk)


@pytest.mark.django_db
def test_the_audit_event_names_each_file_of_the_set():
    version, _ = _small(alt="sdn_alt.csv", add="sdn_add.csv")
    event = AuditEvent.objects.get(action="screening.list_imported")
    files = event.data["files"]
    assert set(files) == {"main", "alt.csv", "add.csv"}
    assert files["main"]["filename"] == "sdn.csv"
    assert files["alt.csv"]["bytes"] == len((DATA / "sdn_alt.csv").read_bytes())
    assert event.data["checksum"] == version.checksum and len(files["add.csv"]["sha256"]) == 64


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("alt", "line", "problem"),
    [
        (
            b'36123,1,"aka","A",-0- \r\n99999,2,"aka","B",-0- \r\n',
            2,
            "ent_num '99999' is not in sdn.csv",
        ),
        (b'36123,1,"aka","A",-0- \r\n4702,2,"aka"\r\n', 2, "expected 5 columns, found 3"),
        (b'36123,1,"wka","A",-0- \r\n', 1, "alt_type 'wka' is not aka, fka or nka"),
        (b'36123,1,"aka",-0- ,-0- \r\n', 1, "the alias is empty"),
        (
            b'36123,1,"aka","A",-0- \r\n36123,2,"aka","X\x00Y",-0- \r\n',
            2,
            "the line holds a NUL character",
        ),
        (b'\xb2,1,"aka","A",-0- \r\n', 1, "the file is not UTF-8 text"),
    ],
)
def test_a_malformed_alt_csv_names_its_line_and_imports_nothing(alt, line, problem):
    with pytest.raises(ListFormatError) as caught:
        list_import(actor=None, data=(DATA / "sdn.csv").read_bytes(), fmt="sdn", alt=alt)
    assert (caught.value.file, caught.value.line, caught.value.problem) == (
        "alt.csv",
        line,
        problem,
    )
    assert str(caught.value) == f"alt.csv, line {line}: {problem}"
    assert not ListVersion.objects.exists() and not ListEntry.objects.exists()


def test_an_ent_num_twice_in_sdn_csv_is_refused_since_alt_csv_links_by_it():
    data = (DATA / "sdn.csv").read_bytes()
    first_line = data.splitlines(keepends=True)[0]
    with pytest.raises(ListFormatError, match=r"^Line 5: ent_num 36123 appears twice$"):
        parse_sdn(data + first_line)


@pytest.mark.django_db
def test_a_malformed_add_csv_names_its_line_and_imports_nothing():
    with pytest.raises(ListFormatError, match=r"^add.csv, line 1: expected 6 columns, found 5$"):
        list_import(
            actor=None, data=(DATA / "sdn.csv").read_bytes(), fmt="sdn", add=b"4702,1,a,b,c\r\n"
        )
    assert not ListVersion.objects.exists()


@pytest.mark.django_db
def test_alt_csv_with_the_csl_format_is_refused():
    with pytest.raises(DomainError, match="only with Treasury's sdn.csv"):
        list_import(
            actor=None,
            data=(DATA / "csl.csv").read_bytes(),
            fmt="csl",
            alt=(DATA / "sdn_alt.csv").read_bytes(),
        )
    assert not ListVersion.objects.exists()


@pytest.mark.django_db
def test_the_import_command_takes_alt_and_add(capsys):
    call_command(
        "import_screening_list",
        str(DATA / "sdn.csv"),
        format="sdn",
        alt=str(DATA / "sdn_alt.csv"),
        add=str(DATA / "sdn_add.csv"),
    )
    assert "Imported sdn.csv + sdn_alt.csv + sdn_add.csv" in capsys.readouterr().out
    assert ListEntry.objects.get(record_id="36123").aliases[1] == "KARIMI, Rida"
    call_command(
        "import_screening_list",
        str(DATA / "sdn.csv"),
        format="sdn",
        alt=str(DATA / "sdn_alt.csv"),
        add=str(DATA / "sdn_add.csv"),
    )
    assert "nothing changed" in capsys.readouterr().out and ListVersion.objects.count() == 1


@pytest.mark.django_db
def test_the_import_command_refuses_alt_without_the_sdn_format():
    with pytest.raises(CommandError, match="--alt go only with --format sdn"):
        call_command(
            "import_screening_list",
            str(DATA / "csl.csv"),
            format="csl",
            alt=str(DATA / "sdn_alt.csv"),
        )
    assert not ListVersion.objects.exists()


@pytest.mark.django_db
def test_the_import_command_reports_a_malformed_alt_csv(tmp_path):
    bad = tmp_path / "alt.csv"
    bad.write_bytes(b'36123,1,"aka","A",-0- \r\n99999,2,"aka","B",-0- \r\n')
    with pytest.raises(CommandError, match=r"alt.csv, line 2: ent_num '99999' is not in sdn.csv"):
        call_command("import_screening_list", str(DATA / "sdn.csv"), format="sdn", alt=str(bad))
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_screening_list", str(DATA / "sdn.csv"), format="sdn", add="nope.csv")
    assert not ListVersion.objects.exists()
