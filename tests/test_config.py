import re
from pathlib import Path

import click
import pytest

from jadugar import config
from jadugar.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_it_uses_defaults_when_nothing_is_set():
    cfg = config.load({})
    assert cfg.port == 8050 and cfg.host == "127.0.0.1"
    assert cfg.anonymous_view is False and cfg.database_url is None


@pytest.mark.parametrize("name,value", [
    ("JADUGAR_PORT", "eighty"), ("JADUGAR_ANONYMOUS_VIEW", "maybe"),
    ("JADUGAR_LOG_LEVEL", "LOUD"), ("JADUGAR_MAX_BODY_BYTES", "-1"),
    ("JADUGAR_READ_DATABASE_URL", "mysql://replica/jadugar"),
])
def test_it_names_the_bad_setting(name, value):
    with pytest.raises(config.ConfigError, match=name):
        config.load({name: value})


def test_it_documents_every_setting_in_the_readme():
    missing = [s.name for s in config.SETTINGS if f"`{s.name}`" not in README]
    assert not missing, f"settings missing from README.md: {missing}"


def _commands(group: click.Group, prefix: str = "") -> list[str]:
    names = []
    for name, cmd in group.commands.items():
        full = f"{prefix}{name}"
        names.append(full)
        if isinstance(cmd, click.Group):
            names.extend(_commands(cmd, full + " "))
    return names


def test_it_documents_every_cli_command_in_the_readme():
    missing = [c for c in _commands(main) if not re.search(rf"`jadugar {c}\b", README)]
    assert not missing, f"CLI commands missing from README.md: {missing}"
