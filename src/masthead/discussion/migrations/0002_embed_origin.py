from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDITOR_PERMISSIONS = ["add_embedorigin", "change_embedorigin", "delete_embedorigin", "view_embedorigin"]


def grant(apps, schema_editor):
    # Editors manage the embedding sites; permissions are normally only made after migrate.
    app_config = apps.get_app_config("discussion")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    editors = apps.get_model("auth", "Group").objects.filter(name="Editors").first()
    if editors is not None:
        Permission = apps.get_model("auth", "Permission")
        editors.permissions.add(
            *Permission.objects.filter(content_type__app_label="discussion", codename__in=EDITOR_PERMISSIONS)
        )


def revoke(apps, schema_editor):
    editors = apps.get_model("auth", "Group").objects.filter(name="Editors").first()
    if editors is not None:
        Permission = apps.get_model("auth", "Permission")
        editors.permissions.remove(
            *Permission.objects.filter(content_type__app_label="discussion", codename__in=EDITOR_PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0001_initial"),
        ("publishing", "0003_editorial_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="EmbedOrigin",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "origin",
                    models.CharField(
                        help_text="The site's address without a path, e.g. https://blog.example.org",
                        max_length=255,
                        unique=True,
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        blank=True, help_text="Who runs it, for the newsroom's own notes.", max_length=120
                    ),
                ),
                ("enabled", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "embedding site",
                "ordering": ["origin"],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
