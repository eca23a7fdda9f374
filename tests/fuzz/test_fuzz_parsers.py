"""Arbitrary bytes, and real payloads with values swapped for arbitrary JSON, thrown at the
webhook, metrics and Prometheus-text parsers through the real app and database: the answer
is a 2xx or a 4xx JSON error, never a 5xx."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from fuzz_settings import FUZZ
from hypothesis import given
from hypothesis import strategies as st

from jadugar import config, prometheus_text

pytestmark = pytest.mark.fuzz

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "webhooks"
SECRET = "fuzz-secret"


def _payloads(source: str) -> list[Any]:
    return [json.loads(p.read_text()) for p in sorted((FIXTURES / source).glob("*.json"))]


class Deep:
    """Stands for n nested arrays: json.dumps itself would recurse too deep to write them."""

    def __init__(self, n: int) -> None:
        self.n = n


def _dumps(value: Any) -> bytes:
    text = json.dumps(value, allow_nan=True, default=lambda deep: f"__deep{deep.n}__")
    return re.sub(r'"__deep(\d+)__"', lambda m: "[" * int(m[1]) + "]" * int(m[1]),
                  text).encode()


# What random generation never reaches by chance: the shapes of finding 12. Long strings
# are random hex (incompressible, as an index sees them); sizes come from a short list.
LONG = st.builds(lambda seed, n: random.Random(seed).randbytes(n // 2).hex(),
                 st.integers(0, 2**16), st.sampled_from([300, 1500, 5000, 100_000]))
MANY = st.sampled_from([40, 1000, 20_000]).map(lambda n: {f"k{i}": str(i) for i in range(n)})
EXTREMES = LONG | MANY | st.sampled_from([40, 1200, 100_000]).map(Deep)

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40) | EXTREMES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=12)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path into a payload (dict keys and list indexes)."""
    items = (value.items() if isinstance(value, dict)
             else enumerate(value) if isinstance(value, list) else ())
    out = [prefix]
    for key, child in items:
        out.extend(_paths(child, (*prefix, key)))
    return out


@st.composite
def mutated(draw, payloads: list[Any]) -> Any:
    """A real payload with one to four values replaced: it gets past the first checks and
    deep into the normaliser, where random bytes never go."""
    data = copy.deepcopy(draw(st.sampled_from(payloads)))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(_paths(data)))
        if not path:
            return draw(JSON_VALUES)
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = draw(JSON_VALUES)
    return data


def bodies(source: str) -> st.SearchStrategy[bytes]:
    as_json = mutated(_payloads(source)) | JSON_VALUES
    return st.binary(max_size=512) | as_json.map(_dumps)


HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30)


def _no_5xx(r) -> None:
    assert r.status_code < 500, r.get_data(as_text=True)[:500]
    assert r.is_json, r.get_data(as_text=True)[:200]


@pytest.fixture
def secrets_set(client):
    before = config.get()
    config.override(before.replace(github_webhook_secret=SECRET, gitlab_webhook_token=SECRET))
    yield
    config.override(before)


@pytest.fixture
def shop(api):
    api.post("/applications", json={"slug": "shop", "name": "Shop"})


GITHUB_EVENTS = st.sampled_from(["workflow_run", "workflow_job", "check_suite",
                                 "deployment_status", "ping", "push"]) | HEADER_TEXT


@FUZZ
@given(body=bodies("github"), event=GITHUB_EVENTS, delivery=HEADER_TEXT)
def test_the_github_webhook_never_answers_5xx(client, secrets_set, body, event, delivery):
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    _no_5xx(client.post("/api/v1/webhooks/github", data=body, headers={
        "X-GitHub-Event": event, "X-GitHub-Delivery": delivery,
        "X-Hub-Signature-256": signature, "Content-Type": "application/json"}))


@FUZZ
@given(body=bodies("gitlab"), event=st.sampled_from(
    ["Pipeline Hook", "Job Hook", "Deployment Hook", "Push Hook"]) | HEADER_TEXT)
