"""Finding 1: applying the demo's own export back reported "85 updated". It now reports every
object unchanged."""

from support import apply

from jadugar.services import config_io, demo


def test_the_demo_export_applied_back_is_unchanged(conn):
    demo.load(conn)
    exported = config_io.export(conn)
    plan = apply(conn, exported, env=lambda _name: None)
    counts = plan.counts()
    assert counts["unchanged"] == len(plan.steps) > 20, plan.lines(unchanged=False)
    assert config_io.export(conn) == exported
