"""Provider time strings become aware UTC datetimes, whatever format they come in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jadugar.services.webhooks import WebhookPayloadError
from jadugar.services.webhooks.times import parse_time, time_or_none

NOON = datetime(2016, 8, 12, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", [
    "2016-08-12 12:00:00 UTC",          # GitLab pipeline and job hooks
    "2016-08-12 14:00:00 +0200",        # GitLab deployment hook
    "2016-08-12 07:00:00 -05:00",
    "2016-08-12T12:00:00Z",             # GitHub
    "2016-08-12T12:00:00.000Z",         # GitLab *_iso
    "2016-08-12T14:00:00+02:00",
    "2016-08-12T12:00:00",              # no zone: UTC
    "2016-08-12 12:00:00",
    1471003200,                         # Unix seconds
    1471003200.0,
    "1471003200",
    1471003200000,                      # Jenkins milliseconds
])
def test_it_reads_every_time_format_as_utc(text):
    parsed = parse_time(text, "started_at")
    assert parsed == NOON
    assert parsed.tzinfo is not None and parsed.utcoffset().total_seconds() == 0


def test_it_keeps_fractions_of_a_second():
    assert time_or_none("2021-02-23T02:41:37.886Z") == datetime(
        2021, 2, 23, 2, 41, 37, 886000, tzinfo=UTC)


@pytest.mark.parametrize("value", [None, ""])
def test_it_reads_an_absent_time_as_none(value):
    assert parse_time(value, "started_at") is None


@pytest.mark.parametrize("value", [
    "yesterday", "2016-13-45 99:00:00 UTC", True, [], {}, float("nan"), float("inf"), -5,
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00",
])
def test_it_names_the_field_of_an_unreadable_time(value):
    assert time_or_none(value) is None
    with pytest.raises(WebhookPayloadError) as raised:
        parse_time(value, "stages[1].finished_at")
    assert raised.value.field == "stages[1].finished_at"
