"""Every link works for whoever sees it: a crawl of the site as each actor.

Each staff actor of tests/permission_world.py starts on the console's index, each
applicant on the portal's dashboard, and follows every same-site ``<a href>`` of
every HTML page it reaches, as a person clicking through would. The test fails
listing every link a page offers that does not work for its reader: one that answers
an error (403, 404, any other 4xx, 5xx), or redirects with a refusal (a warning or
error message, as the console's custom views do for a role that may not use them),
or sends the signed-in reader to a sign-in page (the portal's "Check your email" for
a staff account with no verified address). A download (a CSV, a PDF) answering 200
is a working link. Every request is rolled back.

tests/test_offered_links.py checks the pages the URL resolver names (some no link
reaches, such as emailed ones); this one walks what a person reaches by clicking from
where they land, filters, sorting and object pages included, within a page budget.
"""

import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from functools import cache
from html import unescape
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from tests.factories import complete_draft
from tests.permission_world import ACTOR_TITLES, STAFF_ACTORS, World
from vetting.accounts.models import User
from vetting.organizations.models import Membership

pytestmark = pytest.mark.django_db

# Every staff role and the superuser (the role-less staff member: its own test below).
ROLES = [actor for actor in STAFF_ACTORS if actor != "staff_no_group"]
# The admins of two organizations, and a plain member of the first (see ``world``).
APPLICANTS = ["applicant", "other_org", "member"]
TITLES = {**ACTOR_TITLES, "member": "Member (not admin) of the applicant org"}
MAX_PAGES = 200  # requests per actor (4 s or so); the summary (-s) says what was left
OBJECTS_PER_KIND = 8  # see Reached
MAX_REDIRECTS = 5

# Links the crawl does not follow, each with its reason. Nothing else is skipped. (It
# never submits a form, so POST-only actions, the console's and the portal's sign-out
# buttons among them, are not followed either.)
SKIPPED = [
    # Signing out ends the session the rest of the crawl walks with: no page links to
    # one today, but the MFA page's sign-out view also answers a GET.
    (re.compile(r"^/(admin|accounts)/(.*/)?(logout|sign-out)/"), "signs out"),
    # Django's delete confirmation pages, one click from deleting. The console shows
    # them only to a superuser, on third-party models (admin_tools.StrictLookups
    # refuses every deletion of the project's records); a reader's walk stays clear.
    (re.compile(r"/delete/$"), "deletes"),
    # Files the web server serves, not Django.
    (re.compile("^/" + re.escape(settings.STATIC_URL.strip("/")) + "/"), "static file"),
]
if getattr(settings, "MEDIA_URL", "").strip("/"):
    SKIPPED.append((re.compile("^/" + re.escape(settings.MEDIA_URL.strip("/")) + "/"), "media"))


def skipped(url: str) -> str | None:
    return next((why for pattern, why in SKIPPED if pattern.search(url)), None)


