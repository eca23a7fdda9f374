"""Every settings write says what it did, naming the object."""

from jadugar.ui.settings_areas import MAINTENANCE, STATUS_PAGES, TARGETS
from jadugar.ui.settings_section import saved


def test_it_names_what_a_save_added():
    assert saved(MAINTENANCE, {"title": " deploy "}).children == \
        "Added maintenance window “deploy”."
    assert saved(TARGETS, {"name": "ops", "url": "x"}).children == \
        "Added notification target “ops”."
    assert saved(STATUS_PAGES, {"slug": "acme", "title": "Acme"}).children == \
        "Added status page “Acme”."
