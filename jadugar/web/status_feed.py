"""/status/<slug>/feed.atom: the incidents of a public status page as an Atom feed (RFC
4287), one entry per incident with its updates, newest first. Public like the page, and as
narrow: titles, impacts, states, times and messages; no ids, authors or checks. Entry ids
are the incidents' public keys, so a reader sees an updated incident as the same entry."""

from __future__ import annotations

import uuid
from typing import Any
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, request

from jadugar import db
from jadugar.services import status_pages
from jadugar.timeutil import iso, utcnow

bp = Blueprint("status_feed", __name__)
ATOM = "http://www.w3.org/2005/Atom"
IMPACT_WORDS = {"none": "no impact", "minor": "minor impact", "major": "major impact",
                "critical": "critical impact"}


def _add(parent: ET.Element, tag: str, value: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = value
    return element


def _summary(incident: dict[str, Any]) -> str:
    """Plain text: the impact and state, then each update, newest first."""
    state = "Resolved" if incident["resolved_at"] else incident["state"].capitalize()
    lines = [f"{state} ({IMPACT_WORDS[incident['impact']]})"]
    lines += [f"{iso(u['at']) if not isinstance(u['at'], str) else u['at']} "
              f"{u['state'].capitalize()}: {u['message']}" for u in incident["updates"]]
    return "\n\n".join(lines)


def _updated(incident: dict[str, Any]) -> str:
    stamps = [u["at"] for u in incident["updates"]] or [incident["created_at"]]
    return max(s if isinstance(s, str) else iso(s) for s in stamps)


def render(view: dict[str, Any], base: str) -> bytes:
    page_url = f"{base}/status/{view['slug']}"
    feed = ET.Element("feed", {"xmlns": ATOM})
    _add(feed, "id", "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, page_url)))
    _add(feed, "title", view["title"])
    entries = view["incidents"]
    _add(feed, "updated", max((_updated(i) for i in entries), default=iso(utcnow())))
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    _add(feed, "link", rel="self", type="application/atom+xml", href=page_url + "/feed.atom")
    _add(_add(feed, "author"), "name", view["title"])
    for incident in entries:
        entry = _add(feed, "entry")
        _add(entry, "id", f"urn:uuid:{incident['key']}")
        _add(entry, "title", incident["title"])
        _add(entry, "published", iso(incident["created_at"]))
        _add(entry, "updated", _updated(incident))
        _add(entry, "link", rel="alternate", type="text/html",
             href=f"{page_url}#incident-{incident['key']}")
        _add(entry, "category", term=incident["impact"])
        _add(entry, "content", _summary(incident), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@bp.get("/status/<slug>/feed.atom")
def status_feed(slug: str) -> Response:
    with db.connection() as conn:
        view = status_pages.feed_view(conn, slug)
    return Response(render(view, request.url_root.rstrip("/")),
                    content_type="application/atom+xml; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=60"})
