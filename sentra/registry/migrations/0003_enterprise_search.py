"""Substring search over enterprise name and owner that stays fast at 4.4 million rows.

- PostgreSQL: the pg_trgm extension and a trigram GIN index on UPPER(name) and UPPER(owner_name),
  the very expressions Django's `icontains` compares (`UPPER(col::text) LIKE UPPER(%s)`).
- SQLite: an FTS5 external-content table with the trigram tokenizer (SQLite >= 3.34) over the
  same two columns, kept in sync by triggers; `registry.selectors` queries it for terms of three
  characters or more.

Neither is a model index, so the autodetector never sees them; each database gets its own.
"""

from django.db import migrations

FTS_TABLE = "registry_enterprise_fts"

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "name, owner_name, content='registry_enterprise', content_rowid='id', tokenize='trigram')",
    f"""CREATE TRIGGER IF NOT EXISTS registry_enterprise_fts_ai AFTER INSERT ON registry_enterprise BEGIN
        INSERT INTO {FTS_TABLE}(rowid, name, owner_name) VALUES (new.id, new.name, new.owner_name);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS registry_enterprise_fts_ad AFTER DELETE ON registry_enterprise BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, owner_name)
        VALUES ('delete', old.id, old.name, old.owner_name);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS registry_enterprise_fts_au
        AFTER UPDATE OF name, owner_name ON registry_enterprise BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name, owner_name)
        VALUES ('delete', old.id, old.name, old.owner_name);
        INSERT INTO {FTS_TABLE}(rowid, name, owner_name) VALUES (new.id, new.name, new.owner_name);
    END""",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS registry_enterprise_fts_ai",
    "DROP TRIGGER IF EXISTS registry_enterprise_fts_ad",
    "DROP TRIGGER IF EXISTS registry_enterprise_fts_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]

POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS enterprise_name_trgm ON registry_enterprise "
    "USING gin (UPPER(name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS enterprise_owner_trgm ON registry_enterprise "
    "USING gin (UPPER(owner_name::text) gin_trgm_ops)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS enterprise_name_trgm",
    "DROP INDEX IF EXISTS enterprise_owner_trgm",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_verification")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
