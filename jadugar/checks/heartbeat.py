"""heartbeat: a job pings Jadugar (/api/v1/heartbeat/{token}); nothing is probed. A check
misses its heartbeat when no ping came within interval_s + grace_s."""

from __future__ import annotations

from . import form
from .kind import CheckType, Form, FormField

HEARTBEAT = CheckType(
    name="heartbeat", help="A job pings Jadugar at least every interval_s (+ grace_s).",
    target=None,
    form=Form(fields=(FormField("grace_s", "Grace (s) after a missed ping", "grace_s",
                                "number", placeholder="60", read=form.whole),)),
)
