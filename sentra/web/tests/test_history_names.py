"""The history page reads as people read (issue 14.2): the owning agency, a village, the submitter by
name, and moments in local time (Asia/Jakarta, WIB) — not "owning agency → 6" or
"2026-11-16T03:00:00+00:00"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.scope import actor_for_user
from sentra.accounts.tests.factories import persona
from sentra.audit.selectors import describe_references
from sentra.conftest import SALOLOANG
from sentra.registry import services
from sentra.registry.models import Enterprise
from sentra.registry.tests.factories import AgencyFactory, EnterpriseFactory
from sentra.verification.services import transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def regency_officer(regency_agency):
    user = persona(Role.REGENCY_OFFICER, agency=regency_agency, username="kab_ppu")
    user.first_name, user.last_name = "Siti", "Rahma"
    user.save()
    return user


def changes_of(response, action: str) -> dict[str, tuple[str, str]]:
    row = next(r for r in response.context["events"] if r["event"].action == action)
    return {c["field"]: (c["before"], c["after"]) for c in row["changes"]}


def history_of_a_new_record(client, user, agency):
    """The history page of an IKM the user has just created through the service (no address)."""
    enterprise = services.enterprise_create(
        actor=actor_for_user(user),
        village_code=SALOLOANG,
        kbli_code="10794",
        agency=agency,
        name="UD Amplang Bahari",
    )
    return client.get(reverse("web:enterprise_history", args=[enterprise.pk]))


def test_the_owning_agency_and_the_village_read_as_names_not_ids(auth_client, user, regency_agency):
    response = history_of_a_new_record(auth_client, user, regency_agency)

    changes = changes_of(response, "create")
    owner = str(Enterprise._meta.get_field("agency").verbose_name)
    village = str(Enterprise._meta.get_field("village").verbose_name)
    assert changes[owner] == ("—", regency_agency.name)
    assert changes[village][1].startswith(f"{SALOLOANG} ")  # the region's code and name
    html = response.content.decode()
    assert f'<td class="after">{regency_agency.pk}</td>' not in html


def test_the_submitter_and_the_submission_time_read_as_a_name_and_local_time(
    client, regency_officer, regency_agency
):
    enterprise = EnterpriseFactory(name="UD Amplang Bahari", agency=regency_agency)
    transition(actor=actor_for_user(regency_officer), name="submit", record=enterprise)

    client.force_login(regency_officer)
    response = client.get(reverse("web:enterprise_history", args=[enterprise.pk]))

    changes = changes_of(response, "submit")
    submitted_by = str(Enterprise._meta.get_field("submitted_by").verbose_name)
    submitted_at = str(Enterprise._meta.get_field("submitted_at").verbose_name)
    assert changes[submitted_by] == ("—", "Siti Rahma")
    # Stored in UTC (the suite's clock: 16 Nov 2026 about 03:00 UTC), shown at UTC+7 with its zone.
    enterprise.refresh_from_db()
    local = enterprise.submitted_at.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert changes[submitted_at] == ("—", f"{local.day} November {local.year} {local:%H:%M} WIB")
    html = response.content.decode()
    assert enterprise.submitted_at.astimezone(dt.UTC).isoformat()[:16] not in html
    # The "who" column: the person's name; the "when" column: local time with its zone.
    assert "Siti Rahma" in html and f"{local.day} Nov {local.year} {local:%H:%M} WIB" in html


def test_references_are_resolved_through_the_field_without_knowing_the_domain(regency_agency):
    """audit stays domain-free: any model's foreign keys, named by str() of the related record."""
    other = AgencyFactory(name="Dinas Perindustrian Kab. Paser", region_id="64.01")
    names = describe_references(
        Enterprise,
        [
            {"agency_id": [regency_agency.pk, other.pk], "village_id": [None, SALOLOANG]},
            {"name": ["a", "b"], "agency_id": [other.pk, 999_999]},
        ],
    )
    assert names["agency_id"][regency_agency.pk] == regency_agency.name
    assert names["agency_id"][other.pk] == other.name
    assert 999_999 not in names["agency_id"]  # deleted since: left as its id
    assert names["village_id"][SALOLOANG].startswith(f"{SALOLOANG} ")
    assert "name" not in names


def test_a_plain_date_reads_as_a_local_date():
    from sentra.web.views.history import local_date, local_datetime

    assert local_date("2026-03-01") == "1 Maret 2026"
    assert local_datetime("2026-12-31T17:30:00+00:00") == "1 Januari 2027 00:30 WIB"
    assert local_datetime(dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)) == "5 Januari 2026 09:00 WIB"


def test_a_new_record_s_history_lists_the_fields_it_was_given_in_the_model_s_order(
    auth_client, user, regency_agency
):
    """Empty fields of a new record (nothing → nothing) are left out; the rest follow the model's
    field order (the place, then name, owner…), not the columns' alphabetical order."""
    response = history_of_a_new_record(auth_client, user, regency_agency)

    row = next(r for r in response.context["events"] if r["event"].action == "create")
    assert row["changes"] and all(c["before"] != "—" or c["after"] != "—" for c in row["changes"])
    fields = [c["field"] for c in row["changes"]]
    address = str(Enterprise._meta.get_field("address").verbose_name)
    assert address not in fields  # given no address: nothing to read
    label = {f.attname: str(f.verbose_name) for f in Enterprise._meta.concrete_fields}
    expected = [label[f.attname] for f in Enterprise._meta.concrete_fields if label[f.attname] in fields]
    assert fields == expected and fields != sorted(fields)
