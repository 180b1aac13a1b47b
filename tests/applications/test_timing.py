"""The landing page's "expected time to a decision": median and 90th-percentile days
per review step, from the decisions of the last 90 days.

Applications walk their steps through the real services; only the recorded times
are then moved into the past, since the services stamp "now"."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import Cast, make_model
from vetting.applications import review, services
from vetting.applications.models import Application, ReviewDecision, State
from vetting.applications.timing import MIN_DECISIONS, WINDOW_DAYS, nearest_rank, step_timings

pytestmark = pytest.mark.django_db
NOW = timezone.now()
DAY = timedelta(days=1)


def backdate(app, *, submitted, **decided) -> None:
    """Move the application's submission and its decisions of each step to these times."""
    Application.objects.filter(pk=app.pk).update(submitted_at=submitted)
    for step, when in decided.items():
        app.decisions.filter(step=step).update(decided_at=when)


def approved(cast, *, days: tuple[float, float, float], ended: float = 1) -> Application:
    """An approved application whose export-control, sector and government steps took
    ``days`` days each, the last decided ``ended`` days ago."""
    app = cast.walk_to(State.APPROVED)
    government = NOW - ended * DAY
    sector = government - days[2] * DAY
    export = sector - days[1] * DAY
    backdate(
        app,
        submitted=export - days[0] * DAY,
        export_control=export,
        sector=sector,
        government=government,
    )
    return app


def by_step():
    return {t.step: t for t in step_timings(now=NOW)}


@pytest.fixture
def cast():
    return Cast()


def test_median_and_90th_percentile_per_step(cast):
    export_days = [1, 2, 3, 4, 5, 20]
    sector_days = [0.5, 0.5, 1, 1, 2, 8]
    for n, (export, sector) in enumerate(zip(export_days, sector_days, strict=True)):
        approved(cast, days=(export, sector, 7 + n))

    timings = by_step()

    assert [t.step for t in step_timings(now=NOW)] == ["export_control", "sector", "government"]
    export = timings["export_control"]
    assert export.decisions == 6 and export.enough_data
    assert export.median_days == pytest.approx(3.5)
    assert export.p90_days == pytest.approx(20)  # the 6th of 6: ceil(0.9 * 6)
    assert timings["sector"].median_days == pytest.approx(1)
    assert timings["sector"].p90_days == pytest.approx(8)
    assert timings["government"].median_days == pytest.approx(9.5)
    assert timings["government"].p90_days == pytest.approx(12)


def test_nearest_rank_takes_a_value_of_the_data():
    assert nearest_rank(list(range(1, 11)), 0.9) == 9
    assert nearest_rank([4, 1, 3, 2, 100], 0.9) == 100
    assert nearest_rank([7], 0.9) == 7


def test_decisions_older_than_the_window_are_left_out(cast):
    for _ in range(MIN_DECISIONS):
        approved(cast, days=(2, 2, 2))
    # Its government step was decided inside the window, its first two steps before it.
    approved(cast, days=(50, 50, 50), ended=WINDOW_DAYS - 40)
    approved(cast, days=(60, 60, 60), ended=WINDOW_DAYS + 1)

    timings = by_step()

    assert timings["export_control"].decisions == MIN_DECISIONS
    assert timings["export_control"].p90_days == pytest.approx(2)
    assert timings["sector"].decisions == MIN_DECISIONS
    assert timings["government"].decisions == MIN_DECISIONS + 1
    assert timings["government"].p90_days == pytest.approx(50)


def test_fewer_decisions_than_the_minimum_is_not_enough_data(cast):
    for _ in range(MIN_DECISIONS - 1):
        approved(cast, days=(1, 1, 1))

    for timing in step_timings(now=NOW):
        assert timing.decisions == MIN_DECISIONS - 1
        assert not timing.enough_data
        assert timing.median_days is None and timing.p90_days is None


def test_with_no_decisions_at_all_every_step_lacks_data():
    assert [t.decisions for t in step_timings(now=NOW)] == [0, 0, 0]


def test_a_rejection_is_a_decision_and_a_question_does_not_end_the_step(cast):
    for _ in range(MIN_DECISIONS - 1):
        app = cast.walk_to(State.REJECTED)
        backdate(app, submitted=NOW - 5 * DAY, export_control=NOW - 2 * DAY)
    app = cast.walk_to(State.INFORMATION_REQUESTED)
    services.application_respond(actor=cast.applicant, application_id=app.pk, response="Sent.")
    review.application_pass_step(
        no_conflict=True, actor=cast.export, application_id=app.pk, step="export_control"
    )
    asked = app.decisions.get(outcome=ReviewDecision.Outcome.INFORMATION_REQUESTED)
    ReviewDecision.objects.filter(pk=asked.pk).update(decided_at=NOW - 9 * DAY)
    passed = app.decisions.get(outcome=ReviewDecision.Outcome.PASSED)
    ReviewDecision.objects.filter(pk=passed.pk).update(decided_at=NOW - DAY)
    Application.objects.filter(pk=app.pk).update(submitted_at=NOW - 10 * DAY)

    export = by_step()["export_control"]

    assert export.decisions == MIN_DECISIONS
    assert export.median_days == pytest.approx(3)
    assert export.p90_days == pytest.approx(9)  # from submission, not from the question


def test_a_skipped_step_is_not_counted_but_marks_where_the_next_began():
    cast = Cast(make_model(requires_sector=False))
    for n in range(MIN_DECISIONS):
        app = cast.walk_to(State.SECTOR_REVIEW)  # passing export control skips sector
        review.application_approve(no_conflict=True, actor=cast.government, application_id=app.pk)
        passed = NOW - 10 * DAY
        backdate(app, submitted=passed - DAY, export_control=passed, government=NOW - n * DAY)
        app.decisions.filter(step="sector").update(decided_at=passed)

    timings = by_step()

    assert timings["sector"].decisions == 0
    assert timings["government"].decisions == MIN_DECISIONS
    assert timings["government"].median_days == pytest.approx(8)
    assert timings["government"].p90_days == pytest.approx(10)


def test_the_timings_take_one_query(cast, django_assert_num_queries):
    for _ in range(MIN_DECISIONS):
        approved(cast, days=(1, 2, 3))
    with django_assert_num_queries(1):
        step_timings(now=NOW)
