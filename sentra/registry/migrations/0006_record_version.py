# Every editable record of the registries carries a version (issue 12, point 3: no lost updates).
# AddVersionField adds the column in place on PostgreSQL and SQLite alike (no copy of the 4.4 million
# enterprise rows); see sentra.core.versioning.

from django.db import migrations

from sentra.core.versioning import AddVersionField


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_enterprise_region_workers"),
    ]

    operations = [
        AddVersionField("enterprise"),
        AddVersionField("centre"),
        AddVersionField("decree"),
        AddVersionField("product"),
    ]
