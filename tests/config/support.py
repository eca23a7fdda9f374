"""Applying a config text inside a test's transaction (`conn` fixture)."""

from __future__ import annotations

from typing import Any

from jadugar.services import config_apply, config_io


def apply(conn, source: str, **kw: Any):
    return config_apply.apply(conn, config_io.load(source, "jadugar.yaml"), "jadugar.yaml",
                              **kw)
