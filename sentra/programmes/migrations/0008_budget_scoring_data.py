"""The data of budget scoring (issue 13.1–2), after the schema of 0006 (kept apart: on PostgreSQL an
UPDATE of a new foreign key in the migration that creates its deferred index fails). Each step only
fills what is not filled yet, so it is safe on a database that ran an earlier 0006 with these steps."""

import calendar
import datetime as dt

from django.db import migrations
from django.db.models import Count, Min, OuterRef, Subquery

# Frozen copies of the rules at the time of this migration (models may change later).
WEIGHTED_FROM = 2024
KNOWN_WINDOWS = {2026: ((2, 19), (4, 15), (7, 14), (10, 14))}
OLD_DEFAULT_MONTHS, OLD_DEFAULT_DAY = [2, 4, 7, 10], 14
CHUNK = 2_000


def fill_policies(apps, schema_editor):
    """Years before 2024 keep the plain-mean rule; the "day N of month M" windows become dates (a
    year whose windows were left at the old defaults gets the dates DJPb published, where known)."""
    BudgetPolicy = apps.get_model("programmes", "BudgetPolicy")
    for policy in BudgetPolicy.objects.filter(rpd_window_q1__isnull=True):  # not filled yet
        months = list(policy.rpd_window_months or OLD_DEFAULT_MONTHS)
        day = policy.rpd_window_last_day or OLD_DEFAULT_DAY
        if policy.fiscal_year in KNOWN_WINDOWS and months == OLD_DEFAULT_MONTHS and day == OLD_DEFAULT_DAY:
            pairs = KNOWN_WINDOWS[policy.fiscal_year]
        else:
            pairs = [(m, day) for m in months]
        for month, d in pairs:
            last = calendar.monthrange(policy.fiscal_year, month)[1]
            setattr(
                policy,
                f"rpd_window_q{(month - 1) // 3 + 1}",
                dt.date(policy.fiscal_year, month, min(d, last)),
            )
        policy.deviation_rule = "weighted" if policy.fiscal_year >= WEIGHTED_FROM else "mean"
        policy.save(
            update_fields=[
                "deviation_rule",
                "rpd_window_q1",
                "rpd_window_q2",
                "rpd_window_q3",
                "rpd_window_q4",
            ]
        )


def fill_realisation_types(apps, schema_editor):
    """A realisation of an activity with a single budget line was spent from that line: two UPDATEs
    (no row is read into Python), whatever the number of rows. Activities with several lines keep
    blank rows (the selectors spread them over the types by that month's plan)."""
    BudgetLine = apps.get_model("programmes", "BudgetLine")
    Realisation = apps.get_model("programmes", "Realisation")
    single = (
        BudgetLine.objects.filter(activity_id=OuterRef("activity_id"))
        .values("activity_id")
        .annotate(n=Count("id"), line=Min("id"))
        .filter(n=1)
        .values("line")
    )
    Realisation.objects.filter(budget_line__isnull=True).update(budget_line=Subquery(single[:1]))
    group = BudgetLine.objects.filter(pk=OuterRef("budget_line_id")).values("account_group")[:1]
    Realisation.objects.filter(budget_line__isnull=False, account_group="").update(
        account_group=Subquery(group)
    )


def first_plan_versions(apps, schema_editor):
    """Every existing RPD becomes its version 0 as it stands (earlier revisions were not kept)."""
    DisbursementPlan = apps.get_model("programmes", "DisbursementPlan")
    Version = apps.get_model("programmes", "DisbursementPlanVersion")
    fields = [f"m{m:02d}" for m in range(1, 13)]
    batch = []
    plans = DisbursementPlan.objects.filter(versions__isnull=True)  # not versioned yet
    for row in plans.values_list("id", "created_at", *fields).iterator(chunk_size=CHUNK):
        batch.append(
            Version(
                plan_id=row[0],
                number=0,
                effective_from=1,
                took_effect_on=row[1].date(),
                months=list(row[2:]),
                created_by="migrasi 0006",
            )
        )
        if len(batch) >= CHUNK:
            Version.objects.bulk_create(batch)
            batch = []
    Version.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0007_policy_rule_of_the_year"),
    ]

    operations = [
        migrations.RunPython(fill_policies, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(fill_realisation_types, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(first_plan_versions, migrations.RunPython.noop, elidable=True),
    ]
