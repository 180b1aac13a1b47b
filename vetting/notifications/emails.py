"""The one email helper: a template key names a folder under
``templates/notifications/<key>/`` holding ``subject.txt``, ``body.txt`` and
``body.html``; the outbox row's context fills them in.

Only what the context holds can appear in a message, and services put no
citizenship data or internal notes in it. ``url`` is the page where the person
acts: ``BASE_URL`` + the context's ``url_path`` (or an absolute ``url`` the
caller built, e.g. a sign-in token link).
"""

import hashlib
import json
from functools import cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils.dateparse import parse_datetime

from .kinds import preference_for


@cache
def _text_engine() -> Engine:
    # Subjects and plain-text bodies must not be HTML-escaped ("AT&T", not "AT&amp;T").
    options = settings.TEMPLATES[0]
    return Engine(dirs=[str(d) for d in options["DIRS"]], app_dirs=True, autoescape=False)


def email_context(context: dict, template_key: str = "") -> dict:
    """The template context: the row's context, with ISO timestamps turned back into
    datetimes (so templates can format them) and the absolute ``url``."""
    result = dict(context)
    for key, value in context.items():
        if key.endswith("_at") and isinstance(value, str):
            result[key] = parse_datetime(value) or value
    if not result.get("url"):
        result["url"] = settings.BASE_URL + context.get("url_path", "/")
    result.setdefault("base_url", settings.BASE_URL)
    result["preferences_url"] = settings.BASE_URL + "/apply/account/notifications/"
    result["optional"] = preference_for(template_key) is not None
    return result


def render_email(template_key: str, context: dict) -> tuple[str, str, str]:
    """(subject, text body, HTML body) for ``template_key``."""
    ctx = email_context(context, template_key)
    folder = f"notifications/{template_key}"
    engine = _text_engine()
    subject = engine.get_template(f"{folder}/subject.txt").render(Context(ctx, autoescape=False))
    text = engine.get_template(f"{folder}/body.txt").render(Context(ctx, autoescape=False))
    html = render_to_string(f"{folder}/body.html", ctx)
    return " ".join(subject.split()), text.strip() + "\n", html


def message_id(notification) -> str:
    """Stable per outbox row, so a mail client can recognise a repeated delivery."""
    digest = hashlib.sha256(notification.dedupe_key.encode()).hexdigest()[:16]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">").strip() or "localhost"
    return f"<notification-{notification.pk}.{digest}@{domain}>"


def build_message(notification, connection=None, rendered=None) -> EmailMultiAlternatives:
    """The message of one outbox row. ``rendered`` (a dict) memoizes renderings
    across the rows of one batch: a message depends on its template and context
    only, and one event's rows (a suspension's hundreds) share both."""
    key = (notification.template_key, json.dumps(notification.context, sort_keys=True))
    if rendered is None or key not in rendered:
        parts = render_email(notification.template_key, notification.context)
        if rendered is None:
            rendered = {}
        rendered[key] = parts
    subject, text, html = rendered[key]
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient_email],
        connection=connection,
        headers={
            "Message-ID": message_id(notification),
            "X-Vetting-Notification": str(notification.pk),
        },
    )
    message.attach_alternative(html, "text/html")
    return message
