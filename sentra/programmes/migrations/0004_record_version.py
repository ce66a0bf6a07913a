# Every editable record of plans and budgets carries a version (issue 12, point 3: no lost updates).
# AddVersionField adds the column in place on PostgreSQL and SQLite alike; see sentra.core.versioning.

from django.db import migrations

from sentra.core.versioning import AddVersionField


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0003_activity_officer_name"),
    ]

    operations = [
        AddVersionField("programme"),
        AddVersionField("activity"),
        AddVersionField("output"),
        AddVersionField("budgetdocument"),
        AddVersionField("budgetline"),
        AddVersionField("disbursementplan"),
        AddVersionField("realisation"),
        AddVersionField("dekonallocation"),
        AddVersionField("budgetpolicy"),
    ]
