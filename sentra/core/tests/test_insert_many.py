"""core.imports.insert_many: plain rows by executemany (SQLite) or COPY (PostgreSQL), with columns that
every row leaves NULL or empty written without a value per row."""

from __future__ import annotations

import pytest
from django.db import connection

from sentra.core.imports import insert_many
from sentra.regions.models import Kbli

pytestmark = pytest.mark.django_db


def test_fixed_columns_are_written_as_null_and_empty_in_every_row():
    table = Kbli._meta.db_table
    rows = [("99991", "Satu", 5), ("99992", "Dua", 5)]
    insert_many(connection, table, ("code", "title", "level"), rows, {"description": "", "parent_id": None})
    written = Kbli.objects.filter(code__in=["99991", "99992"]).order_by("code")
    assert [(k.code, k.title, k.level, k.description, k.parent_id) for k in written] == [
        ("99991", "Satu", 5, "", None),
        ("99992", "Dua", 5, "", None),
    ]


def test_a_fixed_value_other_than_null_or_empty_is_refused_before_anything_is_written():
    with pytest.raises(ValueError, match="None or ''"):
        insert_many(connection, Kbli._meta.db_table, ("code", "title"), [("99993", "Tiga")], {"level": 5})
    assert not Kbli.objects.filter(code="99993").exists()
