"""The import and export commands as an operator runs them, and the progress line."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from masthead.discussion.models import Comment
from masthead.publishing.models import ArticlePage
from masthead.transfer.progress import ProgressLine
from masthead.transfer.services.disqus import disqus_import

IMPORTER = Path("/work/shared/fixtures/wordpress-wxr/wordpress-importer")


@pytest.mark.django_db
def test_wordpress_dry_run_json_report_and_progress_on_stderr() -> None:
    out, err = StringIO(), StringIO()
    call_command(
        "import", "wordpress", str(IMPORTER / "valid-wxr-1.1.xml"), "--dry-run", "--json", "--progress",
        stdout=out, stderr=err,
    )  # fmt: skip
    report = json.loads(out.getvalue())
    assert "\rReading the wordpress export, checking [" in err.getvalue()
    assert "importing [##############################] 100%" in err.getvalue()
    assert report["dry_run"] is True
    assert report["imported"]["articles"] == 1
    assert report["skipped"] == {"WordPress page items (only posts become articles)": 1}
    assert ArticlePage.objects.count() == 0


@pytest.mark.django_db
def test_wordpress_command_names_the_line_of_a_broken_file() -> None:
    with pytest.raises(CommandError, match=r"Nothing was imported\. .*line 33: <wp:wxr_version> is 'abc'"):
        call_command("import", "wordpress", str(IMPORTER / "invalid-version-tag.xml"))


@pytest.mark.django_db
def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("import", "wordpress", str(tmp_path / "nope.xml"))


def test_progress_line_draws_a_bar_per_pass_and_ends_with_a_newline() -> None:
    stream = StringIO()
    progress = ProgressLine(stream, "Reading", interval=0)
    progress(50, 200)
    progress(200, 200)
    progress(100, 200)
    assert "\rReading, checking [#######                       ]  25% (0.0 of 0.0 MB)" in stream.getvalue()
    assert "checking [##############################] 100% (0.0 of 0.0 MB)\n" in stream.getvalue()
    assert stream.getvalue().endswith(
        "\rReading, importing [###############               ]  50% (0.0 of 0.0 MB)"
    )


@pytest.mark.django_db
def test_disqus_identifier_with_a_wordpress_id_finds_the_imported_post(tmp_path: Path) -> None:
    call_command("import", "wordpress", str(IMPORTER / "valid-wxr-1.1.xml"), stdout=StringIO())
    article = ArticlePage.objects.get()
    path = tmp_path / "d.xml"
    path.write_text(
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">\n'
        '<thread dsq:id="9"><id>1 http://elsewhere.invalid/y</id><link>http://elsewhere.invalid/x</link></thread>\n'
        '<post dsq:id="1"><message>Hi</message><createdAt>2012-01-01T10:00:00Z</createdAt>'
        '<author><name>A</name></author><thread dsq:id="9"/></post>\n</disqus>'
    )
    report = disqus_import(path=path)
    assert report.matched["threads matched to articles"] == 1
    assert Comment.objects.get(guest_name="A").thread.page_id == article.pk
