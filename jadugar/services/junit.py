"""JUnit XML reports, read safely: the dialects of pytest, Maven Surefire, Gradle, jest-junit,
go-junit-report and JUnit 5's console launcher.

defusedxml parses with expat and refuses any DTD, so entity expansion (billion laughs) and
external entities (XXE) never happen; a report has no use for a DTD. A malformed report is
refused with the line and column expat stopped at. Nothing here touches the database.

A test case's outcome, from its children:
- <failure> → failed, <error> → error (Surefire nests <rerunFailure> in them when every
  re-run failed too: still failed);
- <skipped> → skipped (pytest's xfail included);
- <flakyFailure>/<flakyError> alone (Surefire: failed, then passed on a re-run) → flaky;
- nothing → passed. <system-out>, <system-err> and <properties> are read past.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from jadugar import limits
from jadugar.errors import Invalid, JadugarError

NAME_CHARS = 300  # suite and name each: together they fit a B-tree entry of (project, suite, name)
MESSAGE_BYTES = 4096
FAILING = ("failure", "error")
FLAKY = ("flakyFailure", "flakyError")


@dataclass(frozen=True)
class Case:
    suite: str
    name: str
    status: str  # passed | failed | error | skipped | flaky
    duration_s: float | None
    message: str | None


@dataclass
class Report:
    cases: list[Case] = field(default_factory=list)

    def counts(self) -> dict[str, float | int]:
        by = {"failed": 0, "error": 0, "skipped": 0, "flaky": 0, "passed": 0}
        for case in self.cases:
            by[case.status] += 1
        return {"tests": len(self.cases), "failed": by["failed"], "skipped": by["skipped"],
                "errors": by["error"], "flaky": by["flaky"],
                "duration_s": round(sum(c.duration_s or 0.0 for c in self.cases), 3)}


def parse(raw: bytes, max_cases: int | None = None) -> Report:
    """The report's test cases, in document order; Invalid (422) naming what is wrong.

    Read as a stream: each test case is taken at its end tag and then cleared, so a report
    of 100,000 cases never stands in memory as a whole tree."""
    max_cases = limits.JUNIT_CASES if max_cases is None else max_cases
    report, suites = Report(), []
    try:
        for event, el in iterparse(io.BytesIO(raw), events=("start", "end"),
                                   forbid_dtd=True):
            tag = _local(el.tag)
            if event == "start":
                if not suites and tag not in ("testsuites", "testsuite"):
                    raise Invalid("line 1: the root element must be <testsuites> or "
                                  f"<testsuite>, not <{tag[:50]}>", field="body")
                if tag in ("testsuites", "testsuite"):
                    suites.append(el.get("name") or (suites[-1] if suites else ""))
            elif tag == "testcase":
                if len(report.cases) >= max_cases:
                    raise JadugarError(f"the report has more than {max_cases} test cases; "
                                       "send it in several reports", status=413,
                                       code="too_many_test_cases", field="body")
                report.cases.append(_case(el, suites[-1], len(report.cases) + 1))
                el.clear()
            elif tag in ("testsuites", "testsuite"):
                suites.pop()
                el.clear()
    except ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        raise Invalid(f"line {line}, column {column}: malformed XML ({reason})",
                      field="body") from None
    except DefusedXmlException as exc:
        raise Invalid(f"the report declares a DTD or entities ({type(exc).__name__}); "
                      "JUnit reports need none, and they are refused for safety",
                      field="body") from None
    return report


def _case(el: Element, suite: str, position: int) -> Case:
    name = el.get("name") or ""
    if not name:
        raise Invalid(f"test case {position} (in suite {suite[:100]!r}) has no name",
                      field="body")
    status, message = "passed", None
    for child in el:
        tag = _local(child.tag)
        if tag in FAILING and status not in FAILING:
            status, message = ("failed" if tag == "failure" else "error"), _message(child)
        elif tag == "skipped" and status == "passed":
            status, message = "skipped", child.get("message") or (child.text or "").strip()
        elif tag in FLAKY and status == "passed":
            status, message = "flaky", _message(child)
    # Surefire puts the class in classname and the suite name is the same class; Go and
    # jest put the package or file in classname too. A suite-less case takes its suite's.
    return Case(_clip(el.get("classname") or suite), _clip(name), status,
                _seconds(el.get("time"), position, name), _cap(message))


def _seconds(raw: str | None, position: int, name: str) -> float | None:
    if raw is None or not raw.strip():
        return None
    try:
        # Older Surefire wrote times with a locale's thousands separator ("1,234.5").
        value = float(raw.replace(",", ""))
    except ValueError:
        raise Invalid(f"test case {position} ({name[:100]!r}): time {raw[:40]!r} is not a "
                      "number of seconds", field="body") from None
    if not 0 <= value < 10**7:
        raise Invalid(f"test case {position} ({name[:100]!r}): time {raw[:40]!r} is out of "
                      "range", field="body")
    return value


def _message(el: Element) -> str:
    head, body = (el.get("message") or "").strip(), (el.text or "").strip()
    if not body:  # Surefire's flaky and re-run elements keep the trace in a child
        trace = next((c for c in el if _local(c.tag) == "stackTrace"), None)
        body = (trace.text or "").strip() if trace is not None else ""
    if head and body.startswith(head):
        return body
    return "\n".join(part for part in (head, body) if part)


def _cap(message: str | None) -> str | None:
    """At most MESSAGE_BYTES of UTF-8, cut on a character boundary."""
    if not message:
        return None
    data = message.encode()
    if len(data) <= MESSAGE_BYTES:
        return message
    return data[:MESSAGE_BYTES - 3].decode(errors="ignore") + "..."


def _clip(text: str) -> str:
    return text if len(text) <= NAME_CHARS else text[:NAME_CHARS - 1] + "…"


def _local(tag: object) -> str:
    """The tag without a namespace ({uri}name); comments and PIs have no string tag."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
