"""The overlap check's stored topic (analytics.models.ActivityTopic): kept by every activity save, trusted
only while current, and the SQL filter on it drops no candidate the check would flag."""

import datetime as dt
import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from sentra.analytics import overlaps
from sentra.analytics.models import ActivityTopic
from sentra.analytics.normalise import RULES
from sentra.analytics.overlaps import overlaps_for, rebuild_topics
from sentra.conftest import PPU
from sentra.programmes.models import Activity
from sentra.programmes.tests.factories import ActivityFactory
from sentra.registry.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

SALOLOANG = "64.09.01.1002"
JUNE, JULY = dt.date(2026, 6, 2), dt.date(2026, 7, 20)


@pytest.fixture
def agencies(db):
    return [
        AgencyFactory(name=f"Instansi {i} Kab. PPU", kind="regency_industry", region_id=PPU) for i in range(3)
    ]


def activity(agency, name, kind="training", description=""):
    act = ActivityFactory(
        agency=agency,
        name=name,
        kind=kind,
        description=description,
        start_date=JUNE,
        end_date=JULY,
        fiscal_year=2026,
    )
    act.locations.set([SALOLOANG])
    return act


def topic(act) -> ActivityTopic:
    return ActivityTopic.objects.get(activity_id=act.pk)


def ids(results):
    return [r.activity_id for r in results]


def test_every_save_keeps_the_topic_with_the_activitys_version(agencies):
    act = activity(agencies[0], "Pelatihan tenun ikat dan batik", description="bagi perajin songket")
    stored = topic(act)
    assert (stored.commodities, stored.forms, stored.rules) == (" batik tenun ", " pelatihan ", RULES)
    assert stored.version == Activity.objects.get(pk=act.pk).version == 1
    act.name = "Pameran kopi"
    act.description = ""
    act.save(update_fields=["name", "description"])
    stored = topic(act)
    assert (stored.commodities, stored.forms) == (" kopi ", " pameran ")
    assert stored.version == Activity.objects.get(pk=act.pk).version == 2
    act.delete()
    assert not ActivityTopic.objects.exists()


def test_the_stored_topic_drops_candidates_in_sql_and_a_stale_one_is_not_trusted(system_actor, agencies):
    mine = activity(agencies[0], "Pelatihan tenun ikat")
    theirs = activity(agencies[1], "Bimtek tenun")
    assert ids(overlaps_for(actor=system_actor, activity=mine)) == [theirs.pk]
    # A (deliberately wrong) current topic of another commodity: the SQL drops the candidate.
    ActivityTopic.objects.filter(activity_id=theirs.pk).update(commodities=" batik ")
    assert overlaps_for(actor=system_actor, activity=mine) == []
    # A write that bypassed the save (version counted up): the stored topic is not trusted.
    Activity.objects.filter(pk=theirs.pk).update(version=F("version") + 1)
    assert ids(overlaps_for(actor=system_actor, activity=mine)) == [theirs.pk]
    # Nor is one computed under other normalisation rules.
    ActivityTopic.objects.filter(activity_id=theirs.pk).update(version=F("version") + 1, rules="older")
    assert ids(overlaps_for(actor=system_actor, activity=mine)) == [theirs.pk]
    # An activity without a stored topic at all (a bulk load) is read by Python.
    ActivityTopic.objects.all().delete()
    assert ids(overlaps_for(actor=system_actor, activity=mine)) == [theirs.pk]


def test_rebuild_writes_missing_and_stale_topics_only(agencies):
    acts = [activity(agencies[0], f"Pelatihan batik {i}") for i in range(3)]
    ActivityTopic.objects.filter(activity_id=acts[0].pk).delete()
    ActivityTopic.objects.filter(activity_id=acts[1].pk).update(rules="older", commodities="")
    assert rebuild_topics(chunk=1) == 2
    assert {t.commodities for t in ActivityTopic.objects.all()} == {" batik "}
    assert all(t.rules == RULES for t in ActivityTopic.objects.all())
    assert rebuild_topics() == 0
    Activity.objects.filter(pk=acts[2].pk).update(version=F("version") + 1)
    assert rebuild_topics([acts[0].pk, acts[1].pk]) == 0
    assert rebuild_topics([acts[2].pk]) == 1
    assert topic(acts[2]).version == Activity.objects.get(pk=acts[2].pk).version


