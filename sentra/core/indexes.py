"""A table's secondary indexes set aside for a bulk write and built again at its end, in the writer's
transaction.

Every row written into a table costs an insert into each of its indexes; when a write is most of the
table (a first import of a region, a recount of most villages), building each index once, sorted, at
the end is cheaper. Used by the enterprise import (registry.imports._DeferredIndexes, which adds the
SQLite search trigger) and by the analytics recount after such an import (analytics.aggregates).

Kept: every unique index (the primary key, and the constraints that must fail on the row that breaks
them) and whatever `keep` names. Both databases' schema changes are transactional: an error, or a
process killed mid-write, rolls the DROP back with the rows, so the table never lacks an index.

Readers: SQLite's keep seeing the committed table (WAL). PostgreSQL's DROP INDEX locks the table until
the writer commits, so its readers wait for the write. The lock is asked for with a short
`lock_timeout` inside a savepoint: when a reader holds the table that long, the indexes stay and the
write goes on row by row (`drop` returns False), rather than queue every later reader behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import OperationalError, transaction


class IndexesSetAside:
    LOCK_TIMEOUT = "1s"  # PostgreSQL: how long a bulk write waits for readers before keeping the indexes

    def __init__(
        self,
        db: Any,
        table: str,
        *,
        keep: Callable[[str, str], bool] = lambda name, sql: False,
        triggers: tuple[str, ...] = (),
    ) -> None:
        """`db`: a Django connection; `keep(name, sql)`: indexes to leave in place; `triggers`: SQLite
        triggers of the table to drop with the indexes and create again after them (the caller fills
        in what they would have done, e.g. a search table, before `restore` recreates them)."""
        self.db = db
        self.table = table
        self.keep = keep
        self.triggers = triggers
        self.deferred: list[str] = []  # the CREATE statements of what was set aside, in order
        self.set_aside = False  # whether this write dropped them (stays True after restore)

    def drop(self) -> bool:
        """Drop the table's non-unique indexes (and triggers); False when they stay (PostgreSQL: a
        reader held the table longer than LOCK_TIMEOUT)."""
        postgres = self.db.vendor == "postgresql"
        with self.db.cursor() as cursor:
            found = [
                (name, sql) for name, sql in self._droppable(cursor, postgres) if not self.keep(name, sql)
            ]
            if postgres:
                if not self._drop_postgresql(cursor, found):
                    return False
            else:
                for name, _sql in found:
                    kind = "TRIGGER" if name in self.triggers else "INDEX"
                    cursor.execute(f'DROP {kind} "{name}"')  # names read from sqlite_master just now
        self.deferred = [sql for _name, sql in found]
        self.set_aside = True
        return True

    def _droppable(self, cursor: Any, postgres: bool) -> list[tuple[str, str]]:
        """(name, CREATE statement) of the table's non-unique indexes (SQLite: and `triggers`)."""
        if postgres:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename = %s AND indexdef NOT LIKE 'CREATE UNIQUE%%' ORDER BY indexname",
                [self.table],
            )
            return cursor.fetchall()
        cursor.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL AND "
            "(type = 'index' AND sql NOT LIKE 'CREATE UNIQUE%%' OR type = 'trigger') ORDER BY type, name",
            [self.table],
        )
        return [
            (name, sql) for kind, name, sql in cursor.fetchall() if kind == "index" or name in self.triggers
        ]

    def _drop_postgresql(self, cursor: Any, found: list[tuple[str, str]]) -> bool:
        cursor.execute("SELECT current_setting('lock_timeout')")
        previous = cursor.fetchone()[0]
        try:
            with transaction.atomic(using=self.db.alias):  # a savepoint
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [self.LOCK_TIMEOUT])
                # The rows' deferred foreign-key checks are due first: PostgreSQL changes no index of
                # a table with pending trigger events (they would run at the commit anyway).
                self.db.check_constraints()
                for name, _sql in found:
                    cursor.execute(f'DROP INDEX "{name}"')  # names read from pg_indexes just now
        except OperationalError:  # lock_timeout: a reader holds the table; keep the indexes
            return False
        finally:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
        return True

    def restore(self, before_triggers: Callable[[Any], None] | None = None) -> None:
        """Build the indexes again with their own SQL; then `before_triggers(cursor)`, then the triggers."""
        if not self.deferred:
            return
        if self.db.vendor == "postgresql":
            self.db.check_constraints()  # as before the DROP: no pending trigger events
        with self.db.cursor() as cursor:
            for sql in self.deferred:
                if not sql.startswith("CREATE TRIGGER"):
                    cursor.execute(sql)  # the table's own statement from sqlite_master / pg_indexes
            if before_triggers is not None:
                before_triggers(cursor)
            for sql in self.deferred:
                if sql.startswith("CREATE TRIGGER"):
                    cursor.execute(sql)
        self.deferred = []
