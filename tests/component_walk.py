"""Every Dash component and string under a layout, depth first: how page tests read what a
layout or callback returned without a browser."""

from __future__ import annotations

from typing import Any


def walk(component: Any) -> list[Any]:
    out = [component]
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None:
            out += walk(child)
    return out
