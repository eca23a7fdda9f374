"""Settings lists show times as people say them, the exact UTC time on hover."""

from datetime import UTC, datetime, timedelta

from jadugar.ui.settings_time import ago, when

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_it_says_how_long_ago():
    cases = [(timedelta(seconds=20), "just now"), (timedelta(minutes=1), "1 minute ago"),
             (timedelta(hours=5, minutes=59), "5 hours ago"), (timedelta(days=3), "3 days ago"),
             (timedelta(days=15), "2 weeks ago"), (timedelta(days=400), "1 year ago"),
             (timedelta(hours=-2), "in 2 hours")]
    for before, said in cases:
        assert ago(NOW - before, NOW) == said


def test_it_reads_the_apis_iso_text_and_keeps_the_exact_time_on_hover():
    span = when("2026-11-28T07:30:12.5+00:00", NOW)
    assert span.children == "3 days ago" and span.title == "2026-11-28 07:30 UTC"
    assert when(None, NOW, empty="never") == "never"
