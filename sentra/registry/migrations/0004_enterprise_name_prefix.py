"""PostgreSQL: names starting with a one- or two-letter term, from an index.

Such a term has no trigram (migration 0003), so the selector asks for `istartswith`, which Django
writes `UPPER(name::text) LIKE UPPER('ba%')`; a text_pattern_ops B-tree on that expression serves
it as a range. SQLite needs nothing: the selector turns the prefix into ranges on `name`.
"""

from django.db import migrations


def _run(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_enterprise_search")]

    operations = [
        migrations.RunPython(
            _run(
                "CREATE INDEX IF NOT EXISTS enterprise_name_upper_prefix ON registry_enterprise "
                "(UPPER(name::text) text_pattern_ops)"
            ),
            _run("DROP INDEX IF EXISTS enterprise_name_upper_prefix"),
        ),
    ]
