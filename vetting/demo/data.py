"""The demo world: who exists, which organizations apply, where each application ends up."""

PASSWORD = "vetting-demo-2026"  # printed by seed_demo; demo mode only  # noqa: S105

STAFF = [
    # email, first, last, role group (None = superuser)
    ("admin@vetting.test", "Ada", "Admin", None),
    ("export@vetting.test", "Evan", "Exportson", "Export-control reviewer"),
    ("export2@vetting.test", "Erin", "Eckhart", "Export-control reviewer"),
    ("sector@vetting.test", "Sam", "Sectorova", "Sector reviewer"),
    ("sector2@vetting.test", "Sol", "Santos", "Sector reviewer"),
    ("gov@vetting.test", "Grace", "Govan", "Government official"),
    ("officer@vetting.test", "Owen", "Officer", "Clearance officer"),
    ("auditor@vetting.test", "Ava", "Auditor", "Auditor"),
]

# legal name, uei, ein, cage, domain, kind, sector slug, applicant email, final demo state
ORGANIZATIONS = [
    ("Tri-State Grid Operations LLC", "TSG4PWRGR1D7", "12-3456789", "7TSG1",
     "tristategrid.test", "private_company", "energy", "ciso@tristategrid.test", "active"),
    ("Lakeshore Water Authority", "LKW8WATR2AB3", "", "",
     "lakeshorewater.test", "sltt_government", "water_wastewater", "it@lakeshorewater.test",
     "suspended"),
    ("First Harbor Bank N.A.", "FHB5BANK7XY2", "13-2468135", "3FHB7",
     "firstharbor.test", "private_company", "financial_services", "sec@firstharbor.test",
     "revoked"),
    ("Mercy Regional Health System", "MRH2HLTH9QW4", "26-1357924", "",
     "mercyregional.test", "non_profit", "healthcare_public_health", "soc@mercyregional.test",
     "expired"),
    ("Cascade Rail Transit", "CRT6RAIL3ZK8", "91-2233445", "5CRT2",
     "cascaderail.test", "sltt_government", "transportation_systems", "ops@cascaderail.test",
     "government_review"),
    ("Department of Grid Resilience", "DGR9FEDS4MN2", "", "",
     "gridresilience.test", "federal_agency", "energy", "cyber@gridresilience.test",
     "sector_review"),
    ("Northwind Telecom Inc.", "NWT3TELC8PL5", "94-5566778", "8NWT4",
     "northwindtel.test", "private_company", "communications", "noc@northwindtel.test",
     "export_control_review"),
    ("Keystone Chemical Co.", "KSC7CHEM5RT9", "23-9988776", "",
     "keystonechem.test", "private_company", "chemical", "psm@keystonechem.test",
     "information_requested"),
    ("Summit Dam Authority", "SDA4DAMS6HJ2", "", "",
     "summitdam.test", "sltt_government", "dams", "scada@summitdam.test", "submitted"),
    ("Redwood Defense Systems", "RDS8DEFN2KL6", "95-1122334", "9RDS3",
     "redwooddefense.test", "private_company", "defense_industrial_base",
     "fso@redwooddefense.test", "rejected"),
    ("Prairie Grain Cooperative", "PGC5FOOD3WX7", "47-6655443", "",
     "prairiegrain.test", "non_profit", "food_agriculture", "it@prairiegrain.test", "withdrawn"),
    ("Metro Emergency Communications", "MEC2EMRG7TY4", "", "",
     "metro911.test", "sltt_government", "emergency_services", "chief@metro911.test", "draft"),
]

PERSONNEL = [
    # legal name, role, us person status, citizenships, authorization
    ("Jordan Lee", "Security engineer", "us_citizen", ["US"], ""),
    ("Priya Raman", "Detection lead", "lawful_permanent_resident", ["IN"], ""),
    ("Lukas Becker", "Red team contractor", "foreign_person", ["DE"], "bis_license"),
]

USE_CASE = ("Find and fix vulnerabilities in our operational technology before attackers do: "
            "code review of in-house tools, triage of vendor advisories, and red-team "
            "exercises against a lab copy of our control network.")
SYSTEMS = "Control-center SCADA, substation gateways, historian, corporate SOC tooling."
