"""Screening and verification (issue 6).

Restricted-party list import, the matching engine (``matching/``, no Django in
its core), screening of applications and re-screening of cleared
organizations, the deny list, foreign-national rules and the sector/identity
checklist with DNS domain-ownership challenges.

Functions other apps use:
- ``vetting.screening.selectors.organization_is_denied(organization) -> bool``,
  ``denied_organization_ids() -> set[int]``, ``denial_of(organization)``
  (clearance reason ``denied_party``);
- ``vetting.screening.checks.export_control_blockers(application) -> list[str]``
  (the export-control step cannot pass while this is non-empty);
- ``vetting.screening.checks.export_control_summary(application) -> dict`` and
  ``vetting.screening.checks.sector_checklist(application) -> list[dict]`` (rows of
  check/status/detail) for the application's admin change page;
- ``vetting.screening.services.application_screen(application_id=...)`` (called by
  the outbox job ``applications.start_review`` before the review starts),
  ``screening_hit_adjudicate``, ``denied_party_add``;
  ``vetting.screening.rescreen.clearance_rescreen``;
- ``vetting.screening.lists.list_import`` (command ``import_screening_list`` and the
  admin upload under /admin/screening/listversion/upload/);
- the applicant's domain page at /apply/organizations/<id>/domain/ (URL name
  ``screening:domain``) and ``vetting.screening.domains`` (challenge issue/check).
"""
