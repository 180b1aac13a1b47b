"""Domain ownership by DNS TXT challenge at ``_vetting-challenge.<domain>``.

The token (256 bits) is shown once to the organization and stored only as its
SHA-256; the TXT record holds the token itself.
"""

import hashlib
import secrets
from datetime import timedelta

import dns.exception
import dns.resolver
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vetting import permissions
from vetting.audit.services import audit_record
from vetting.core import lock
from vetting.errors import NotPermitted
from vetting.organizations.models import Organization
from vetting.permissions import Action

from .models import DomainChallenge

LABEL = "_vetting-challenge"


def challenge_name(domain: str) -> str:
    return f"{LABEL}.{domain.strip().lower().rstrip('.')}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _resolver() -> dns.resolver.Resolver:
    nameserver = settings.VETTING_DNS_NAMESERVER
    if not nameserver:
        return dns.resolver.Resolver()
    resolver = dns.resolver.Resolver(configure=False)
    host, _, port = nameserver.rpartition(":") if ":" in nameserver else (nameserver, "", "53")
    resolver.nameservers = [host]
    resolver.port = int(port)
    resolver.lifetime = 5.0
    return resolver


def txt_values(name: str) -> list[str]:
    """The TXT strings published at ``name`` (empty if none or unreachable)."""
    try:
        answer = _resolver().resolve(name, "TXT")
    except (dns.exception.DNSException, OSError):
        return []
    return [b"".join(r.strings).decode("ascii", "replace") for r in answer]


@transaction.atomic
def domain_challenge_issue(*, actor, organization_id: int) -> tuple[DomainChallenge, str]:
    """Issue a new challenge for the organization's domain; returns (challenge, token).
    The token is not stored. Side effects: audit event."""
    organization = lock(Organization, organization_id)
    if not permissions.allowed(actor, Action.ORGANIZATION_READ, organization.pk):
        raise NotPermitted("Only a member of the organization may verify its domain.")
    token = secrets.token_urlsafe(32)
    challenge = DomainChallenge.objects.create(
        organization=organization,
        domain=organization.domain,
        token_hash=_hash(token),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.DOMAIN_CHALLENGE_VALID_DAYS),
    )
    audit_record(
        actor=actor,
        action="screening.domain_challenge_issued",
        obj=challenge,
        data={"domain": challenge.domain},
    )
    return challenge, token


@transaction.atomic
def domain_challenge_check(*, challenge_id: int, actor=None) -> DomainChallenge:
    """Resolve the TXT record and compare each value's hash with the stored one.
    A pending challenge past its expiry cannot verify; a verified one whose record is
    gone loses its verification. Side effects: audit event when the result changes."""
    challenge = lock(DomainChallenge, challenge_id)
    now = timezone.now()
    was_verified = challenge.verified_at is not None
    expected = challenge.token_hash
    found = any(
        secrets.compare_digest(_hash(v), expected)
        for v in txt_values(challenge_name(challenge.domain))
    )
    if not was_verified and challenge.expires_at <= now:
        result, verified = "The challenge expired; issue a new one.", False
    elif found:
        result, verified = "The TXT record matches.", True
    else:
        result, verified = f"No matching TXT record at {challenge_name(challenge.domain)}.", False
    challenge.verified_at = (challenge.verified_at or now) if verified else None
    challenge.last_checked_at, challenge.last_result = now, result
    challenge.save(update_fields=["verified_at", "last_checked_at", "last_result"])
    if verified != was_verified:
        audit_record(
            actor=actor,
            action="screening.domain_verified" if verified else "screening.domain_unverified",
            obj=challenge,
            data={"domain": challenge.domain, "result": result},
        )
    return challenge


def domain_status(organization) -> tuple[bool, str]:
    challenge = (
        DomainChallenge.objects.filter(organization=organization, domain=organization.domain)
        .order_by("-verified_at", "-created_at")
        .first()
    )
    if challenge is None:
        return False, f"No challenge issued for {organization.domain}."
    if challenge.verified_at:
        return True, f"{organization.domain} verified {challenge.verified_at:%Y-%m-%d}."
    return False, challenge.last_result or f"{organization.domain} not verified yet."


def verified_emails(organization, emails) -> dict[str, bool]:
    """Each address -> whether it is on the organization's verified domain."""
    verified, _ = domain_status(organization)
    domain = organization.domain.lower()
    return {e: verified and e.rsplit("@", 1)[-1].lower() == domain for e in emails}


def recheck_verified_domains() -> int:
    ids = list(
        DomainChallenge.objects.filter(verified_at__isnull=False).values_list("pk", flat=True)
    )
    for challenge_id in ids:
        domain_challenge_check(challenge_id=challenge_id)
    return len(ids)
