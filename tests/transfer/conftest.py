"""Transfer fixtures: a trimmed copy of the theme unit test data, and a local uploads folder.

The full theme unit test file takes close to a minute to import (Wagtail publishes every
page, indexes it for search and for references); its exact counts are asserted by the
reader tests. Writer tests import a subset of its real items, picked for what they show.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image as PILImage

WXR = Path("/work/shared/fixtures/wordpress-wxr")
THEME_UNIT = WXR / "WPTT-theme-test-data/themeunittestdata.wordpress.xml"

# 51: featured image 761 and one comment; 155: a page with comments; 1148: the 10-level
# thread; 1149: pingbacks and trackbacks; 1153: scheduled; 1163: [caption] image; 1164: draft;
# 1168: password; 1170: no content; 1173/1174: titles with markup and special characters.
THEME_SUBSET = {"51", "155", "761", "1148", "1149", "1153", "1163", "1164", "1168", "1170", "1173", "1174"}


def wxr_subset(source: Path, target: Path, post_ids: set[str]) -> Path:
    """A copy of ``source`` keeping the channel header and only the items in ``post_ids``."""
    tree = etree.parse(str(source), etree.XMLParser(resolve_entities=False, no_network=True))
    channel = tree.getroot().find("channel")
    for item in channel.findall("item"):
        post_id = next((child.text for child in item if etree.QName(child).localname == "post_id"), "")
        if post_id not in post_ids:
            channel.remove(item)
    tree.write(str(target), xml_declaration=True, encoding="UTF-8")
    return target


@pytest.fixture(scope="session")
def theme_subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return wxr_subset(THEME_UNIT, tmp_path_factory.mktemp("wxr") / "theme-subset.xml", THEME_SUBSET)


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of wp-content/uploads holding the one image the subset's featured image needs."""
    uploads = tmp_path_factory.mktemp("media") / "uploads"
    (uploads / "2008" / "06").mkdir(parents=True)
    PILImage.new("RGB", (64, 40), (30, 120, 60)).save(
        uploads / "2008/06/dsc20050102_192118_51.jpg", format="JPEG"
    )
    return uploads


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """A transaction spanning one test module, rolled back at its end.

    For modules whose tests all read one expensive import: it is written once, each test
    runs in a savepoint inside it, and nothing outlives the module.
    """
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
