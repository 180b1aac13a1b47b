"""Read-only questions other apps ask screening (the API's clearance check among them)."""

from django.db.models import Q, Value
from django.db.models.functions import Lower, Replace, Trim, Upper

from vetting.organizations import identifiers

from .models import DeniedParty

# The deny-list rule. A row names an organization when any of its keys is one of the
# organization's: the organization's record, a UEI, EIN or CAGE code (normalized as
# identifiers.py writes them), the legal name (identifiers.name_key: case, spaces and
# compatibility forms folded) or the web domain (identifiers.domain_key), whatever the
# row's kind. Every question below asks this rule, and only this rule.
_IDENTIFIERS = (
    ("uei", identifiers.normalize_uei),
    ("ein", identifiers.normalize_ein),
    ("cage", identifiers.normalize_cage),
)


def party_keys(party) -> frozenset[tuple[str, object]]:
    """What a deny-list row names."""
    keys: set[tuple[str, object]] = set()
    if party.organization_id:
        keys.add(("record", party.organization_id))
    for field, normalize in _IDENTIFIERS:
        value = (getattr(party, field) or "").strip()
        if value:
            keys.add((field, normalize(value)))
    if identifiers.name_key(party.legal_name):
        keys.add(("name", identifiers.name_key(party.legal_name)))
    if identifiers.domain_key(party.email_domain):
        keys.add(("domain", identifiers.domain_key(party.email_domain)))
    return frozenset(keys)


def organization_keys(pk, legal_name="", domain="", uei="", ein="", cage="") -> frozenset:
    """What names an organization, in the same terms."""
    keys: set[tuple[str, object]] = {("record", pk)}
    for field, value, normalize in zip(
        ("uei", "ein", "cage"), (uei, ein, cage), (n for _, n in _IDENTIFIERS), strict=True
    ):
        if (value or "").strip():
            keys.add((field, normalize(value.strip())))
    if identifiers.name_key(legal_name):
        keys.add(("name", identifiers.name_key(legal_name)))
    if identifiers.domain_key(domain):
        keys.add(("domain", identifiers.domain_key(domain)))
    return frozenset(keys)


def _keys_of(organization) -> frozenset:
    return organization_keys(
        organization.pk,
        organization.legal_name,
        organization.domain,
        organization.uei,
        organization.ein,
        organization.cage,
    )


def denial_of(organization) -> DeniedParty | None:
    """The newest deny-list row that names ``organization``, or None."""
    mine = _keys_of(organization)
    for party in DeniedParty.objects.all():  # newest first; the deny list is short
        if party_keys(party) & mine:
            return party
    return None


def organization_is_denied(organization) -> bool:
    """True if the organization is on the deny list (clearance reason ``denied_party``)."""
    return denial_of(organization) is not None


def denied_organization_ids() -> set[int]:
    """Ids of every organization the deny list names, for bulk checks (the check, the
    status list, sync, certificates). The database narrows the organizations to those
    sharing a key value; the rule above decides."""
    from vetting.organizations.models import Organization

    named = set().union(*(party_keys(p) for p in DeniedParty.objects.all()))
    if not named:
        return set()
    values: dict[str, set] = {}
    for field, value in named:
        values.setdefault(field, set()).add(value)
    q = Q(pk__in=values.get("record", ())) | Q(name_key__in=values.get("name", ()))
    domains = values.get("domain", set())
    q |= Q(domain_key__in=domains | {d + "." for d in domains})
    for field, _ in _IDENTIFIERS:
        bare = {v.replace("-", "") for v in values.get(field, ())}
        q |= Q(**{f"{field}_bare__in": bare})
    candidates = (
        Organization.objects.annotate(
            domain_key=Lower(Trim("domain")),
            uei_bare=Upper(Trim("uei")),
            ein_bare=Replace(Replace(Trim("ein"), Value("-"), Value("")), Value(" "), Value("")),
            cage_bare=Upper(Trim("cage")),
        )
        .filter(q)
        .values_list("pk", "legal_name", "domain", "uei", "ein", "cage")
    )
    return {row[0] for row in candidates if organization_keys(*row) & named}


def denial_of_email_domains(domains) -> DeniedParty | None:
    """The newest deny-list row naming one of these email domains, or None."""
    asked = {("domain", identifiers.domain_key(d)) for d in domains if identifiers.domain_key(d)}
    for party in DeniedParty.objects.all():
        if party_keys(party) & asked:
            return party
    return None


def email_domain_is_denied(email: str) -> bool:
    return denial_of_email_domains([email.rsplit("@", 1)[-1]]) is not None
