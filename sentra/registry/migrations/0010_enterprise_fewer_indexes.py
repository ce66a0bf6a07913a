"""Two enterprise indexes that no query needs, dropped (issue 14 §6; bench/index_audit.py, RESULTS.md).

- `enterprise_natural_key` (name, village): no read filters on a name and a village together. The
  import finds the records of a batch's villages by `village_id IN (…)` (the village index) and
  the national list's name order is `enterprise_name` (name, id).
- the foreign key index of `kbli` (and, on PostgreSQL, its `varchar_pattern_ops` twin for LIKE):
  `enterprise_kbli_regency` (kbli, regency_code) starts with the same column and serves every
  KBLI filter (a code, a division's range) and the delete check of a KBLI code.

Each insert into the table maintained them; a DROP INDEX is instant at 4.4 million rows. The field's
`db_index=False` is recorded in the state only: Django's SQLite backend would copy the whole table
to change it, so the index is dropped by name (the name Django gave it, on both databases).
"""

from django.db import migrations, models

import sentra.registry.models

TABLE = "registry_enterprise"


def kbli_index_names(schema_editor) -> list[str]:
    name = schema_editor._create_index_name(TABLE, ["kbli_id"], suffix="")
    if schema_editor.connection.vendor == "postgresql":
        return [name, schema_editor._create_index_name(TABLE, ["kbli_id"], suffix="_like")]
    return [name]


def drop_kbli_index(apps, schema_editor):
    for name in kbli_index_names(schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create_kbli_index(apps, schema_editor):
    quote = schema_editor.quote_name
    plain, *like = kbli_index_names(schema_editor)
    schema_editor.execute(f"CREATE INDEX {quote(plain)} ON {quote(TABLE)} ({quote('kbli_id')})")
    for name in like:
        schema_editor.execute(
            f"CREATE INDEX {quote(name)} ON {quote(TABLE)} ({quote('kbli_id')} varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("registry", "0009_siinas_items"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="enterprise", name="enterprise_natural_key"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="enterprise",
                    name="kbli",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.PROTECT,
                        related_name="+",
                        to="regions.kbli",
                        validators=[sentra.registry.models.validate_manufacturing_kbli],
                        verbose_name="KBLI",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_kbli_index, create_kbli_index)],
        ),
    ]
