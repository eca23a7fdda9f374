"""Reading a /metrics page in the self-metrics tests, with Jadugar's own parser (the one the
prometheus check uses)."""

from __future__ import annotations

from jadugar.prometheus_text import Sample, parse


def scrape(client, **headers: str) -> list[Sample]:
    """/metrics through a Flask test client; fails unless it answered 200."""
    r = client.get("/metrics", headers=headers)
    assert r.status_code == 200, r.get_data(as_text=True)
    return parse(r.get_data(as_text=True))


def value(samples: list[Sample], name: str, **labels: str) -> float:
    """The sum of `name` over the samples that carry `labels` (0 when there is none)."""
    return sum(s.value for s in samples
               if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))


def label_values(samples: list[Sample], name: str, label: str) -> set[str]:
    return {s.labels[label] for s in samples if s.name == name and label in s.labels}
