"""Hostile XML: entity bombs and external entities are refused quickly with a clear error."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from masthead.transfer.disqus import DisqusReader
from masthead.transfer.wxr import WxrReader
from masthead.transfer.xmlsafe import TransferError

WXR_HEAD = '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>'

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n' for n in range(1, 10)
    )
    + "]>\n"
    + WXR_HEAD
    + "<item><title>&lol9;</title><wp:post_id>1</wp:post_id></item></channel></rss>\n"
)
QUADRATIC = (
    f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "{"x" * 50_000}">]>\n'
    + WXR_HEAD
    + f"<item><title>{'&a;' * 50_000}</title></item></channel></rss>"
)
EXTERNAL_FILE = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    + WXR_HEAD
    + "<item><title>&xxe;</title></item></channel></rss>"
)
EXTERNAL_DTD = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
    + WXR_HEAD
    + "<item><title>&evil;</title></item></channel></rss>"
)
PARAMETER_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE disqus [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x.dtd"> %remote;]>\n'
    '<disqus xmlns="http://disqus.com"></disqus>'
)


@pytest.mark.parametrize(
    ("document", "reader", "expected"),
    [
        (BILLION_LAUGHS, WxrReader, "declares XML entities"),
        (QUADRATIC, WxrReader, "declares XML entities"),
        (EXTERNAL_FILE, WxrReader, "declares XML entities"),
        (EXTERNAL_DTD, WxrReader, "external DTD"),
        (PARAMETER_ENTITY, DisqusReader, "declares XML entities"),
    ],
    ids=["billion-laughs", "quadratic-blowup", "external-file", "external-dtd", "parameter-entity"],
)
def test_entity_tricks_are_refused_fast(tmp_path: Path, document: str, reader: type, expected: str) -> None:
    path = tmp_path / "hostile.xml"
    path.write_text(document)
    started = time.monotonic()
    with pytest.raises(TransferError) as caught:
        list(reader(path))
    assert time.monotonic() - started < 2
    assert expected in str(caught.value)
    assert "root:" not in str(caught.value)  # /etc/passwd never reaches the message


def test_undeclared_entity_reference_is_a_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "undeclared.xml"
    path.write_text(WXR_HEAD + "\n<item><title>&lol1;</title></item></channel></rss>")
    with pytest.raises(TransferError, match=r"line 2: not well-formed XML: Entity 'lol1' not defined"):
        list(WxrReader(path))


def test_plain_doctype_without_entities_is_read(tmp_path: Path) -> None:
    path = tmp_path / "doctype.xml"
    path.write_text(
        "<!DOCTYPE rss>\n"
        + WXR_HEAD
        + "<item><title>Fine</title><wp:post_id>7</wp:post_id></item></channel></rss>"
    )
    (post,) = list(WxrReader(path))
    assert (post.post_id, post.title) == ("7", "Fine")


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_bytes(b"")
    with pytest.raises(TransferError, match="line 1"):
        list(WxrReader(path))
