"""An index on Wagtail's ``url_path``: the router finds a page by its path in one query
(``masthead.publishing.sites.route_below``). Wagtail ships the column without one."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0003_editorial_groups"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS masthead_page_url_path ON wagtailcore_page (url_path)",
            reverse_sql="DROP INDEX IF EXISTS masthead_page_url_path",
        ),
    ]
