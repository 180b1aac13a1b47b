"""Opening a page in the smoke test and saying everything that is wrong with it."""

from urllib.parse import urljoin, urlsplit

# What the stylesheets did to the page: each <link rel=stylesheet> parsed with rules
# (a 404 or a blocked sheet has none), and the computed font of a marker element the page
# type's stylesheet styles.
STYLE_JS = """(marker) => {
  const sheets = [...document.querySelectorAll('link[rel=stylesheet]')].map((link) => {
    let rules = -1;
    try { rules = link.sheet ? link.sheet.cssRules.length : 0; } catch (e) { rules = -2; }
    return {href: link.href, rules};
  });
  const element = document.querySelector(marker);
  return {sheets, font: element ? getComputedStyle(element).fontFamily : null};
}"""
# Per page type, an element and the font its stylesheet gives it: USWDS on the portal's
# <body>, Django's admin CSS (system-ui stack) on the console's, swagger-ui.css on the API
# docs' title (drawn by Swagger UI's script). Chromium's default is Times New Roman.
MARKERS = {
    "portal": ("body", "Source Sans Pro Web"),
    "console": ("body", "system-ui"),
    "docs": (".swagger-ui .info .title", "sans-serif"),
}
SKIP = ("/logout/", "/sign-out/", ".csv", "/certificate/", "/evidence/", "/delete/", "/remove/")


def page_kind(path: str) -> str:
    if path.startswith("/admin/"):
        return "console"
    if path.startswith("/api/"):
        return "docs"
    return "portal"


def check(watched, url: str, problems: list[str]) -> dict:
    """Open ``url`` in the watched page; append what is wrong to ``problems``."""
    page = watched.page
    watched.reset()
    path = urlsplit(url).path
    response = page.goto(url, wait_until="load")
    shown = urlsplit(page.url).path
    where = path if shown == path else f"{path} (redirected to {shown})"
    if response is None or response.status != 200:
        problems.append(f"{where}: status {response.status if response else 'none'}")
        return {}
    headers = response.all_headers()
    if "strict-transport-security" not in headers:
        problems.append(f"{where}: no Strict-Transport-Security header")
    if "content-security-policy" not in headers:
        problems.append(f"{where}: no Content-Security-Policy header")
    marker, font = MARKERS[page_kind(urlsplit(page.url).path)]
    if marker != "body":
        try:
            page.wait_for_selector(marker)
        except Exception:  # noqa: BLE001 - reported below as the missing marker
            problems.append(f"{where}: {marker} never appeared")
    style = page.evaluate(STYLE_JS, marker)
    if not style["sheets"]:
        problems.append(f"{where}: no stylesheet linked")
    for sheet in style["sheets"]:
        if sheet["rules"] <= 0:
            problems.append(f"{where}: stylesheet not applied: {sheet['href']} ({sheet['rules']})")
    if font not in (style["font"] or ""):
        problems.append(f"{where}: {marker} font is {style['font']!r}, not {font!r}")
    page.wait_for_timeout(50)  # securitypolicyviolation events are queued as tasks
    for violation in watched.csp_violations():
        problems.append(f"{where}: CSP violation: {violation}")
    for error in watched.console_errors:
        problems.append(f"{where}: console error: {error}")
    for error in watched.page_errors:
        problems.append(f"{where}: uncaught exception: {error}")
    return style


def links(watched, selector: str, prefix: str) -> list[str]:
    """Same-origin link targets under ``prefix`` inside ``selector``, in page order,
    without downloads, sign-out and destructive confirmations."""
    page = watched.page
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "javascript:")):
            continue
        url = urljoin(page.url, href).split("#")[0]
        path = urlsplit(url).path
        if urlsplit(url).netloc != urlsplit(page.url).netloc or not path.startswith(prefix):
            continue
        if any(part in path for part in SKIP) or url in found:
            continue
        found.append(url)
    return found


def cookie_problems(context) -> list[str]:
    problems = []
    cookies = {c["name"]: c for c in context.cookies()}
    session, csrf = cookies.get("sessionid"), cookies.get("csrftoken")
    if session is None:
        problems.append("no session cookie after signing in")
    elif not (session["secure"] and session["httpOnly"]):
        problems.append(f"session cookie not Secure+HttpOnly: {session}")
    if csrf is None:
        problems.append("no CSRF cookie after signing in")
    elif not csrf["secure"]:
        problems.append(f"CSRF cookie not Secure: {csrf}")
    return problems
