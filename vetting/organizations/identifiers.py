"""Format checks for US organization identifiers (rules in DOMAIN.md).

A well-formed identifier does not prove the entity exists; the sector reviewer
confirms it against the registry.
"""

import re

from django.core.exceptions import ValidationError

# IRS campus prefixes for EINs.
_EIN_PREFIX_RANGES = [
    (1, 6),
    (10, 16),
    (20, 27),
    (30, 39),
    (40, 48),
    (50, 59),
    (60, 68),
    (71, 77),
    (80, 88),
    (90, 95),
    (98, 99),
]
VALID_EIN_PREFIXES = frozenset(n for lo, hi in _EIN_PREFIX_RANGES for n in range(lo, hi + 1))


def name_key(name: str) -> str:
    """A legal name as the deny list compares it: compatibility forms folded, case
    folded, runs of spaces one space, no spaces at the ends."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def domain_key(domain: str) -> str:
    """A web or email domain as the deny list compares it."""
    return (domain or "").strip().lower().rstrip(".")


_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalize_domain(value: str) -> str:
    """The domain an applicant means when they type a web address: scheme, user,
    port, path, query and a leading ``www.`` dropped, lower case, no final dot,
    international names in their ASCII (IDNA) form. What cannot be read as a
    host is returned as typed, for validate_domain to refuse."""
    text = (value or "").strip()
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text, flags=re.IGNORECASE)
    host = re.split(r"[/?#]", host, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1]
    host = re.sub(r":\d*$", "", host)
    host = domain_key(host)
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return text
    if host.startswith("www.") and host.count(".") >= 2:
        host = host[4:]
    return host


def validate_domain(value: str) -> None:
    host = normalize_domain(value)
    labels = host.split(".")
    if (
        len(host) > 253
        or len(labels) < 2
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValidationError(
            "Enter a domain such as example.com: the part of your staff's email "
            "addresses after the @.",
            code="invalid_domain",
        )


def normalize_uei(value: str) -> str:
    return value.strip().upper()


def _uei_pattern() -> str:
    # validate_uei's rules as one regular expression with no lookaround (JSON Schema
    # validators in most languages read it), either case: 12 characters, letters
    # without O and I or digits, not starting with 0, and a letter in every nine
    # consecutive places (positions 0-8, 1-9, 2-10 and 3-11): either one in 3-8, or
    # 3-8 all digits and letters near both ends close enough.
    d, a = "[0-9]", "[0-9A-HJ-NP-Za-hj-np-z]"
    letter, first = "[A-HJ-NP-Za-hj-np-z]", "[1-9A-HJ-NP-Za-hj-np-z]"

    def times(x: str, n: int) -> str:
        return "" if n == 0 else x if n == 1 else f"{x}{{{n}}}"

    middle = "|".join(times(d, k) + letter + times(a, 5 - k) for k in range(6))
    return (
        f"{first}{a}{{2}}(?:{middle}){a}{{3}}"
        f"|{first}{a}{letter}{d}{{6}}(?:{letter}{a}{{2}}|{a}{letter}{a}|{a}{{2}}{letter})"
        f"|{first}{letter}{d}{{7}}(?:{letter}{a}|{a}{letter}){a}"
        f"|{letter}{d}{{8}}{letter}{a}{{2}}"
    )


# Exactly the strings validate_uei accepts as they are (ASCII, nothing stripped);
# tests/api/test_parameter_patterns.py shows the two agree. The gateway API's
# organization parameter is this or a numeric id.
UEI_PATTERN = _uei_pattern()


def validate_uei(value: str) -> None:
    uei = normalize_uei(value)
    if len(uei) != 12:
        raise ValidationError(
            f"A UEI has exactly 12 characters; this one has {len(uei)}.", code="uei_length"
        )
    if not uei.isalnum() or not uei.isascii():
        raise ValidationError("A UEI contains only letters and digits.", code="uei_chars")
    if "O" in uei or "I" in uei:
        raise ValidationError(
            "A UEI never contains the letters O or I (they look like 0 and 1).", code="uei_letters"
        )
    if uei[0] == "0":
        raise ValidationError("A UEI cannot start with 0.", code="uei_leading_zero")
    if re.search(r"\d{9}", uei):
        raise ValidationError("A UEI cannot contain nine digits in a row.", code="uei_digits")


def normalize_ein(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value.strip())
    if len(digits) == 9 and digits.isdigit():
        return f"{digits[:2]}-{digits[2:]}"
    return value.strip()


def validate_ein(value: str) -> None:
    ein = normalize_ein(value)
    if not re.fullmatch(r"\d{2}-\d{7}", ein):
        raise ValidationError(
            "An EIN has 9 digits, written NN-NNNNNNN (for example 12-3456789).", code="ein_format"
        )
    if int(ein[:2]) not in VALID_EIN_PREFIXES:
        raise ValidationError(f"{ein[:2]} is not a valid IRS prefix for an EIN.", code="ein_prefix")


def normalize_cage(value: str) -> str:
    return value.strip().upper()


def validate_cage(value: str) -> None:
    cage = normalize_cage(value)
    if len(cage) != 5 or not cage.isalnum() or not cage.isascii():
        raise ValidationError("A CAGE code has exactly 5 letters or digits.", code="cage_format")


def validate_legal_name(value: str) -> None:
    """A name is screened as written: invisible and direction-control characters (a
    right-to-left override shows SAMAH as HAMAS) have no place in it."""
    import unicodedata

    hidden = [c for c in value if unicodedata.category(c) in ("Cc", "Cf")]
    if hidden:
        codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in hidden}))
        raise ValidationError(
            f"Remove the invisible or direction-control characters ({codes}); type the "
            "name as it is written in the person's or organization's documents.",
            code="hidden_characters",
        )
