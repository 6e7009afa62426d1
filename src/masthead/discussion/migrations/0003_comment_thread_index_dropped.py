"""Drop the comment table's index on thread_id alone: every other index that starts with
thread_id serves its lookups, and each posted comment paid for keeping it.

DROP INDEX on both databases: Django's AlterField would rebuild the whole table on SQLite.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0002_embed_origin"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="comment",
                    name="thread",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="comments",
                        to="discussion.thread",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "discussion_comment_thread_id_f0db2e1e"',
                    reverse_sql='CREATE INDEX "discussion_comment_thread_id_f0db2e1e" '
                    'ON "discussion_comment" ("thread_id")',
                ),
            ],
        ),
    ]
