import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vetting.settings")

django_application = get_wsgi_application()

# After Django is set up (get_wsgi_application does it): the check's repeat asks are
# answered in front of Django's request handling (see vetting/api/replay.py).
from vetting.api.replay import CheckReplay  # noqa: E402

application = CheckReplay(django_application)
