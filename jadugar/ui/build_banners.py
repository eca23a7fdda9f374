"""Banners on the build page: an abnormally long build, and what a production deploy did
to the applications linked to its project (docs/build-alerts.md)."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc

from jadugar.humanize import duration

P = "builds-detail"
IMPACT_COLOURS = {"worse": "danger", "better": "success", "unchanged": "secondary",
                  "insufficient_data": "light", "pending": "light"}
IMPACT_WORDS = {
    "worse": "This deploy made {apps} worse: {changes}.",
    "better": "This deploy made {apps} better: {changes}.",
    "unchanged": "No significant change to {apps} in the hour after this deploy.",
    "insufficient_data": "Too few check results around this deploy to judge {apps}.",
    "pending": "Measuring {apps}: the hour after this deploy is not over yet.",
}


def banners(build: dict[str, Any]) -> list[dbc.Alert]:
    out = []
    slow_stages = [s for s in build.get("stages") or []
                   if (s.get("duration_anomaly") or {}).get("anomalous")]
    if slow_stages:
        out.append(dbc.Alert(
            "Abnormally long stages: " + "; ".join(
                f"{s['name']} took {duration(s['duration_s'])} (usually "
                f"{duration(s['duration_anomaly']['baseline_s'])})" for s in slow_stages)
            + ". They are outlined in red below.", color="warning", id=f"{P}-stage-anomaly"))
    anomaly = build.get("duration_anomaly")
    if anomaly and anomaly["anomalous"]:
        out.append(dbc.Alert(
            f"Abnormally long: {duration(build['duration_s'])}, where recent successful "
            f"builds of this branch took {duration(anomaly['baseline_s'])} (threshold "
            f"{duration(anomaly['threshold_s'])}, {anomaly['samples']} builds).",
            color="warning", id=f"{P}-anomaly"))
    impact = build.get("deploy_impact")
    if impact:
        text = IMPACT_WORDS[impact["verdict"]].format(
            apps=", ".join(impact["applications"]), changes="; ".join(impact["changes"]))
        out.append(dbc.Alert(text, color=IMPACT_COLOURS[impact["verdict"]],
                             id=f"{P}-impact"))
    return out
