"""No lost updates (issue 12, point 3): every write of a registry record counts its version up, and
an update or a delete that names the version it saw is refused with `stale` once someone else wrote.

The rule lives in core.versioning (Versioned.save, lock_latest, check_version) and the services'
`expected_version`; the API (ETag/If-Match) and the web form (hidden version) hand the version in.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sentra.audit.models import AuditEvent
from sentra.audit.services import restore_version, snapshot
from sentra.core.errors import StaleVersion
from sentra.registry import services
from sentra.registry.imports import import_centres, import_enterprises
from sentra.registry.models import Centre, Enterprise
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def fresh(record):
    return type(record).objects.get(pk=record.pk)


def test_a_new_record_is_version_1_and_every_save_counts_one_up(system_actor):
    enterprise = EnterpriseFactory(name="UD Amplang Bahari")
    assert enterprise.version == 1
    services.enterprise_update(actor=system_actor, enterprise=enterprise, workers=7)
    assert enterprise.version == 2 == fresh(enterprise).version
    stale_copy = Enterprise.objects.get(pk=enterprise.pk)
    stale_copy.version = 1  # a copy that believes it is still version 1 saves: the database counts
    stale_copy.save()
    assert stale_copy.version == 3 == fresh(enterprise).version


def test_an_update_with_the_version_it_saw_is_refused_once_someone_else_wrote(system_actor):
    enterprise = EnterpriseFactory(name="UD Amplang Bahari", workers=4)
    mine, theirs = fresh(enterprise), fresh(enterprise)  # two people open the same record
    services.enterprise_update(actor=system_actor, enterprise=theirs, expected_version=1, workers=9)
    with pytest.raises(StaleVersion) as caught:
        services.enterprise_update(actor=system_actor, enterprise=mine, expected_version=1, workers=5)
    assert caught.value.code == "stale" and caught.value.current == 2
    stored = fresh(enterprise)
    assert (stored.workers, stored.version) == (9, 2)  # theirs holds; nothing of mine was written


def test_without_a_version_an_update_applies_its_fields_to_the_latest_row(system_actor):
    enterprise = EnterpriseFactory(name="UD Amplang Bahari", workers=4, owner_name="Siti")
    mine, theirs = fresh(enterprise), fresh(enterprise)
    services.enterprise_update(actor=system_actor, enterprise=theirs, owner_name="Rahma")
    # `mine` was read before their change: only the field I send is written, theirs stays.
    services.enterprise_update(actor=system_actor, enterprise=mine, workers=5)
    stored = fresh(enterprise)
    assert (stored.owner_name, stored.workers, stored.version) == ("Rahma", 5, 3)


def test_centre_and_product_updates_check_the_version_too(system_actor):
    centre = CentreFactory(name="Sentra Amplang")
    seen = fresh(centre).version
    services.centre_update(
        actor=system_actor, centre=fresh(centre), expected_version=seen, commodity="Kerupuk"
    )
    with pytest.raises(StaleVersion):
        services.centre_update(
            actor=system_actor, centre=fresh(centre), expected_version=seen, commodity="Amplang"
        )
    assert fresh(centre).commodity == "Kerupuk"
    product = services.product_create(
        actor=system_actor, agency=centre.agency, centre=centre, name="Amplang 250 g"
    )
    services.product_update(
        actor=system_actor, product=fresh(product), expected_version=1, name="Amplang 500 g"
    )
    with pytest.raises(StaleVersion):
        services.product_update(
            actor=system_actor, product=fresh(product), expected_version=1, name="Amplang"
        )
    assert fresh(product).name == "Amplang 500 g"


def test_a_delete_with_a_stale_version_deletes_nothing(system_actor):
    enterprise = EnterpriseFactory(name="UD Amplang Bahari")
    seen = fresh(enterprise)
    services.enterprise_update(actor=system_actor, enterprise=fresh(enterprise), workers=9)
    with pytest.raises(StaleVersion):
        services.record_delete(actor=system_actor, record=seen, expected_version=1)
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()
    services.record_delete(actor=system_actor, record=seen, expected_version=2)
    assert not Enterprise.objects.filter(pk=enterprise.pk).exists()


def test_the_history_holds_no_version_and_a_restore_counts_up(system_actor):
    enterprise = EnterpriseFactory(name="UD Amplang Bahari", workers=4)
    services.enterprise_update(actor=system_actor, enterprise=fresh(enterprise), workers=9)
    assert "version" not in snapshot(fresh(enterprise))
    event = AuditEvent.objects.filter(object_id=enterprise.pk).order_by("id").last()
    assert "version" not in event.changes
    first = AuditEvent.objects.filter(object_id=enterprise.pk).order_by("id").first()
    services.enterprise_update(actor=system_actor, enterprise=fresh(enterprise), workers=12)  # version 3
    restore_version(actor=system_actor, event=first)
    assert fresh(enterprise).version == 4  # a restore is a write: never back to an old version


ENTERPRISE_HEADER = "nama_usaha,nama_pemilik,nib,kbli,kode_wilayah,tenaga_kerja,investasi,status"
CENTRE_HEADER = "nama_sentra,komoditas,kbli,kode_wilayah"


def write(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_import_that_updates_a_record_counts_its_version_up(tmp_path, ministry_agency, actor):
    row = "UD Amplang Saloloang,Siti Aminah,9120001234567,10794,64.09.01.1001,{workers},50000000,Aktif"
    import_enterprises(
        actor=actor,
        path=write(tmp_path, f"{ENTERPRISE_HEADER}\n{row.format(workers=4)}\n", "a.csv"),
        commit=True,
    )
    unit = Enterprise.objects.get(nib="9120001234567")
    assert unit.version == 1  # inserted without the ORM: the column's database default
    form_opened_at = unit.version
    report = import_enterprises(
        actor=actor,
        path=write(tmp_path, f"{ENTERPRISE_HEADER}\n{row.format(workers=30)}\n", "b.csv"),
        commit=True,
    )
    assert report.updated == 1
    assert fresh(unit).version == 2
    # An edit form opened before the import does not overwrite the import's change unseen.
    with pytest.raises(StaleVersion):
        services.enterprise_update(actor=actor, enterprise=unit, expected_version=form_opened_at, workers=5)
    assert fresh(unit).workers == 30


def test_a_centre_import_that_updates_a_centre_counts_its_version_up(tmp_path, ministry_agency, actor):
    text = f"{CENTRE_HEADER}\nSentra Amplang,Amplang,10794,64.09.01.1001\n"
    import_centres(actor=actor, path=write(tmp_path, text, "c.csv"), commit=True)
    centre = Centre.objects.get(name="Sentra Amplang")
    assert centre.version == 1
    import_centres(
        actor=actor, path=write(tmp_path, text.replace(",Amplang,", ",Kerupuk,"), "d.csv"), commit=True
    )
    assert (fresh(centre).commodity, fresh(centre).version) == ("Kerupuk", 2)


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "postgresql",
    reason="real concurrent transactions: PostgreSQL (SQLite serializes every write transaction)",
)
# Transactional: flush only these apps' tables afterwards, never the session's reference data (a flush
# of regions/KBLI left the kill tests that follow with no village or KBLI to write).
@pytest.mark.django_db(
    transaction=True,
    available_apps=[
        "sentra.core",
        "sentra.accounts",
        "sentra.audit",
        "sentra.agencies",
        "sentra.registry",
        "django.contrib.auth",
        "django.contrib.contenttypes",
    ],
)
def test_concurrent_updates_with_the_same_version_exactly_one_wins(regency_agency):
    """The audit's race: 20 pairs of writers who read the same version at once. Each pair has exactly
    one winner, the other is told `stale`, and the winner's change is what is stored."""
    import threading

    from django.db import connection

    from sentra.accounts.scope import system_actor

    actor = system_actor()
    for attempt in range(20):
        enterprise = EnterpriseFactory(agency=regency_agency, name=f"UD Balapan {attempt}", workers=1)
        start = threading.Barrier(2)
        outcome: dict[int, str] = {}

        def write(workers: int, enterprise=enterprise, start=start, outcome=outcome) -> None:
            try:
                copy = Enterprise.objects.get(pk=enterprise.pk)
                start.wait()
                services.enterprise_update(actor=actor, enterprise=copy, expected_version=1, workers=workers)
                outcome[workers] = "saved"
            except StaleVersion:
                outcome[workers] = "stale"
            finally:
                connection.close()

        threads = [threading.Thread(target=write, args=(n,)) for n in (10, 20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcome.values()) == ["saved", "stale"], outcome
        winner = next(n for n, result in outcome.items() if result == "saved")
        stored = fresh(enterprise)
        assert (stored.workers, stored.version) == (winner, 2)
