"""Screening benchmark: import of a synthetic 20,000-entry list, time to screen one
organization with 50 declared people, and recall / false positives on the variant
table (tests/screening/data/variants.csv). BENCH_QUICK=1 shrinks it for CI.

Run: VETTING_VAR_DIR=/tmp/bench-screening uv run python bench/screening/run.py
(with DATABASE_URL=postgres://... it works in a scratch database <name>_screening).
"""

import csv
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
os.environ.setdefault("VETTING_VAR_DIR", tempfile.mkdtemp(prefix="bench-screening-"))

from vetting.screening.importers import CSL_COLUMNS  # noqa: E402  (needs ROOT on the path)

QUICK = os.environ.get("BENCH_QUICK") == "1"
ENTRIES = 2_000 if QUICK else 20_000
SCREENINGS = 10 if QUICK else 50
VARIANTS = ROOT / "tests" / "screening" / "data" / "variants.csv"
GIVEN = [
    "Ali",
    "Ivan",
    "Maria",
    "Chen",
    "Wei",
    "Omar",
    "Yusuf",
    "Sergei",
    "Olga",
    "Fatima",
    "Hassan",
    "Dmitri",
    "Li",
    "Jose",
    "Ahmed",
    "Reza",
    "Kim",
    "Anna",
    "Nikolai",
    "Farid",
    "Tariq",
    "Elena",
    "Pavel",
    "Said",
    "Mahmoud",
    "Igor",
    "Leila",
]
FAMILY = [
    "Petrov",
    "Hosseini",
    "Rahimi",
    "Zhang",
    "Wang",
    "Kuznetsov",
    "Haddad",
    "Nasser",
    "Karimi",
    "Orlov",
    "Sokolov",
    "Mansour",
    "Tehrani",
    "Qureshi",
    "Farouk",
    "Volkov",
    "Lebedev",
    "Hamdan",
    "Saleh",
    "Jafari",
    "Morozov",
]
WORDS = [
    "Trading",
    "Aerospace",
    "Photonics",
    "Shipping",
    "Industrial",
    "Petroleum",
    "Logistics",
    "Systems",
    "Dynamics",
    "Electronics",
    "Machinery",
    "Precision",
    "Marine",
    "Energy",
    "Holding",
    "Research",
    "Technical",
]
PREFIXES = [
    "Northwind",
    "Baltic",
    "Orient",
    "Golden",
    "Eastern",
    "Crescent",
    "Polar",
    "Silk",
    "Atlas",
    "Falcon",
    "Delta",
    "Zenith",
    "Vector",
    "Aurora",
    "Meridian",
]
# The declared people of a US critical-infrastructure organization: mostly names that
# share no words with the list, a few that share one.
US_GIVEN = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Priya",
    "Wei",
    "Ahmed",
]
US_FAMILY = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Nguyen",
    "Patel",
    "Kim",
    "Chen",
    "Haddad",
]


def synthetic_csl(rng: random.Random, count: int, path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSL_COLUMNS)
        for n in range(count):
            row = dict.fromkeys(CSL_COLUMNS, "")
            if rng.random() < 0.6:
                given, family = rng.choice(GIVEN), rng.choice(FAMILY)
                middle = rng.choice(GIVEN) + "ovich"
                row.update(
                    type="Individual",
                    name=f"{family.upper()}, {given} {middle}{n}",
                    alt_names=f"{given} {family}{n}; {given[0]}. {family}{n}",
                )
            else:
                name = f"{rng.choice(PREFIXES)} {rng.choice(WORDS)} {n} Co., Ltd."
                row.update(type="Entity", name=name, alt_names=f"{name.split(' Co')[0]} LLC")
            row.update(
                _id=f"bench{n}",
                source="Entity List (EL) - Bureau of Industry and Security",
                programs="EAR",
            )
            writer.writerow([row[h] for h in CSL_COLUMNS])


def scratch_database() -> None:
    """A fresh database for the run: a new PostgreSQL database <name>_screening when
    DATABASE_URL points at PostgreSQL, else a new SQLite file in the var directory."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        os.environ["DATABASE_URL"] = f"sqlite:///{os.environ['VETTING_VAR_DIR']}/bench.sqlite3"
        Path(os.environ["DATABASE_URL"][len("sqlite:///") :]).unlink(missing_ok=True)
        return
    import dj_database_url
    import psycopg
    from psycopg import sql

    cfg = dj_database_url.parse(url)
    name = f"{cfg['NAME']}_screening"
    with psycopg.connect(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name


def main() -> None:
    scratch_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from vetting.screening.lists import current_index, list_import
    from vetting.screening.matching import ListName, ScreeningIndex

    rng = random.Random(6)
    path = Path(os.environ["VETTING_VAR_DIR"]) / "bench_csl.csv"
    synthetic_csl(rng, ENTRIES, path)
    started = time.perf_counter()
    version, _ = list_import(actor=None, data=path.read_bytes(), fmt="csl", filename=path.name)
    import_s = time.perf_counter() - started
    started = time.perf_counter()
    index, _ = current_index()
    build_s = time.perf_counter() - started
    print(f"entries: {version.rows}  names indexed (with aliases): {len(index)}")
    print(f"import: {import_s:.2f} s  index build: {build_s:.2f} s")

    timings = []
    for _ in range(SCREENINGS):
        people = [
            f"{rng.choice(US_GIVEN)} {rng.choice(['A.', 'B.', ''])} {rng.choice(US_FAMILY)}"
            for _ in range(50)
        ]
        started = time.perf_counter()
        index.search(f"{rng.choice(PREFIXES)} {rng.choice(WORDS)} Utilities Inc.")
        for person in people:
            index.search(person)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(
        f"screen one organization + 50 people: median {statistics.median(timings):.1f} ms  "
        f"p95 {p95:.1f} ms  (target: median < 100 ms)"
    )

    rows = list(csv.DictReader(VARIANTS.open()))
    variant_index = ScreeningIndex(threshold=index.threshold)
    for entry in index._names:  # the full synthetic list, plus the variant table's names
        variant_index._names.append(entry)
    variant_index._postings = index._postings
    for listed in sorted({r["listed"] for r in rows}):
        variant_index.add(ListName(record=listed, text=listed))
    found, total, false_positives, near = defaultdict(int), defaultdict(int), 0, 0
    for row in rows:
        records = {h.record for h in variant_index.search(row["query"])}
        if row["expect"] == "hit":
            total[row["class"]] += 1
            found[row["class"]] += row["listed"] in records
        else:
            near += 1
            false_positives += row["listed"] in records
    print("recall per variation class (against the synthetic list + variant names):")
    for cls in total:
        print(f"  {cls:18} {found[cls]}/{total[cls]}  {100 * found[cls] / total[cls]:.0f}%")
    print(
        f"false-positive rate on near-miss names: {false_positives}/{near} "
        f"({100 * false_positives / max(near, 1):.0f}%)"
    )


if __name__ == "__main__":
    main()
