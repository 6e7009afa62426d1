import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportedObject",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("source", models.CharField(max_length=300)),
                ("kind", models.CharField(max_length=40)),
                ("source_id", models.CharField(max_length=300)),
                ("object_id", models.PositiveBigIntegerField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["content_type", "object_id"], name="transfer_imported_target")],
                "constraints": [
                    models.UniqueConstraint(fields=("source", "kind", "source_id"), name="transfer_imported_once")
                ],
            },
        ),
    ]
