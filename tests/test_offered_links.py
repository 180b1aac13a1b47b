"""No page offers a link its reader may not follow: every same-site link on every
page an actor can open answers that actor with something other than 403 (a button
the console shows to a reviewer whose role is then refused is a broken promise).

The pages come from the root URL resolver and tests/permission_world.py, as in
tests/test_permission_matrix.py."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import transaction

from tests.permission_world import World
from tests.test_permission_matrix import build, url_routes

pytestmark = pytest.mark.django_db
# The superuser sees everything: the roles and the applicant are where refusals are.
ACTORS = ["export", "sector", "government", "officer", "auditor", "applicant"]
# Links to pages outside the app, or whose GET does something (none should) are skipped.
SKIP = re.compile(r"^/(static/|api/v1/|accounts/logout/)")


class Links(HTMLParser):
    """Same-site hrefs: buttons, tools, table rows, read-only related fields."""

    def __init__(self):
        super().__init__()
        self.hrefs = set()

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href and not href.startswith(("#", "mailto:", "javascript:")):
            parts = urlsplit(href)
            if not parts.netloc and parts.path.startswith("/"):
                self.hrefs.add(parts.path + (f"?{parts.query}" if parts.query else ""))


def get(client, path):
    with transaction.atomic():
        response = client.get(path)
        transaction.set_rollback(True)
    return response


def test_no_page_offers_a_link_that_answers_its_reader_403():
    world = World()
    pages = [build(route, world, model) for route, model in url_routes()]
    broken = []
    for actor in ACTORS:
        client, followed = world.clients[actor], set()
        for page in pages:
            if SKIP.match(page):
                continue
            response = get(client, page)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = Links()
            parser.feed(response.content.decode())
            for link in sorted(parser.hrefs - followed):
                followed.add(link)
                if SKIP.match(link):
                    continue
                if get(client, link).status_code == 403:
                    broken.append(f"{actor}: {page} links to {link}, which answers 403")
    assert not broken, "\n".join(broken)
