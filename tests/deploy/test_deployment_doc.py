"""docs/deployment.md shows the files in docs/deploy/ as they are: each block marked
`<!-- file: PATH -->` must equal that file, so the tested config is the documented one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DOC = ROOT / "docs" / "deployment.md"
BLOCK = re.compile(r"<!-- file: (\S+) -->\n```\w*\n(.*?)```", re.S)


def test_it_shows_every_deploy_file_as_it_is():
    blocks = dict(BLOCK.findall(DOC.read_text()))
    files = {str(p.relative_to(ROOT)) for p in (ROOT / "docs" / "deploy").iterdir()}
    assert set(blocks) == files
    for path, shown in blocks.items():
        assert shown == (ROOT / path).read_text(), f"{path} differs from docs/deployment.md"


def test_it_documents_the_cli_commands_it_uses():
    from click.testing import CliRunner

    from jadugar.cli import main

    text = DOC.read_text()
    for command in re.findall(r"`jadugar (db \w+|user create|serve|collect)\b", text):
        r = CliRunner().invoke(main, [*command.split(), "--help"])
        assert r.exit_code == 0, command
