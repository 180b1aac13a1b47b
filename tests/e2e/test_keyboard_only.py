"""The whole application, keyboard only, in Chromium: a signed-in, verified applicant with
an organization starts an application, uploads evidence, declares a person (the country
combo box and the filtered citizenship list), fills the use case and the attestation,
reviews and submits, with Tab, Shift+Tab, Enter, Space, arrow keys and typing; nothing is
clicked. Every element that takes focus on the way shows a focus indicator.

The one exception to "keyboard only" is the operating system's file chooser, which a
test cannot drive: the file is given to the focused file input."""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import SLOW_MACHINE_MS
from tests.factories import make_model, make_org, make_user, small_pdf
from vetting.applications.models import Application, State
from vetting.organizations.models import Sector

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
MAX_TABS = 80  # more than any portal page has focusable elements before its form ends

# The focused element, and whether a focus indicator shows on it: an outline or a
# box-shadow on the element itself or, for a USWDS checkbox or radio (whose input is
# visually hidden), on its label's ::before box, or for USWDS's file input on the
# drop target the transparent input covers.
FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const shows = (style) => (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
        || (style.boxShadow && style.boxShadow !== "none");
    let visible = shows(getComputedStyle(el));
    if (!visible && el.matches(".usa-checkbox__input, .usa-radio__input")) {
        const label = el.nextElementSibling;
        visible = !!label && shows(getComputedStyle(label, "::before"));
    }
    if (!visible && el.matches(".usa-file-input__input")) {
        visible = shows(getComputedStyle(el.closest(".usa-file-input__target") || el));
    }
    const name = (el.getAttribute("aria-label") || el.id || el.textContent || "").trim();
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(), name: name.slice(0, 60), visible: visible,
        style: `outline ${style.outlineStyle} ${style.outlineWidth}, box-shadow ${style.boxShadow}`,
    };
}"""


class Keyboard:
    """Moves through a page with the keyboard and keeps every focus stop at which no
    focus indicator showed."""

    def __init__(self, page):
        self.page, self.stops, self.invisible = page, 0, []

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self._check_focus(key)

    def _check_focus(self, key: str) -> None:
        focused = self.page.evaluate(FOCUS)
        if focused is None:
            return
        self.stops += 1
        if not focused["visible"]:
            path = urlsplit(self.page.url).path
            self.invisible.append(
                f"{path}: {key} to <{focused['tag']}> {focused['name']!r} ({focused['style']})"
            )

    def tab_to(self, target, *, backwards: bool = False) -> None:
        """Tab (or Shift+Tab) until ``target`` (a locator) has the focus."""
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(MAX_TABS):
            if target.evaluate("(el) => el === document.activeElement"):
                return
            self.press(key)
        raise AssertionError(f"{MAX_TABS} presses of {key} never reached {target}")

    def skip_to_main(self) -> None:
        """A new page: the skip link is the first stop; Enter moves on into <main>.
        (A page reached from a form sent after the skip link keeps its #main-content,
        as a redirect keeps the fragment, and so starts in <main> already.)"""
        if urlsplit(self.page.url).fragment == "main-content":
            return
        self.press("Tab")
        expect(self.page.locator(":focus")).to_have_text("Skip to main content")
        self.page.keyboard.press("Enter")

    def type_into(self, target, text: str) -> None:
        self.tab_to(target)
        self.page.keyboard.type(text)

    def activate(self, target, key: str = "Enter") -> None:
        """Tab to a link or button and press it; wait for the page it opens."""
        self.tab_to(target)
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.page.wait_for_load_state("load")


@pytest.fixture
def applicant_page(live_server, browser, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    user = make_user(email_verified_at=timezone.now())
    org = make_org(admin=user)
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(SLOW_MACHINE_MS)
    host = urlsplit(live_server.url).hostname
    context.add_cookies(
        [
            {"name": k, "value": m.value, "domain": host, "path": "/"}
            for k, m in client.cookies.items()
        ]
    )
    return context.new_page(), org, live_server.url


def start_and_claim_the_sector(keys, model) -> None:
    page = keys.page
    keys.skip_to_main()
    keys.activate(page.get_by_role("link", name="Start an application"))
    keys.skip_to_main()
    keys.type_into(page.get_by_label("Model you apply for"), model.name)  # select typeahead
    expect(page.get_by_label("Model you apply for")).to_have_value(str(model.pk))
    keys.activate(page.get_by_role("button", name="Start"))
    energy = Sector.objects.get(slug="energy")
    expect(page.get_by_label("Sector you claim")).to_have_value(str(energy.pk))  # the org's
    keys.skip_to_main()
    keys.activate(page.get_by_role("button", name="Save and continue"))


def upload_evidence(keys) -> None:
    page = keys.page
    keys.skip_to_main()
    file_input = page.locator("#id_file")
    keys.tab_to(file_input)
    pdf = small_pdf("nerc-registration.pdf")
    page.locator(":focus").set_input_files(
        {"name": pdf.name, "mimeType": "application/pdf", "buffer": pdf.read()}
    )
    keys.type_into(page.get_by_role("textbox", name="Description"), "NERC registration")
    keys.activate(page.get_by_role("button", name="Upload"))
    expect(page.get_by_test_id("evidence-list")).to_contain_text("nerc-registration.pdf")
    keys.skip_to_main()
    keys.activate(page.get_by_role("button", name="Save and continue"))


def declare_a_person(keys, domain: str) -> None:
    page = keys.page
    keys.skip_to_main()
    keys.activate(page.get_by_role("link", name="Add a person"))
    keys.skip_to_main()
    keys.type_into(page.get_by_label("Legal name"), "Marie Curie")
    keys.type_into(page.get_by_label("Work email"), f"marie@{domain}")
    keys.type_into(page.get_by_label("Role in the organization"), "Researcher")
    # The USWDS combo box: type to filter, Down to the first match, Enter to choose it.
    combo = page.get_by_role("combobox", name="Country they work from", exact=True)
    keys.type_into(combo, "Germ")
    keys.press("ArrowDown")
    expect(page.locator(":focus")).to_have_text("Germany")
    page.keyboard.press("Enter")
    expect(combo).to_have_value("Germany")
    keys.type_into(page.get_by_label("US-person status"), "Foreign")
    expect(page.get_by_label("US-person status")).to_have_value("foreign_person")
    # The citizenship filter: type, Enter moves to the first match, Space ticks it.
    keys.type_into(page.get_by_label("Find a country for “Citizenships”"), "fran")
    keys.press("Enter")
    expect(page.locator(":focus")).to_have_attribute("value", "FR")
    page.keyboard.press("Space")
    expect(page.get_by_role("group", name="Citizenships").locator("[data-chosen]")).to_have_text(
        "Chosen: France"
    )
    keys.type_into(page.get_by_label("Export authorization type"), "None")
    expect(page.get_by_label("Export authorization type")).to_have_value("none")
    # Back up to the name with Shift+Tab, to check the order runs both ways.
    keys.tab_to(page.get_by_label("Legal name"), backwards=True)
    keys.activate(page.get_by_role("button", name="Save person"))
    expect(page.get_by_role("cell", name="Researcher")).to_be_visible()
    keys.skip_to_main()
    keys.activate(page.get_by_role("link", name="Continue"))


def use_and_attestation(keys) -> None:
    page = keys.page
    keys.skip_to_main()
    keys.type_into(page.get_by_label("Use case"), "Hunt for flaws in our substation gateways.")
    keys.type_into(page.get_by_label("Systems in scope"), "Substation gateways")
    keys.type_into(page.get_by_label("Seats you need"), "4")
    keys.activate(page.get_by_role("button", name="Save and continue"))
    keys.skip_to_main()
    keys.type_into(page.get_by_label("Officer's name"), "Margaret Hamilton")
    keys.type_into(page.get_by_label("Officer's title"), "CISO")
    for label in ("We keep a technology control plan", "We accept the conditions of use"):
        box = page.get_by_label(label)
        keys.tab_to(box)
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    keys.activate(page.get_by_role("button", name="Save and continue"))


def test_an_applicant_applies_with_the_keyboard_alone(applicant_page):
    page, org, site = applicant_page
    model = make_model(name="Frontier Cyber 1")
    page.goto(f"{site}/apply/")
    keys = Keyboard(page)
    start_and_claim_the_sector(keys, model)
    upload_evidence(keys)
    declare_a_person(keys, org.domain)
    use_and_attestation(keys)
    expect(page.get_by_test_id("missing")).to_have_count(0)
    keys.skip_to_main()
    keys.activate(page.get_by_role("button", name="Submit the application"))
    expect(page.get_by_text("is submitted")).to_be_visible()

    application = Application.objects.get(organization=org, gated_model=model)
    assert application.state != State.DRAFT
    expect(page).to_have_url(f"{site}/apply/applications/{application.pk}/")
    person = application.personnel.get()
    assert (person.legal_name, person.work_country.code) == ("Marie Curie", "DE")
    assert [c.code for c in person.citizenships] == ["FR"]
    assert application.evidence.get().original_name == "nerc-registration.pdf"
    assert keys.stops > 30, keys.stops  # the walk really moved focus around
    assert not keys.invisible, "focus without a visible indicator:\n" + "\n".join(keys.invisible)
