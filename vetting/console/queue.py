"""A reviewer's queue for one review step, and where an application stands in it.

The queue is the console's "My queue" (dashboard.my_queue) for one step:
applications waiting at that step that the reader may decide now (their role's
step, none the decision rules refuse them), oldest waiting first. The case page's
"Previous / Next in queue" links and its j/k shortcuts walk it, so they never lead
to an application outside it.
"""

from django.db.models import Exists, OuterRef, Q

from vetting.accounts.roles import has_role
from vetting.applications.conflicts import conflicted
from vetting.applications.models import REVIEW_STATE, Application, ReviewDecision
from vetting.applications.notify import STEP_ROLE
from vetting.gated_models.models import STEP_ORDER, ReviewStep

ORDER = ("state_changed_at", "id")


def waiting_for(user, step) -> Q:
    """At ``step``, and not an application whose other step ``user`` decided."""
    decided_other = ReviewDecision.objects.filter(
        application=OuterRef("pk"), reviewer=user
    ).exclude(step=step)
    return Q(state=REVIEW_STATE[ReviewStep(step)]) & ~Q(Exists(decided_other))


def reader_steps(user) -> list[ReviewStep]:
    """The review steps whose role ``user`` holds, in review order."""
    return [step for step in STEP_ORDER if has_role(user, STEP_ROLE[step])]


def step_queue(user, step):
    """``user``'s queue at ``step``, oldest waiting first (None without the step's role)."""
    if not has_role(user, STEP_ROLE[ReviewStep(step)]):
        return None
    return (
        Application.objects.filter(waiting_for(user, step))
        .exclude(conflicted(user))
        .order_by(*ORDER)
    )


def _queue_step(user, application) -> ReviewStep | None:
    """The step whose queue the case page walks: the application's own step if the
    reader holds its role, else the reader's first review step (a sector reviewer who
    has just passed an application still walks the sector queue)."""
    steps = reader_steps(user)
    current = application.current_step or application.information_requested_step
    if current and ReviewStep(current) in steps:
        return ReviewStep(current)
    return steps[0] if steps else None


def _label(application) -> dict | None:
    if application is None:
        return None
    return {
        "pk": application.pk,
        "number": application.number,
        "organization": str(application.organization),
    }


def queue_position(user, application) -> dict | None:
    """Where ``application`` stands in its reader's queue: the step, the previous and
    next applications ({pk, number, organization} or None), its 1-based place (None
    when it is not in the queue: then "next" is the oldest waiting) and the count.
    None for a reader with no review role. Two queries: the queue's ids in order (a
    queue is at most a few hundred applications), then the two neighbours."""
    step = _queue_step(user, application)
    if step is None:
        return None
    ids = list(step_queue(user, step).values_list("pk", flat=True))
    if application.pk in ids:
        place = ids.index(application.pk) + 1
        previous = ids[place - 2] if place > 1 else None
        following = ids[place] if place < len(ids) else None
    else:
        place, previous, following = None, None, (ids[0] if ids else None)
    wanted = [pk for pk in (previous, following) if pk is not None]
    found = Application.objects.select_related("organization").in_bulk(wanted) if wanted else {}
    return {
        "step": step,
        "previous": _label(found.get(previous)),
        "next": _label(found.get(following)),
        "place": place,
        "count": len(ids),
    }
