"""The noise-control settings (a rule's max_reminders and group_by, a target's min_severity)
are config like any other: applied, exported only when not the default, round-tripped."""

from support import apply

from jadugar.services import config_io

FILE = """\
applications:
  - slug: shop
    name: Shop
    checks:
      - name: home
        type: tcp
        target: shop.internal:443
        interval_s: 30
        rules:
          - kind: consecutive_failures
            threshold: 5
            max_reminders: 1
            group_by: check
notification_targets:
  - name: pager
    url: ${PAGER_URL}
    min_severity: critical
"""
ENV = {"PAGER_URL": "json://pager.example/hook"}


def test_noise_settings_apply_and_export_back(conn):
    apply(conn, FILE, env=ENV.get)
    doc = config_io.load(config_io.export(conn))
    rule = doc["applications"][0]["checks"][0]["rules"][-1]
    assert rule["max_reminders"] == 1 and rule["group_by"] == "check"
    assert doc["notification_targets"][0]["min_severity"] == "critical"
    default_rules = [r for r in doc["applications"][0]["checks"][0]["rules"]
                     if r is not rule]
    assert all("max_reminders" not in r and "group_by" not in r for r in default_rules)


def test_a_misspelt_noise_setting_is_refused_at_its_line(conn):
    import pytest

    from jadugar.services.config_io import ConfigFileError

    bad = FILE.replace("max_reminders: 1", "max_reminder: 1")
    with pytest.raises(ConfigFileError, match=r":12: .*max_reminder"):
        apply(conn, bad, env=ENV.get)
