"""An enterprise record is a unit: NIB + KBLI + village (issue 13 point 4; domain-facts §7.2: one NIB,
as OSS-RBA issues it, covers several KBLI and several locations).

The NIB loses its own unique index and the unit key gets one (unique where a NIB is present, led by
the NIB so that every NIB lookup still reads an index). No row changes: a unique NIB was already a
unique unit, so every record and its audit history stay as they are (ids are kept).

PostgreSQL drops the NIB's unique constraint and builds the new index. SQLite cannot drop a UNIQUE
written into CREATE TABLE, so Django copies the table once (ids kept, indexes built after the copy);
dropping the old table drops the triggers that keep the search index of migration 0003 in step, so
they are created again after the copy (and after the copy back when migrating backwards). The FTS
table itself is keyed by id and stays valid. Going back fails while a NIB holds several units.
"""

import importlib

import django.core.validators

from django.db import migrations, models

SEARCH = importlib.import_module("sentra.registry.migrations.0003_enterprise_search")
TRIGGERS = [sql for sql in SEARCH.SQLITE_CREATE if sql.lstrip().startswith("CREATE TRIGGER")]


def search_triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in TRIGGERS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_manufacturing_and_lifecycle")]

    operations = [
        # Backwards, the copy of AlterField below drops the triggers: this puts them back last.
        migrations.RunPython(migrations.RunPython.noop, search_triggers_again, elidable=False),
        migrations.AlterField(
            model_name="enterprise",
            name="nib",
            field=models.CharField(
                blank=True,
                help_text=(
                    "Nomor Induk Berusaha, 13 angka. Satu NIB dapat memiliki beberapa unit usaha (KBLI "
                    "dan/atau lokasi berbeda)."
                ),
                max_length=13,
                null=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^\\d{13}$", "NIB harus terdiri dari 13 angka.", code="nib_format"
                    )
                ],
                verbose_name="NIB",
            ),
        ),
        migrations.AddConstraint(
            model_name="enterprise",
            constraint=models.UniqueConstraint(
                condition=models.Q(("nib__isnull", False)),
                fields=("nib", "kbli", "village"),
                name="enterprise_unit",
                violation_error_code="unit_exists",
                violation_error_message=(
                    "Unit usaha dengan NIB, KBLI dan desa/kelurahan ini sudah terdaftar; satu NIB dapat "
                    "memiliki beberapa unit, masing-masing dengan KBLI atau lokasi yang berbeda."
                ),
            ),
        ),
        migrations.RunPython(search_triggers_again, migrations.RunPython.noop, elidable=False),
    ]
