"""Drop the screening record's indexes no query uses: author_id and content_type_id alone
(the repeat and target indexes start with them) and the fingerprint (only looked up with its
author). A record is written with every published comment, and kept them all up to date.

DROP INDEX on both databases: Django's AlterField would rebuild the whole table on SQLite,
once per field. ``_like`` is the pattern index PostgreSQL had for the fingerprint.
"""

from django.conf import settings
from django.db import migrations, models

_DROPPED = {
    "moderation_screeningrecord_author_id_f8f36be5": '("author_id")',
    "moderation_screeningrecord_content_type_id_2e49e6e8": '("content_type_id")',
    "moderation_screeningrecord_fingerprint_9cade76b": '("fingerprint")',
}


def _drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    names = list(_DROPPED)
    if schema_editor.connection.vendor == "postgresql":
        names.append("moderation_screeningrecord_fingerprint_9cade76b_like")
    for name in names:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def _restore(apps, schema_editor):  # type: ignore[no-untyped-def]
    for name, columns in _DROPPED.items():
        schema_editor.execute(f'CREATE INDEX "{name}" ON "moderation_screeningrecord" {columns}')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'CREATE INDEX "moderation_screeningrecord_fingerprint_9cade76b_like" '
            'ON "moderation_screeningrecord" ("fingerprint" varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("moderation", "0002_group_permissions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="screeningrecord",
                    name="author",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=models.deletion.SET_NULL,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="screeningrecord",
                    name="content_type",
                    field=models.ForeignKey(
                        db_index=False, on_delete=models.deletion.CASCADE, to="contenttypes.contenttype"
                    ),
                ),
                migrations.AlterField(
                    model_name="screeningrecord",
                    name="fingerprint",
                    field=models.CharField(max_length=64),
                ),
            ],
            database_operations=[migrations.RunPython(_drop, _restore)],
        ),
    ]
