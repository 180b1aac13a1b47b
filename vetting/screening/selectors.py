"""Read-only questions other apps ask screening (the API's clearance check among them)."""

from django.db.models import Q
from django.db.models.functions import Lower

from vetting.organizations import identifiers

from .models import DeniedParty


def _organization_q(organization) -> Q:
    q = Q(organization_id=organization.pk)
    for field, normalize in (
        ("uei", identifiers.normalize_uei),
        ("ein", identifiers.normalize_ein),
        ("cage", identifiers.normalize_cage),
    ):
        value = getattr(organization, field, "")
        if value:
            q |= Q(**{field: normalize(value)})
    if organization.legal_name:
        q |= Q(legal_name__iexact=organization.legal_name.strip())
    if organization.domain:
        q |= Q(kind=DeniedParty.Kind.EMAIL_DOMAIN, email_domain__iexact=organization.domain)
    return q


def denial_of(organization) -> DeniedParty | None:
    """The deny-list row that names ``organization`` (by record, identifier, exact
    legal name or its domain), or None."""
    return DeniedParty.objects.filter(_organization_q(organization)).first()


def organization_is_denied(organization) -> bool:
    """True if the organization is on the deny list (clearance reason ``denied_party``)."""
    return DeniedParty.objects.filter(_organization_q(organization)).exists()


def denied_organization_ids() -> set[int]:
    """Ids of every organization the deny list names, for bulk checks (the API's list
    sync). One query over organizations joined against the deny list's keys."""
    from vetting.organizations.models import Organization

    rows = DeniedParty.objects.values_list(
        "organization_id", "uei", "ein", "cage", "legal_name", "email_domain"
    )
    ids, ueis, eins, cages, names, domains = set(), set(), set(), set(), set(), set()
    for org_id, uei, ein, cage, name, domain in rows:
        if org_id:
            ids.add(org_id)
        ueis.add(uei)
        eins.add(ein)
        cages.add(cage)
        names.add(name.strip().lower())
        domains.add(domain.lower())
    for bag in (ueis, eins, cages, names, domains):
        bag.discard("")
    if not (ueis or eins or cages or names or domains):
        return ids
    q = (
        Q(uei__in=ueis)
        | Q(ein__in=eins)
        | Q(cage__in=cages)
        | Q(domain__in=domains)
        | Q(lower_name__in=names)
    )
    matched = (
        Organization.objects.annotate(lower_name=Lower("legal_name"))
        .filter(q)
        .values_list("pk", flat=True)
    )
    return ids | set(matched)


def email_domain_is_denied(email: str) -> bool:
    domain = email.rsplit("@", 1)[-1].strip().lower()
    return DeniedParty.objects.filter(
        kind=DeniedParty.Kind.EMAIL_DOMAIN, email_domain__iexact=domain
    ).exists()