# An anchor's href. The pages are Django templates, which quote every attribute; a
# regular expression reads them several times faster than html.parser.
ANCHOR = re.compile(r"""<a\b[^>]*?\shref\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)


def links(page_url: str, html: str) -> list[str]:
    """The same-site ``<a href>`` targets of a page, resolved against its URL."""
    found = []
    for match in ANCHOR.finditer(html):
        href = unescape(match.group(2)).strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        url = same_site(urljoin(page_url, href))
        if url is not None:
            found.append(url)
    return found


def same_site(url: str) -> str | None:
    """``url`` as path?query if it is on this site (the test client's host), else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@cache
def _route(path: str) -> str:
    try:
        return resolve(path).route
    except Resolver404:
        return path


@cache
def _kinds(url: str) -> frozenset:
    """The kinds of page ``url`` is: its route pattern, and that route with each of
    its query's parameters (a filter, a sort, a page of a list)."""
    parts = urlsplit(url)
    route = _route(parts.path)
    keys = {k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
    return frozenset({(route, None)} | {(route, key) for key in keys})


class Reached:
    """What a crawl has visited, to choose what it visits next within its budget: a
    kind of page never reached first (another list or form, another filter or sort
    of a list), then other objects of a known kind (up to OBJECTS_PER_KIND: a case
    in each state, not every audit event), then the rest (the same list filtered by
    other values, more objects)."""

    def __init__(self):
        self.kinds = set()
        self.paths = defaultdict(set)  # route -> the paths visited under it

    def add(self, url: str) -> None:
        path = urlsplit(url).path
        self.kinds |= _kinds(url)
        self.paths[_route(path)].add(path)

    def tier(self, url: str) -> int:
        if not _kinds(url) <= self.kinds:
            return 0
        path = urlsplit(url).path
        others = self.paths[_route(path)]
        return 1 if path not in others and len(others) < OBJECTS_PER_KIND else 2


@dataclass
class Outcome:
    status: int
    problem: str = ""  # why a redirect is a dead end (a refusal, a sign-in page)
    html: str = ""
    final: str = ""  # where the redirects, if any, ended

    @property
    def broken(self) -> bool:
        return self.status >= 400 or bool(self.problem)

    def describe(self) -> str:
        text = self.problem or f"answers {self.status}"
        return text + (f" (redirected to {self.final})" if self.final else "")


@cache
def sign_in_pages() -> frozenset:
    """Where a reader who may not go on is sent: the sign-in and second-step pages of
    the portal and the console, and the portal's "Check your email"."""
    names = ["login", "two_step", "verify_pending", "admin:login", "admin:mfa_verify"]
    return frozenset(reverse(name) for name in names)


def _refusal(response) -> str:
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return " ".join(str(m) for m in queued if m.level >= messages.WARNING)


def _follow(client, url: str) -> Outcome:
    response, final = client.get(url), ""
    for _ in range(MAX_REDIRECTS):
        if not 300 <= response.status_code < 400:
            break
        if refusal := _refusal(response):
            return Outcome(response.status_code, problem=f"refuses: {refusal!r}", final=final)
        target = same_site(urljoin(url, response.headers["Location"]))
        if target is None:  # leaves the site: not ours to check
            return Outcome(response.status_code, final=response.headers["Location"])
        if urlsplit(target).path in sign_in_pages() and urlsplit(url).path not in sign_in_pages():
            # The reader is signed in: sending them to sign in (or verify) is a refusal.
            problem = "sends its signed-in reader to a sign-in page"
            return Outcome(response.status_code, problem=problem, final=target)
        final = url = target
        response = client.get(url)
    html = ""
    if response.status_code == 200 and "html" in response.get("Content-Type", ""):
        html = response.content.decode()
    return Outcome(response.status_code, html=html, final=final)


def visit(client, url: str) -> Outcome:
    """GET ``url`` as a browser would (same-site redirects followed), rolled back, and
    leaving the client's cookies as they were."""
    cookies = SimpleCookie()
    cookies.load(client.cookies.output(header="", sep=";"))
    try:
        with transaction.atomic():
            outcome = _follow(client, url)
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return outcome


@dataclass
class Crawl:
    actor: str
    pages: int = 0
    offered_by: dict = field(default_factory=dict)  # link -> pages offering it
    outcomes: dict = field(default_factory=dict)  # link -> Outcome
    not_reached: int = 0  # links left when the budget ran out

    def broken(self) -> dict[str, str]:
        """{link: the line reporting it} for every link that did not work."""
        lines = {}
        for link, outcome in sorted(self.outcomes.items()):
            if not outcome.broken:
                continue
            pages = self.offered_by.get(link, [])
            shown = ", ".join(pages[:3]) + (f" and {len(pages) - 3} more" if len(pages) > 3 else "")
            lines[link] = f"{TITLES[self.actor]}: {link} {outcome.describe()}; offered on {shown}"
        return lines


def crawl(actor: str, client, start: str) -> Crawl:
    """Breadth first from ``start``, at most MAX_PAGES requests, in Reached's order."""
    result = Crawl(actor)
    queues = (deque([start]), deque(), deque())
    queued, reached = {start}, Reached()
    while any(queues) and result.pages < MAX_PAGES:
        rank = next(i for i, q in enumerate(queues) if q)
        url = queues[rank].popleft()
        if (now := reached.tier(url)) > rank:  # its kind was reached meanwhile
            queues[now].append(url)
            continue
        reached.add(url)
        outcome = result.outcomes[url] = visit(client, url)
        result.pages += 1
        for link in dict.fromkeys(links(outcome.final or url, outcome.html)):
            if skipped(link):
                continue
            result.offered_by.setdefault(link, []).append(url)
            if link not in queued:
                queued.add(link)
                queues[reached.tier(link)].append(link)
    result.not_reached = sum(len(q) for q in queues)
    return result


@pytest.fixture
def world():
    """tests/permission_world.py's world, the matrix's, with three additions so that
    more of the site is reached: the second organization's admin has a case of their
    own, a plain member of the first organization signs in, and two staff actors have
    verified email addresses (the portal's evidence downloads and "View site" are
    theirs to follow; the other staff actors have none, as a staff account may not)."""
    world = World()
    other = world.other_org.memberships.get().user
    complete_draft(applicant=other, org=world.other_org, model=world.cast.model)
    member = world.cast.org.memberships.get(role=Membership.Role.MEMBER).user
    member.email_verified_at = timezone.now()
    member.save(update_fields=["email_verified_at"])
    world.clients["member"] = Client(raise_request_exception=False)
    world.clients["member"].force_login(member)
    for user in (world.cast.export, User.objects.get(is_superuser=True)):
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return world


def crawl_all(world, actors) -> tuple[dict[str, Crawl], list[str]]:
    """({actor: its crawl}, one line per actor of how far it got)."""
    crawls, summary = {}, []
    for actor in actors:
        start = reverse("admin:index" if actor in STAFF_ACTORS else "portal:dashboard")
        began = time.monotonic()
        result = crawls[actor] = crawl(actor, world.clients[actor], start)
        fewest = 3 if actor == "staff_no_group" else 6  # its index, MFA keys, password
        assert result.pages >= fewest, f"{actor} reached {result.pages} pages: sign-in broken?"
        summary.append(
            f"{actor}: {result.pages} pages in {time.monotonic() - began:.1f}s, "
            f"{result.not_reached} links left unvisited by the page budget"
        )
    return crawls, summary


def test_every_link_a_page_offers_works_for_its_reader(world):
    crawls, summary = crawl_all(world, [*ROLES, *APPLICANTS])
    print("\n" + "\n".join(summary))
    broken = [line for result in crawls.values() for line in result.broken().values()]
    assert not broken, "\n".join(["Links that do not work for their reader:", *broken])


def test_a_staff_member_with_no_role_is_offered_only_links_that_work(world):
    # The console index names queues, decisions, clearances and models to everyone
    # staff; it links each only when the reader may open it (console_links.may_view).
    crawls, _ = crawl_all(world, ["staff_no_group"])
    assert crawls["staff_no_group"].pages == 3  # nothing else is offered to it
    broken = list(crawls["staff_no_group"].broken().values())
    assert not broken, "\n".join(["Links that do not work for their reader:", *broken])
