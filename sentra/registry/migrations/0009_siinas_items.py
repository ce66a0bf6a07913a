"""SIINas reporting items on the enterprise record (issue 13 point 6; Permenperin 13/2025 Pasal 7):
installed capacity, production, raw materials, land and building value, water, fuel and electricity
use, machines, and the year the figures are for.

Every column is nullable or has a constant database default, so neither database rewrites the
table: PostgreSQL 11+ adds such a column in the catalogue only, and on SQLite AddFieldInPlace runs
SQLite's own ALTER TABLE ADD COLUMN (Django's SQLite backend would copy the 4.4 million rows once per
NOT NULL column, as core.versioning.AddVersionField explains).
"""

import django.core.validators
from django.db import migrations, models


class AddFieldInPlace(migrations.AddField):
    """AddField that, on SQLite, adds the column with ALTER TABLE ADD COLUMN (its DEFAULT included)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "sqlite":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        field = model._meta.get_field(self.name)
        definition, params = schema_editor.column_sql(model, field, include_default=True)
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"ALTER TABLE {quote(model._meta.db_table)} ADD COLUMN {quote(field.column)} {definition}",
            params or None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_enterprise_unit"),
    ]

    operations = [
        AddFieldInPlace(
            model_name="enterprise",
            name="data_year",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Tahun yang diwakili data produksi dan pemakaian di atas (laporan SIINas).",
                null=True,
                validators=[
                    django.core.validators.MinValueValidator(1900),
                    django.core.validators.MaxValueValidator(2100),
                ],
                verbose_name="tahun data",
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="electricity_unit",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="Misalnya kWh.",
                max_length=20,
                verbose_name="satuan listrik",
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="electricity_use",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=14,
                null=True,
                verbose_name="pemakaian listrik per tahun",
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="fuel_type",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="Misalnya solar, LPG, kayu bakar.",
                max_length=50,
                verbose_name="jenis bahan bakar",
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="fuel_unit",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="Misalnya liter.",
                max_length=20,
                verbose_name="satuan bahan bakar",
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="fuel_use",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=14,
                null=True,
                verbose_name="pemakaian bahan bakar per tahun",
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="installed_capacity",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                help_text="Per tahun, dalam satuan kapasitas.",
                max_digits=14,
                null=True,
                verbose_name="kapasitas terpasang",
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="land_building_value",
            field=models.PositiveBigIntegerField(
                blank=True, null=True, verbose_name="nilai tanah dan bangunan (Rp)"
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="machine_count",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="jumlah mesin/peralatan"),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="machines",
            field=models.TextField(
                blank=True,
                db_default="",
                default="",
                help_text="Jenis dan jumlahnya.",
                verbose_name="mesin/peralatan utama",
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="other_raw_materials",
            field=models.TextField(
                blank=True,
                db_default="",
                default="",
                help_text="Satu per baris: nama, jumlah, satuan, asal.",
                verbose_name="bahan baku lain",
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="production_quantity",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=14,
                null=True,
                verbose_name="jumlah produksi per tahun",
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="production_unit",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="Misalnya kg.",
                max_length=30,
                verbose_name="satuan produksi",
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="raw_material",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=200, verbose_name="bahan baku utama"
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="raw_material_origin",
            field=models.CharField(
                blank=True,
                choices=[("domestic", "Dalam negeri"), ("imported", "Impor")],
                db_default="",
                default="",
                max_length=10,
                verbose_name="asal bahan baku",
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="raw_material_quantity",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=14,
                null=True,
                verbose_name="jumlah bahan baku per tahun",
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="raw_material_unit",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=30, verbose_name="satuan bahan baku"
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="water_unit",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="Misalnya m³.",
                max_length=20,
                verbose_name="satuan air",
            ),
        ),
        AddFieldInPlace(
            model_name="enterprise",
            name="water_use",
            field=models.DecimalField(
                blank=True, decimal_places=2, max_digits=14, null=True, verbose_name="pemakaian air per tahun"
            ),
        ),
    ]
