"""The demo world: who exists, which organizations apply, where each application ends up."""

from pathlib import Path

import vetting.screening

DEMO_LIST = Path(vetting.screening.__file__).parent / "data" / "demo_csl.csv"

PASSWORD = "vetting-demo-2026"  # printed by seed_demo; demo mode only  # noqa: S105

STAFF = [
    # email, first, last, role group (None = superuser)
    ("admin@vetting.test", "Ada", "Admin", None),
    ("export@vetting.test", "Evan", "Exportson", "Export-control reviewer"),
    ("export2@vetting.test", "Erin", "Eckhart", "Export-control reviewer"),
    ("sector@vetting.test", "Sam", "Sectorova", "Sector reviewer"),
    ("sector2@vetting.test", "Sol", "Santos", "Sector reviewer"),
    ("gov@vetting.test", "Grace", "Govan", "Government official"),
    # A second official: a policy change proposed by one is approved by the other.
    ("gov2@vetting.test", "Gil", "Gordon", "Government official"),
    ("officer@vetting.test", "Owen", "Officer", "Clearance officer"),
    ("auditor@vetting.test", "Ava", "Auditor", "Auditor"),
]

# legal name, uei, ein, cage, domain, kind, sector slug, applicant email, final demo state
ORGANIZATIONS = [
    (
        "Tri-State Grid Operations LLC",
        "TSG4PWRGR1D7",
        "12-3456789",
        "7TSG1",
        "tristategrid.test",
        "private_company",
        "energy",
        "ciso@tristategrid.test",
        "active",
    ),
    (
        "Lakeshore Water Authority",
        "LKW8WATR2AB3",
        "",
        "",
        "lakeshorewater.test",
        "sltt_government",
        "water_wastewater",
        "it@lakeshorewater.test",
        "suspended",
    ),
    (
        "First Harbor Bank N.A.",
        "FHB5BANK7XY2",
        "13-2468135",
        "3FHB7",
        "firstharbor.test",
        "private_company",
        "financial_services",
        "sec@firstharbor.test",
        "revoked",
    ),
    (
        "Mercy Regional Health System",
        "MRH2HLTH9QW4",
        "26-1357924",
        "",
        "mercyregional.test",
        "non_profit",
        "healthcare_public_health",
        "soc@mercyregional.test",
        "expired",
    ),
    (
        "Cascade Rail Transit",
        "CRT6RAIL3ZK8",
        "91-2233445",
        "5CRT2",
        "cascaderail.test",
        "sltt_government",
        "transportation_systems",
        "ops@cascaderail.test",
        "government_review",
    ),
    (
        "Department of Grid Resilience",
        "DGR9FEDS4MN2",
        "",
        "",
        "gridresilience.test",
        "federal_agency",
        "energy",
        "cyber@gridresilience.test",
        "sector_review",
    ),
    (
        "Northwind Telecom Inc.",
        "NWT3TELC8PL5",
        "94-5566778",
        "8NWT4",
        "northwindtel.test",
        "private_company",
        "communications",
        "noc@northwindtel.test",
        "export_control_review",
    ),
    (
        "Keystone Chemical Co.",
        "KSC7CHEM5RT9",
        "23-9988776",
        "",
        "keystonechem.test",
        "private_company",
        "chemical",
        "psm@keystonechem.test",
        "information_requested",
    ),
    (
        "Summit Dam Authority",
        "SDA4DAMS6HJ2",
        "",
        "",
        "summitdam.test",
        "sltt_government",
        "dams",
        "scada@summitdam.test",
        "submitted",
    ),
    (
        "Redwood Defense Systems",
        "RDS8DEFN2KL6",
        "95-1122334",
        "9RDS3",
        "redwooddefense.test",
        "private_company",
        "defense_industrial_base",
        "fso@redwooddefense.test",
        "rejected",
    ),
    (
        "Prairie Grain Cooperative",
        "PGC5FOOD3WX7",
        "47-6655443",
        "",
        "prairiegrain.test",
        "non_profit",
        "food_agriculture",
        "it@prairiegrain.test",
        "withdrawn",
    ),
    (
        "Metro Emergency Communications",
        "MEC2EMRG7TY4",
        "",
        "",
        "metro911.test",
        "sltt_government",
        "emergency_services",
        "chief@metro911.test",
        "draft",
    ),
]

PERSONNEL = [
    # legal name, role, us person status, citizenships, authorization
    ("Jordan Lee", "Security engineer", "us_citizen", ["US"], ""),
    ("Priya Raman", "Detection lead", "lawful_permanent_resident", ["IN"], ""),
    ("Lukas Becker", "Red team contractor", "foreign_person", ["DE"], "bis_license"),
]

USE_CASE = (
    "Find and fix vulnerabilities in our operational technology before attackers do: "
    "code review of in-house tools, triage of vendor advisories, and red-team "
    "exercises against a lab copy of our control network."
)
SYSTEMS = "Control-center SCADA, substation gateways, historian, corporate SOC tooling."

# Resembles "KARIMI, Reza Mohammad" on the demo list: screening flags him, and the
# export-control reviewer must adjudicate the hit before the step can pass.
FLAGGED_PERSON = (
    "Reza Mohamad Karimi",
    "Contract analyst",
    "lawful_permanent_resident",
    ["IR", "CA"],
    "",
)
FLAGGED_ORGS = {"Northwind Telecom Inc.", "Summit Dam Authority"}


def evidence_pdf(organization: str) -> bytes:
    """A one-page PDF letter, so demo applications carry real evidence."""
    text = f"Sector partnership letter for {organization}".replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
