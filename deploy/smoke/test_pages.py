"""Every page type, as every role, in Chromium through nginx: status 200, stylesheets
applied, no console errors or uncaught exceptions, no CSP violations, HSTS and CSP
headers, Secure (and HttpOnly) cookies.

Pages are found the way a person finds them: the console's changelists from its
navigation, a change page from each changelist's first row, each changelist's own
tools (audit chain verification, list upload); the portal's pages from the
dashboard's links, and every step of a draft application.
"""

import re
from urllib.parse import urlsplit

import pytest

from .conftest import ARTIFACTS, sign_in_console, sign_in_portal
from .pages import check, cookie_problems, links

CHANGELIST = re.compile(r"^/admin/[a-z_]+/[a-z_]+/$")
MODEL = re.compile(r"/admin/([a-z_]+/[a-z_]+)/")
CHANGE = re.compile(r"^/admin/[a-z_]+/[a-z_]+/[^/]+/change/$")
STEPS = ["organization", "evidence", "personnel", "use", "attestation", "review"]
# The superuser opens every changelist the console has, and a change page of each. The
# other roles open the dashboard, the case files and the pages their role works in (their
# buttons and columns differ), so the whole run stays within CI's time.
ROLE_MODELS = {
    "export-control reviewer": {"screening/screeninghit", "applications/personneldeclaration"},
    "sector reviewer": {"organizations/organization"},
    "government official": {"gated_models/policychange", "gated_models/gatedmodel"},
    "clearance officer": {"clearances/clearance", "gated_models/gatedmodel", "api/gatewaykey"},
    "auditor": {"audit/auditevent", "clearances/clearance", "screening/screeninghit"},
}
STAFF = {
    "superuser": "admin@vetting.test",
    "export-control reviewer": "export@vetting.test",
    "sector reviewer": "sector@vetting.test",
    "government official": "gov@vetting.test",
    "clearance officer": "officer@vetting.test",
    "auditor": "auditor@vetting.test",
}
APPLICANTS = {
    "applicant with a clearance": "ciso@tristategrid.test",
    "applicant with a draft": "chief@metro911.test",
}


def _report(role: str, visited: list[str], problems: list[str]):
    name = re.sub(r"\W+", "-", role)
    (ARTIFACTS / f"pages-{name}.txt").write_text("\n".join(visited) + "\n")
    assert problems == [], f"{role}: {len(problems)} problems on {len(visited)} pages:\n" + (
        "\n".join(problems)
    )


@pytest.mark.parametrize("role", STAFF)
def test_console_pages(role, new_page, base_url):
    watched = new_page()
    sign_in_console(watched, base_url, STAFF[role])
    problems = cookie_problems(watched.context)
    visited = [f"{base_url}/admin/"]
    check(watched, visited[0], problems)
    paths = [urlsplit(url).path for url in links(watched, "a[href]", "/admin/")]
    changelists = [f"{base_url}{p}" for p in dict.fromkeys(paths) if CHANGELIST.match(p)]
    assert changelists, f"{role} sees no changelist in the console"
    if role != "superuser":
        wanted = ROLE_MODELS[role] | {"applications/application"}
        changelists = [url for url in changelists if MODEL.search(url).group(1) in wanted]
    for changelist in changelists:
        visited.append(changelist)
        if not check(watched, changelist, problems):
            continue
        rows = links(watched, "#result_list tbody a[href]", "/admin/")
        tools = [
            url
            for url in links(watched, ".object-tools a[href]", urlsplit(changelist).path)
            if not urlsplit(url).path.endswith("/add/")
        ]
        change = [url for url in rows if CHANGE.match(urlsplit(url).path)][:1]
        for url in change + tools:
            visited.append(url)
            check(watched, url, problems)
    if any("/admin/audit/auditevent/" in url for url in changelists):
        visited.append(f"{base_url}/admin/audit/auditevent/verify/")  # the chain check
        check(watched, visited[-1], problems)
    visited.append(f"{base_url}/api/v1/docs")
    check(watched, visited[-1], problems)
    _report(role, visited, problems)


@pytest.mark.parametrize("role", APPLICANTS)
def test_portal_pages(role, new_page, base_url):
    watched = new_page()
    sign_in_portal(watched, base_url, APPLICANTS[role])
    problems = cookie_problems(watched.context)
    dashboard = f"{base_url}/apply/"
    visited = [dashboard]
    check(watched, dashboard, problems)
    found = links(watched, "main a[href]", "/apply/") + links(watched, "a[href]", "/accounts/")
    applications = sorted(
        {m.group(1) for url in found if (m := re.search(r"/apply/applications/(\d+)/", url))}
    )
    assert applications, f"{role}: the dashboard links to no application"
    organizations = sorted(
        {m.group(1) for url in found if (m := re.search(r"/apply/organizations/(\d+)/", url))}
    )
    extra = [
        f"{base_url}/apply/clearances/",
        f"{base_url}/apply/applications/new/",
        f"{base_url}/apply/account/notifications/",
        # Screening, the applicant's side: proving the organization's domain.
        *(f"{base_url}/apply/organizations/{org}/domain/" for org in organizations),
    ]
    for pk in applications:
        extra.append(f"{base_url}/apply/applications/{pk}/")
    if role == "applicant with a draft":
        for pk in applications:
            extra += [f"{base_url}/apply/applications/{pk}/steps/{key}/" for key in STEPS]
            extra.append(f"{base_url}/apply/applications/{pk}/personnel/new/")
    for url in found + [u for u in extra if u not in found]:
        if url in visited:
            continue
        visited.append(url)
        check(watched, url, problems)
    visited.append(f"{base_url}/api/v1/docs")
    check(watched, visited[-1], problems)
    _report(role, visited, problems)
