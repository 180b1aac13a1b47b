"""The inbox pages: the list, one message, and the POST actions that mark messages
read or unread. Another person's message is a 404, never a 403."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import inbox

PER_PAGE = 25


def verified_required(view):
    """Signed in with a verified email address, as every portal page asks."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.email_verified_at is None:
            return redirect("verify_pending")
        return view(request, *args, **kwargs)

    return wrapper


@verified_required
def inbox_list(request):
    page = Paginator(inbox.inbox_rows(request.user), PER_PAGE).get_page(request.GET.get("page"))
    rendered = inbox.Rendered()
    entries = [{"row": row, "subject": rendered(row)[0]} for row in page]
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "entries": entries, "unread": inbox.unread_count(request.user)},
    )


@verified_required
def message(request, pk):
    row = inbox.message_or_none(request.user, pk)
    if row is None:
        raise Http404("No such message")
    subject, text = inbox.Rendered()(row)
    return render(
        request,
        "notifications/message.html",
        {"row": row, "subject": subject, "text": text, "action_path": inbox.action_path(row)},
    )


@require_POST
@verified_required
def message_open(request, pk):
    """Opening a message from the inbox marks it read, then shows it."""
    if not inbox.message_mark_read(user=request.user, notification_id=pk):
        raise Http404("No such message")
    return redirect("notifications:message", pk=pk)


@require_POST
@verified_required
def message_unread(request, pk):
    if not inbox.message_mark_unread(user=request.user, notification_id=pk):
        raise Http404("No such message")
    return redirect("notifications:inbox")


@require_POST
@verified_required
def mark_all_read(request):
    inbox.inbox_mark_all_read(user=request.user)
    return redirect("notifications:inbox")