def test_the_rebuild_command_writes_what_is_missing_and_says_how_many(agencies):
    acts = [activity(agencies[0], f"Pelatihan batik {i}") for i in range(2)]
    ActivityTopic.objects.filter(activity_id=acts[1].pk).delete()
    out = io.StringIO()
    call_command("rebuild_topics", stdout=out)
    assert out.getvalue().strip() == "Topik kegiatan diperbarui: 1."
    assert topic(acts[1]).commodities == " batik "
    out = io.StringIO()
    call_command("rebuild_topics", stdout=out)
    assert out.getvalue().strip() == "Topik kegiatan diperbarui: 0."


def test_the_migration_fills_the_topic_of_existing_activities(agencies):
    acts = [activity(agencies[0], "Diklat songket"), activity(agencies[1], "Bantuan mesin mebel")]
    ActivityTopic.objects.all().delete()
    migration = importlib.import_module("sentra.analytics.migrations.0003_activity_topic")
    migration.fill_topics(django_apps, SimpleNamespace(connection=connection))
    assert [(topic(a).commodities, topic(a).forms, topic(a).version) for a in acts] == [
        (" tenun ", " pelatihan ", 1),
        (" mebel ", " bantuan_alat ", 1),
    ]


TITLES = [
    ("Pelatihan tenun ikat", "training"),
    ("Bimtek songket dan batik", "training"),
    ("Pelatihan batik tulis", "wub"),
    ("Diklat desain kemasan", "training"),
    ("Pameran tenun", "exhibition"),
    ("Promosi produk unggulan", "ecommerce"),
    ("Sertifikasi halal kopi", "cert_halal"),
    ("Fasilitasi HKI tenun", "cert_sni"),
    ("Bimtek tenun", "other"),
    ("Kegiatan lainnya", "other"),
    ("Bantuan mesin mebel", "machine_aid"),
    ("Revitalisasi sentra mebel", "revitalisation"),
    ("Kajian potensi tenun", "study"),
    ("Pelatihan menenun", "exhibition"),
]


def test_the_sql_filter_drops_no_candidate_the_check_would_flag(system_actor, agencies, monkeypatch):
    """Every title × kind against every other in one village and period: the same overlaps with the
    stored-topic filter as without it (Python alone), and the filter does drop some."""
    acts = [activity(agencies[i % 3], name, kind) for i, (name, kind) in enumerate(TITLES)]
    drafts = [{"name": "Pelatihan tenun", "kind": ""}, {"name": "Pameran batik", "kind": "other"}]
    drafts = [
        {**d, "fiscal_year": 2026, "start_date": JUNE, "end_date": JULY, "location_codes": [SALOLOANG]}
        for d in drafts
    ]

    def run():
        found = [ids(overlaps_for(actor=system_actor, activity=a, limit=100)) for a in acts]
        return found + [ids(overlaps_for(actor=system_actor, draft=d, limit=100)) for d in drafts]

    with_filter = run()
    read = []
    monkeypatch.setattr(overlaps, "_topic_q", lambda plan, ta: None)
    real_bound = overlaps._topic_bound
    monkeypatch.setattr(overlaps, "_topic_bound", lambda a, ta, b: read.append(b.pk) or real_bound(a, ta, b))
    assert run() == with_filter
    assert sum(map(len, with_filter)) >= 15
    # Without the filter Python reads every candidate; with it, fewer (checked once, on the same data).
    monkeypatch.undo()
    filtered = []
    monkeypatch.setattr(
        overlaps, "_topic_bound", lambda a, ta, b: filtered.append(b.pk) or real_bound(a, ta, b)
    )
    run()
    assert len(filtered) < len(read) / 2
