"""The parameter patterns of the OpenAPI document are exactly what the server accepts:
the same strings match in Python and in the document's regex dialect (read here by
jsonschema_rs, the validator schemathesis uses), and the server's own rules accept
exactly the strings that match."""

import itertools
import re
from datetime import UTC, datetime, timedelta

import jsonschema_rs
import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from vetting.api import check, sync
from vetting.api.schemas import CURSOR_PATTERN
from vetting.organizations.identifiers import UEI_PATTERN, validate_uei


def _document_matches(pattern: str):
    validator = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    return validator.is_valid


def _validate_uei_accepts(value: str) -> bool:
    try:
        validate_uei(value)
    except ValidationError:
        return False
    return True


def test_the_uei_pattern_is_validate_uei_for_every_arrangement_of_letters_and_digits():
    # validate_uei's rules look at each place's kind only: 0, another digit, a letter.
    uei = re.compile(UEI_PATTERN)
    for places in itertools.product("07K", repeat=12):
        value = "".join(places)
        assert bool(uei.fullmatch(value)) == _validate_uei_accepts(value), value


_ORGANIZATION_LIKE = st.text(alphabet="0123456789ABCHIOZabcioz ſı-", min_size=0, max_size=20)


@settings(max_examples=500)
@given(
    _ORGANIZATION_LIKE
    | st.text(alphabet="0123456789ABCHIOZabcioz", min_size=12, max_size=12)
    | st.from_regex(check.ORGANIZATION_PATTERN, fullmatch=True)
    | st.text(max_size=20)
)
@example("ABC123DEF456")
@example("abc123def456")
@example(" ABC123DEF456")
@example("ſBC123DEF456")  # upper-cases to an ASCII UEI
@example("999999999999999999")
@example("0999")
def test_the_organization_pattern_is_what_parse_organization_accepts(value):
    matches = re.fullmatch(check.ORGANIZATION_PATTERN, value) is not None
    event(f"matches: {matches}")
    assert _document_matches(check.ORGANIZATION_PATTERN)(value) == matches
    try:
        kind, parsed = check.parse_organization(value)
    except check.ApiError as exc:
        assert exc.status == 400 and not matches
        return
    assert matches
    if kind == "id":
        assert 1 <= parsed < 2**63
    else:
        assert value.isascii() and _validate_uei_accepts(value) and parsed == value.upper()


@settings(max_examples=300)
@given(st.text(max_size=210))
@example("alice@example.org")
@example("a\u202eb")
@example("a\u00a0b\u200b")
@example("\x85")
def test_the_seat_pattern_is_what_the_check_accepts(value):
    matches = len(value) <= 200 and re.fullmatch(check.SEAT_PATTERN, value) is not None
    event(f"matches: {matches}")
    assert _document_matches(check.SEAT_PATTERN)(value) == (
        re.fullmatch(check.SEAT_PATTERN, value) is not None
    )
    params = QueryDict(mutable=True)
    params["seat"] = value
    try:
        check._clean(params, "seat", required=False, max_length=check.SEAT_MAX_LENGTH)
    except check.ApiError:
        assert not matches
    else:
        assert matches


@settings(max_examples=300)
@given(st.from_regex(CURSOR_PATTERN, fullmatch=True))
@example("0_0")
@example("9999999999999999_999999999999999999")
def test_every_string_the_cursor_pattern_allows_is_a_position(cursor):
    assert _document_matches(CURSOR_PATTERN)(cursor)
    when, pk = sync.decode_cursor(cursor)
    assert when.tzinfo is not None and 0 <= pk < 2**63


@pytest.mark.parametrize(
    "cursor", ["", "0" * 200, "1_", "_1", "1-1", "1_1\n", "１_1", "1" * 17 + "_1"]
)
def test_anything_else_is_not_a_cursor(cursor):
    assert not _document_matches(CURSOR_PATTERN)(cursor)
    with pytest.raises(check.ApiError):
        sync.decode_cursor(cursor)


