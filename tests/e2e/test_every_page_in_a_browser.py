"""Every page of the portal and the console, opened in Chromium as someone allowed to
see it: the stylesheets apply, nothing loads from another origin, the browser reports
no Content-Security-Policy violation and no script error.

The pages come from the root URL resolver (as in tests/test_permission_matrix.py), so a
new page is covered the day it is added; each is opened as the first actor the Django
test client saw answered with an HTML 200.
"""

from urllib.parse import urlsplit

from django.db import transaction

from tests.e2e.conftest import SLOW_MACHINE_MS
from tests.permission_world import World
from tests.test_permission_matrix import build, url_routes

# Applicants first, then the roles that see most of the console.
ORDER = ["applicant", "superuser", "officer", "auditor", "government", "export", "sector"]
ORDER += ["other_org", "anonymous"]
# JSON and files, not pages; the logout view answers POST only.
NOT_PAGES = ("/api/v1/", "/.well-known/", "/healthz", "/readyz")
GENERIC_ADMIN = ("<path:object_id>/history/", "<path:object_id>/delete/")

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`
));
"""
STYLESHEETS = """() => {
    const links = [...document.querySelectorAll('link[rel="stylesheet"]')];
    return links.map((link) => {
        let rules = -1;
        try { rules = link.sheet ? link.sheet.cssRules.length : -1; } catch (e) { rules = -2; }
        return [link.href, rules];
    });
}"""


def html_pages(world):
    """[(path, actor)] for every GET page someone may open; of the admin's generic
    history and delete pages (one template each, for every model) only the first."""
    pages, generic_seen = [], set()
    for route, model in url_routes():
        path = build(route, world, model)
        if path.startswith(NOT_PAGES) and path != "/api/v1/docs":
            continue
        generic = next((g for g in GENERIC_ADMIN if route.endswith(g)), None)
        if generic is not None and generic in generic_seen:
            continue
        for actor in ORDER:
            with transaction.atomic():
                response = world.clients[actor].get(path)
                transaction.set_rollback(True)
            kind = response.headers.get("Content-Type", "")
            if response.status_code == 200 and kind.startswith("text/html"):
                pages.append((path, actor))
                if generic is not None:
                    generic_seen.add(generic)
                break
    return pages


def context_for(browser, base_url, client):
    context = browser.new_context()
    context.set_default_timeout(SLOW_MACHINE_MS)
    host = urlsplit(base_url).hostname
    cookies = client.cookies.items()
    context.add_cookies(
        [{"name": k, "value": m.value, "domain": host, "path": "/"} for k, m in cookies]
    )
    context.add_init_script(WATCH)
    return context


def test_every_page_loads_its_styles_and_nothing_else_in_chromium(
    transactional_db, live_server, browser
):
    world = World()
    pages = html_pages(world)
    assert len(pages) > 50, pages  # the resolver gave pages, and people saw them
    base = live_server.url
    contexts, problems, foreign = {}, [], []
    for path, actor in pages:
        if actor not in contexts:
            contexts[actor] = context_for(browser, base, world.clients[actor])
            contexts[actor].on(
                "request",
                lambda r: None if r.url.startswith((base, "data:")) else foreign.append(r.url),
            )
        page = contexts[actor].new_page()
        errors = []
        page.on("console", lambda m, e=errors: m.type == "error" and e.append(m.text))
        page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
        response = page.goto(base + path, wait_until="load")
        where = f"{path} as {actor}"
        if response.status != 200:
            problems.append(f"{where}: status {response.status}")
        if not response.headers.get("content-security-policy"):
            problems.append(f"{where}: no Content-Security-Policy header")
        sheets = page.evaluate(STYLESHEETS)
        if not sheets:
            problems.append(f"{where}: no stylesheet")
        problems += [f"{where}: stylesheet {h} not applied ({n})" for h, n in sheets if n <= 0]
        problems += [f"{where}: CSP {v}" for v in page.evaluate("window.__violations")]
        problems += [f"{where}: console {e}" for e in errors]
        page.close()
    for context in contexts.values():
        context.close()
    problems += [f"request to another origin: {url}" for url in foreign]
    assert not problems, "\n".join(problems)
