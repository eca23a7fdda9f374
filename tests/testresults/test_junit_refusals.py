"""Bad reports are refused whole: malformed XML names its line, entities and DTDs are
refused (no XXE, no billion laughs), size and test-case caps answer 413, and a refused
upload leaves no row behind."""

import pytest
from junit_support import report
from sqlalchemy import text

from jadugar import limits

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<testsuite name="s"><testcase name="t"><failure message="&lol9;"/></testcase></testsuite>"""


def _xxe(path) -> bytes:
    return (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{path}">]>'
            '<testsuite name="s"><testcase name="t"><failure message="&x;"/></testcase>'
            "</testsuite>").encode()


def _nothing_written(engine) -> bool:
    with engine.connect() as c:
        return all(c.execute(text(f"select count(*) from {t}")).scalar_one() == 0
                   for t in ("tests", "test_reports", "test_results"))


def test_it_names_the_line_of_malformed_xml(ci, engine):
    r = ci.post(ci.build(), b'<testsuite name="s">\n<testcase name="a">\n</testsuite>')
    assert r.status_code == 422
    assert r.json["error"]["message"].startswith("line 3, column 2: malformed XML")
    assert _nothing_written(engine)


def test_it_refuses_a_billion_laughs(ci, engine):
    r = ci.post(ci.build(), BILLION_LAUGHS)
    assert r.status_code == 422 and "DTD" in r.json["error"]["message"]
    assert _nothing_written(engine)


def test_it_never_reads_a_file_through_an_external_entity(ci, engine, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the-secret")
    r = ci.post(ci.build(), _xxe(secret))
    assert r.status_code == 422 and "the-secret" not in r.get_data(as_text=True)
    assert _nothing_written(engine)


def test_it_refuses_a_report_over_the_size_cap_with_413(ci, engine, monkeypatch):
    monkeypatch.setattr(limits, "JUNIT_BYTES", 200)
    r = ci.post(ci.build(), report(*[f"t{i}" for i in range(20)]))
    assert r.status_code == 413 and r.json["error"]["code"] == "report_too_large"
    assert _nothing_written(engine)


def test_it_takes_a_report_larger_than_the_general_body_limit(ci, dash_app, monkeypatch):
    monkeypatch.setitem(dash_app.server.config, "MAX_CONTENT_LENGTH", 1000)
    r = ci.post(ci.build(), report(*[f"t{i}" for i in range(100)]))
    assert r.status_code == 201 and r.json["tests"] == 100


def test_it_refuses_more_test_cases_than_the_cap_with_413(ci, engine, monkeypatch):
    monkeypatch.setattr(limits, "JUNIT_CASES", 3)
    r = ci.post(ci.build(), report("a", "b", "c", "d"))
    assert r.status_code == 413 and r.json["error"]["code"] == "too_many_test_cases"
    assert _nothing_written(engine)


@pytest.mark.parametrize("xml,words", [
    (b"<results/>", "root element must be"),
    (b'<testsuite name="s"><testcase time="1"/></testsuite>', "has no name"),
    (b'<testsuite name="s"><testcase name="a"/><testcase name="b" time="soon"/>'
     b"</testsuite>", "test case 2 ('b'): time 'soon'"),
    (b"  ", "empty"),
])
def test_it_refuses_a_report_it_cannot_read_and_writes_nothing(ci, engine, xml, words):
    r = ci.post(ci.build(), xml)
    assert r.status_code == 422 and words in r.json["error"]["message"]
    assert _nothing_written(engine)