def test_a_cursor_names_the_rows_position_to_the_microsecond():
    class Row:
        changed_at = datetime(2026, 1, 31, 12, 0, 0, 123456, tzinfo=UTC)
        pk = 42

    cursor = sync.encode_cursor(Row)
    assert cursor == "1769860800123456_42"
    assert sync.decode_cursor(cursor) == (Row.changed_at, 42)


_DATE_TIME_FORMAT = jsonschema_rs.validator_for(
    {"type": "string", "format": "date-time"}, validate_formats=True
)


def _two_digits(top: int):
    return st.integers(0, top).map("{:02d}".format)


@st.composite
def _date_time_like(draw):
    """Strings shaped like date-times, some of them impossible (month 13, a 31st of
    April, 24:00, second 60 at the wrong minute, offset +24:00) or not RFC 3339."""
    year = draw(st.sampled_from(["0000", "0001", "1900", "2000", "2023", "2024", "9999"]))
    month, day = draw(_two_digits(13)), draw(_two_digits(32))
    hour, minute, second = draw(_two_digits(24)), draw(_two_digits(60)), draw(_two_digits(61))
    if draw(st.booleans()):  # where a leap second can be
        hour, minute, second = "23", "59", "60"
    fraction = draw(st.sampled_from(["", ".5", ".123456", ".1234567", ".0000001", "."]))
    offset = st.builds(
        lambda s, h, m: f"{s}{h}:{m}", st.sampled_from("+-"), _two_digits(24), _two_digits(60)
    )
    zone = draw(st.sampled_from(["Z", "z", "", "+00:00", "-00:00", "+0100"]) | offset)
    separator = draw(st.sampled_from("Tt T"))
    return f"{year}-{month}-{day}{separator}{hour}:{minute}:{second}{fraction}{zone}"


@settings(max_examples=1000)
@given(_date_time_like() | st.datetimes(timezones=st.timezones()).map(datetime.isoformat))
@example("2026-01-31T12:00:00Z")
@example("2026-01-31T12:00:00")  # no offset
@example("2026-01-31")
@example("2024-02-29T00:00:00Z")
@example("2023-02-29T00:00:00Z")
@example("2016-12-31T23:59:60Z")
@example("2016-12-31T22:59:60-01:00")
@example("2016-12-31T23:59:60+01:00")
@example("0000-01-01T00:00:00Z")
@example("9999-12-31T23:59:59-23:59")
def test_changed_since_takes_exactly_json_schemas_date_time(value):
    event("valid" if _DATE_TIME_FORMAT.is_valid(value) else "invalid")
    try:
        since = sync.parse_changed_since(value)
    except check.ApiError as exc:
        assert exc.status == 400
        assert not _DATE_TIME_FORMAT.is_valid(value), value
        return
    assert _DATE_TIME_FORMAT.is_valid(value), value
    if since is None or since is sync.NOTHING_AFTER:
        return
    assert since.tzinfo is UTC
    if ":60" not in value:
        # Rounded up to the microsecond: no changed_at falls between the two.
        finer = re.search(r"\.\d{6}(\d+)", value)
        truncated = datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", value.upper()))
        rounded_up = finer is not None and finer.group(1).strip("0") != ""
        assert since - truncated == timedelta(microseconds=rounded_up)


@pytest.mark.parametrize(
    ("value", "since"),
    [
        ("2016-12-31T23:59:60.5Z", datetime(2017, 1, 1, tzinfo=UTC)),
        ("2026-01-31T12:00:00.0000001+01:00", datetime(2026, 1, 31, 11, 0, 0, 1, tzinfo=UTC)),
        ("0000-06-01T00:00:00Z", None),
        ("0001-01-01T00:00:00+00:01", None),
        ("0001-01-01T00:00:00-00:01", datetime(1, 1, 1, 0, 1, tzinfo=UTC)),
        ("9999-12-31T23:59:59.9999999Z", sync.NOTHING_AFTER),
    ],
)
def test_changed_since_outside_datetimes_range_is_before_or_after_every_row(value, since):
    assert sync.parse_changed_since(value) == since
