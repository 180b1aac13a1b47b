"""A separate worker process for test_check_under_load: calls the check in a loop
through Django's handler (its own memo and generation view, like a gunicorn worker)
and prints one JSON list of [time, cleared, HTTP status] triples."""

import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
django.setup()

from django.test import Client  # noqa: E402

organization, model, key, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
client = Client()
samples = []
# Warm up (URL conf, API schema) before the test starts its clock.
client.get(
    "/api/v1/check",
    {"organization": organization, "model": model},
    headers={"Authorization": f"Bearer {key}"},
)
print("ready", flush=True)
deadline = time.time() + seconds
while time.time() < deadline:
    response = client.get(
        "/api/v1/check",
        {"organization": organization, "model": model},
        headers={"Authorization": f"Bearer {key}"},
    )
    cleared = response.status_code == 200 and response.json()["cleared"]
    samples.append([time.time(), cleared, response.status_code])
print(json.dumps(samples), flush=True)
