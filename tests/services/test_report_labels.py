"""Report periods and times written for people: a 20 Nov – 1 Dec report is not labelled
"2026-11", and the generation time is not raw ISO (jadugar/humanize.py, services/reports.py,
the printable /api/v1/reports/sla.html)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from monitoring_factory import add_history, make_app, make_check

from jadugar import humanize
from jadugar.services import reports


@pytest.mark.parametrize(("first", "last", "text"), [
    (date(2026, 11, 1), date(2026, 11, 30), "November 2026"),
    (date(2026, 11, 20), date(2026, 12, 1), "20 Nov – 1 Dec 2026"),
    (date(2026, 11, 3), date(2026, 11, 9), "3–9 Nov 2026"),
    (date(2026, 11, 5), date(2026, 11, 5), "5 Nov 2026"),
    (date(2026, 12, 28), date(2027, 1, 3), "28 Dec 2026 – 3 Jan 2027"),
])
def test_it_writes_a_span_of_days(first, last, text):
    assert humanize.day_span(first, last) == text


def test_it_cuts_a_month_row_to_the_reports_range():
    since = datetime(2026, 11, 20, tzinfo=UTC)
    until = datetime(2026, 12, 2, tzinfo=UTC)  # exclusive: the last day is 1 Dec
    nov, dec = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    assert reports.period_days(nov, "month", since, until) == (date(2026, 11, 20),
                                                               date(2026, 11, 30))
    assert reports.period_days(dec, "month", since, until) == (date(2026, 12, 1),
                                                               date(2026, 12, 1))
    assert reports.period_days(since, "range", since, until) == (date(2026, 11, 20),
                                                                 date(2026, 12, 1))


def test_it_labels_the_printable_report_in_words(api, engine):
    since = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    with engine.begin() as c:
        add_history(c, make_check(c, make_app(c, "shop")), since + timedelta(minutes=1), "uux")
    until = since + timedelta(days=1)
    page = api.get(f"/reports/sla.html?period=range&since={since.date()}"
                   f"&until={until.date()}").get_data(as_text=True)
    day = humanize.day_span(since.date(), since.date())
    assert f"SLA report · {day}" in page and f"<td>{day}</td>" in page
    assert "T0" not in page.split("Generated", 1)[1][:40]  # no raw ISO time
