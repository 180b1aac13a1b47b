"""Status tags of applications and clearances: one colour per meaning, used on every
portal page that shows a state (dashboard, clearances, application status, the
clearance page and its printable certificate).

The tag always spells the state out, so colour is never the only cue; each
background/text pair has at least 4.5:1 contrast (WCAG 2.1 AA for normal text):

=========  ======================================  ===========================  ========
meaning    states                                  USWDS classes                contrast
=========  ======================================  ===========================  ========
success    approved, active                        bg-success-darker (#216e1f)  6.3:1
error      rejected, revoked                       bg-error-dark (#b50909)      7.0:1
warning    suspended, information_requested        bg-warning text-ink          10.4:1
neutral    draft, withdrawn, expired               bg-base-lighter text-ink     13.1:1
progress   submitted and the three review steps    bg-primary (#005ea2)         6.7:1
=========  ======================================  ===========================  ========
"""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

from vetting.applications.models import State
from vetting.clearances.models import ClearanceState

register = template.Library()

TONE_CLASSES = {
    "success": "bg-success-darker",
    "error": "bg-error-dark",
    "warning": "bg-warning text-ink",
    "neutral": "bg-base-lighter text-ink",
    "progress": "bg-primary",
}
TONES = {
    State.APPROVED: "success",
    ClearanceState.ACTIVE: "success",
    State.REJECTED: "error",
    ClearanceState.REVOKED: "error",
    ClearanceState.SUSPENDED: "warning",
    State.INFORMATION_REQUESTED: "warning",
    State.DRAFT: "neutral",
    State.WITHDRAWN: "neutral",
    ClearanceState.EXPIRED: "neutral",
    State.SUBMITTED: "progress",
    State.EXPORT_CONTROL_REVIEW: "progress",
    State.SECTOR_REVIEW: "progress",
    State.GOVERNMENT_REVIEW: "progress",
}
DATE = "j M Y"


def tone(state: str) -> str:
    """The meaning of an application or clearance state (neutral when unknown)."""
    return TONES.get(str(state), "neutral")


@register.filter
def tag_class(state: str) -> str:
    """USWDS classes of the tag of ``state``, besides ``usa-tag``."""
    return TONE_CLASSES[tone(state)]


def _tag(state: str, label: str, testid: str = ""):
    extra = format_html(' data-testid="{}"', testid) if testid else ""
    return format_html(
        '<span class="usa-tag {}" data-state="{}"{}>{}</span>',
        tag_class(state),
        state,
        extra,
        label,
    )


@register.simple_tag
def status_tag(obj, testid: str = ""):
    """The tag of an application's or a clearance's state, in words and colour."""
    return _tag(obj.state, obj.get_state_display(), testid)


def clearance_standing(clearance, now=None) -> tuple[str, str]:
    """(state, when) as the organization should read it now. An active clearance
    past its expiry (the daily expiry job has not run yet) already denies every
    check, so it reads "expired"; only an active one is "until" a date."""
    now = now or timezone.now()
    state = clearance.state
    if state == ClearanceState.ACTIVE and clearance.expires_at <= now:
        state = ClearanceState.EXPIRED
    when = {
        ClearanceState.ACTIVE: ("until", clearance.expires_at),
        ClearanceState.SUSPENDED: ("since", clearance.state_changed_at),
        ClearanceState.REVOKED: ("on", clearance.state_changed_at),
        ClearanceState.EXPIRED: ("on", clearance.expires_at),
    }[ClearanceState(state)]
    return state, f"{when[0]} {date_format(timezone.localtime(when[1]), DATE)}"


@register.simple_tag
def clearance_status(clearance):
    """E.g. "[Active] until 1 Dec 2027", "[Revoked] on 3 Mar 2027": the tag, then when."""
    state, when = clearance_standing(clearance)
    return format_html(
        '{} <span class="clearance-when">{}</span>', _tag(state, ClearanceState(state).label), when
    )
