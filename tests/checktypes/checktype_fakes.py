"""A plug-in type with form fields and a secret target, registered for one test."""

from __future__ import annotations

from types import MappingProxyType

from jadugar.checks import CheckType, Form, FormField, Schema, Setting, Target, registry
from jadugar.checks import form as readers

FTP = CheckType(
    name="ftp", help="The server lists a folder.",
    target=Target("Server", "ftp://user:pw@files.example", lambda t: None, secret="whole"),
    expect=Schema({"path": Setting("A folder that must exist.", pattern=r"/.*",
                                   example="/incoming")}),
    options=Schema({"passive": Setting("Passive mode.", json="boolean", default=True),
                    "account": Setting("The ACCT command's argument.", secret="value")}),
    form=Form(fields=(
        FormField("ftp_path", "Folder", "expect.path", placeholder="/incoming",
                  read=readers.stripped),
        FormField("ftp_passive", "Passive", "options.passive", "switch", default=True,
                  read=readers.flag))),
)


def with_ftp(monkeypatch) -> None:
    types = MappingProxyType({**registry.discover([]), "ftp": FTP})
    monkeypatch.setattr(registry, "types", lambda: types)