def test_the_gitlab_webhook_never_answers_5xx(client, secrets_set, body, event):
    _no_5xx(client.post("/api/v1/webhooks/gitlab", data=body, headers={
        "X-Gitlab-Event": event, "X-Gitlab-Token": SECRET,
        "Content-Type": "application/json"}))


@FUZZ
@given(body=bodies("generic"))
def test_the_generic_webhook_never_answers_5xx(api, make_token, body):
    token = make_token("ingest")
    _no_5xx(api.client.post("/api/v1/webhooks/generic", data=body, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"}))


POINT = st.fixed_dictionaries(
    {"application": st.sampled_from(["shop", "nope"]) | JSON_VALUES,
     "name": st.text(max_size=20) | JSON_VALUES,
     "value": st.floats() | st.integers() | JSON_VALUES},
    optional={"ts": st.integers() | st.text(max_size=30) | JSON_VALUES,
              "labels": st.dictionaries(st.text(max_size=10), st.text(max_size=20) | LONG,
                                        max_size=5) | MANY | JSON_VALUES})
# Many points with a label that changes every time: a new series each.
SERIES_FLOOD = st.sampled_from([10, 1001, 30_000]).map(lambda n: [
    {"application": "shop", "name": "cpu", "value": 1, "labels": {"id": str(i)}}
    for i in range(n)])
METRIC_BODIES = (st.binary(max_size=512)
                 | (st.lists(POINT, max_size=5) | SERIES_FLOOD | JSON_VALUES).map(_dumps))


@FUZZ
@given(body=METRIC_BODIES)
def test_metrics_ingest_never_answers_5xx(api, shop, body):
    _no_5xx(api.post("/metrics", data=body, headers={"Content-Type": "application/json"}))


NAME = st.from_regex(r"[a-zA-Z_:][a-zA-Z0-9_:]{0,12}", fullmatch=True)
LABEL = st.builds(lambda k, v: f'{k}="{v}"',
                  st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_]{0,8}", fullmatch=True),
                  st.text(max_size=12).map(lambda s: s.replace("\n", "\\n")) | LONG)
MANY_LABELS = st.sampled_from([40, 5000, 200_000]).map(
    lambda n: "m{" + ",".join(f'l{i}="v"' for i in range(n)) + "} 1")
NUMBER = (st.floats().map(repr) | st.integers().map(str)
          | st.sampled_from(["NaN", "+Inf", "-Inf", "1e400", "0x1", "", "--1"]))
LINE = (st.builds(lambda n, ls, v, t: f"{n}{{{','.join(ls)}}} {v}{t}", NAME,
                  st.lists(LABEL, max_size=3), NUMBER,
                  st.sampled_from(["", " 1700000000000", " -1", " 1.5"]))
        | MANY_LABELS
        | st.builds(lambda n, kind: f"# TYPE {n} {kind}", NAME, HEADER_TEXT)
        | st.text(max_size=60))
PROMETHEUS_TEXT = st.lists(LINE, max_size=8).map("\n".join) | st.text(max_size=300)


@FUZZ
@given(body=PROMETHEUS_TEXT | st.binary(max_size=300).map(
    lambda b: b.decode("utf-8", "replace")))
def test_prometheus_text_ingest_never_answers_5xx(api, shop, body):
    _no_5xx(api.post("/metrics?application=shop", data=body.encode(),
                     headers={"Content-Type": "text/plain"}))


@FUZZ
@given(body=st.binary(max_size=300))
def test_prometheus_text_that_is_not_utf8_gets_a_4xx(api, shop, body):
    _no_5xx(api.post("/metrics?application=shop", data=body,
                     headers={"Content-Type": "text/plain; charset=utf-8"}))


@FUZZ
@given(text=PROMETHEUS_TEXT)
def test_the_prometheus_parser_raises_only_value_errors(text):
    try:
        samples = prometheus_text.parse(text)
    except ValueError as exc:
        assert str(exc).startswith("line ")
        return
    assert all(isinstance(s, prometheus_text.Sample) for s in samples)
