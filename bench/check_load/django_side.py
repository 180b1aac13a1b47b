"""The benchmark's Django-side steps, run in their own process with the benchmark's
environment: ``seed`` makes two cleared organizations and a gateway key for both
models and prints them as JSON; ``revoke <clearance id> <officer id>`` revokes and
prints the commit time."""

import json
import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.check_load.bench_settings")
django.setup()

from django.db import transaction  # noqa: E402


def seed():
    from tests.factories import Cast
    from vetting.api.keys import gateway_key_create

    casts = [Cast(), Cast()]
    cleared = [cast.walk_to("approved").clearance for cast in casts]
    _, key = gateway_key_create(
        actor=casts[0].officer, name="bench", gated_model_ids=[c.model.pk for c in casts]
    )
    facts = {
        which: {
            "organization": clearance.organization_id,
            "model": cast.model.slug,
            "serial": clearance.serial,
            "clearance": clearance.pk,
        }
        for which, cast, clearance in zip(("first", "second"), casts, cleared, strict=True)
    }
    print(json.dumps({**facts, "officer": casts[0].officer.pk, "key": key}))


def revoke(clearance_id, officer_id):
    from vetting.accounts.models import User
    from vetting.clearances.services import clearance_revoke

    committed = {}
    with transaction.atomic():
        clearance_revoke(
            actor=User.objects.get(pk=officer_id),
            clearance_id=int(clearance_id),
            reason="Benchmark revocation.",
        )
        transaction.on_commit(lambda: committed.setdefault("at", time.time()))
    print(json.dumps(committed))


if __name__ == "__main__":
    {"seed": seed, "revoke": revoke}[sys.argv[1]](*sys.argv[2:])
