"""A separate worker process for the revocation tests: calls the check in a loop
through the production WSGI application (vetting.wsgi, with its own memo, like a
gunicorn worker) and prints one JSON list of [time sent, cleared, HTTP status]."""

import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")
django.setup()

from tests.api.wsgi_client import call  # noqa: E402
from vetting.wsgi import application  # noqa: E402

organization, model, key, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
params = {"organization": organization, "model": model}
headers = {"Authorization": f"Bearer {key}"}
samples = []
call(application, "/api/v1/check", params, headers=headers)  # warm up before the clock
print("ready", flush=True)
deadline = time.time() + seconds
while time.time() < deadline:
    sent = time.time()
    answer = call(application, "/api/v1/check", params, headers=headers)
    cleared = answer.status == 200 and answer.json()["cleared"]
    samples.append([sent, cleared, answer.status])
print(json.dumps(samples), flush=True)
