"""Suggestions while typing (the member and maker pickers, /cari/ikm/ and /cari/sentra/).

They are the same records the enterprise and centre lists would show the reader for that text —
same scope, same search, same order — but at most `limit` of them, read with only the columns a
suggestion line shows and, for centres, without the member counts the list computes.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.registry.models import CentreMembership
from sentra.registry.selectors import (
    RegistryFilter,
    centre_list,
    centre_suggestions,
    enterprise_list,
    enterprise_suggestions,
)
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory
from sentra.web.forms import centre_line, centre_meta, member_line, member_meta

pytestmark = pytest.mark.django_db

KUDUS_VILLAGE = "33.19.01.2001"


def names(records) -> list[str]:
    return [r.name for r in records]


@pytest.fixture
def regency_actor(regency_agency):
    """An officer of Kabupaten Penajam Paser Utara."""
    return actor_of(persona(Role.REGENCY_OFFICER, agency=regency_agency))


# --- enterprises -----------------------------------------------------------------------------------


def test_an_enterprise_is_suggested_by_part_of_its_name_its_owner_or_its_nib(actor):
    EnterpriseFactory(name="UD Amplang Salo Loang", owner_name="Siti Rahmawati", nib="9120000099001")
    EnterpriseFactory(name="Tenun Ulap Doyo", owner_name="Made Wirawan", nib="9120000088001")
    assert names(enterprise_suggestions(actor, "amplang salo", 10)) == ["UD Amplang Salo Loang"]
    assert names(enterprise_suggestions(actor, "RAHMAWATI", 10)) == ["UD Amplang Salo Loang"]
    assert names(enterprise_suggestions(actor, "9120000099001", 10)) == ["UD Amplang Salo Loang"]
    assert names(enterprise_suggestions(actor, "912000009", 10)) == ["UD Amplang Salo Loang"]  # NIB start
    assert enterprise_suggestions(actor, "rendang", 10) == []
    assert enterprise_suggestions(actor, "  ", 10) == []


def test_a_regency_officer_is_offered_only_enterprises_inside_the_regency(regency_actor):
    EnterpriseFactory(name="UD Jenang Penajam", nib="9120000099001")
    EnterpriseFactory(name="UD Jenang Kudus", village_id=KUDUS_VILLAGE, nib="9120000099002")
    assert names(enterprise_suggestions(regency_actor, "jenang", 10)) == ["UD Jenang Penajam"]
    assert enterprise_suggestions(regency_actor, "9120000099002", 10) == []  # a whole NIB
    assert names(enterprise_suggestions(regency_actor, "912000009900", 10)) == ["UD Jenang Penajam"]
    assert enterprise_suggestions(regency_actor, "kudus", 10) == []


def test_enterprise_suggestions_stop_at_the_limit(actor):
    for n in range(7):
        EnterpriseFactory(name=f"UD Amplang {n}", nib=f"91200000990{n:02}")
    assert len(enterprise_suggestions(actor, "amplang", 5)) == 5
    assert len(enterprise_suggestions(actor, "9120000099", 3)) == 3
    assert len(enterprise_suggestions(actor, "amplang", 10)) == 7


def test_enterprise_suggestions_are_the_first_of_the_enterprise_list_for_that_text(actor):
    for n in range(6):
        EnterpriseFactory(name=f"UD Amplang {n}", owner_name=f"Pemilik {n}")
    EnterpriseFactory(name="Batik Benuo", owner_name="Joko Amplangi")
    expected = names(enterprise_list(actor=actor, filters=RegistryFilter(q="amplang"))[:4])
    assert names(enterprise_suggestions(actor, "amplang", 4)) == expected
    assert "Batik Benuo" in names(enterprise_suggestions(actor, "amplang", 10))  # by its owner


def test_an_enterprise_suggestion_reads_only_what_its_line_shows(actor):
    EnterpriseFactory(name="UD Amplang Salo Loang", owner_name="Siti Rahmawati", nib="9120000099001")
    with CaptureQueriesContext(connection) as queries:
        (found,) = enterprise_suggestions(actor, "amplang salo", 10)
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "investment" not in sql and "workers" not in sql and "registry_kbli" not in sql
    with CaptureQueriesContext(connection) as lines:
        shown = (member_line(found), member_meta(found), found.owner_name, found.pk)
    assert lines.captured_queries == []  # nothing the line shows was deferred
    assert shown[:3] == (
        "9120000099001 — UD Amplang Salo Loang",
        "9120000099001 · Salo Loang, Penajam",
        "Siti Rahmawati",
    )


# --- centres ---------------------------------------------------------------------------------------


def test_a_centre_is_suggested_by_its_name_commodity_or_raw_material(actor):
    CentreFactory(name="Sentra Amplang Salo Loang", commodity="Amplang ikan", raw_material="Ikan belida")
    CentreFactory(name="Sentra Anyaman Penajam", commodity="Anyaman rotan", raw_material="Rotan")
    assert names(centre_suggestions(actor, "amplang salo", 10)) == ["Sentra Amplang Salo Loang"]
    assert names(centre_suggestions(actor, "ANYAMAN ROTAN", 10)) == ["Sentra Anyaman Penajam"]
    assert names(centre_suggestions(actor, "belida", 10)) == ["Sentra Amplang Salo Loang"]
    assert centre_suggestions(actor, "batik", 10) == []


def test_a_regency_officer_is_offered_only_centres_inside_the_regency(regency_actor):
    CentreFactory(name="Sentra Jenang Penajam")
    CentreFactory(name="Sentra Jenang Kudus", village_id=KUDUS_VILLAGE)
    assert names(centre_suggestions(regency_actor, "jenang", 10)) == ["Sentra Jenang Penajam"]
    assert centre_suggestions(regency_actor, "kudus", 10) == []


def test_centre_suggestions_stop_at_the_limit_in_the_lists_order(actor):
    for n in (5, 3, 1, 4, 2, 0):
        CentreFactory(name=f"Sentra Tenun {n:02}")
    expected = names(centre_list(actor=actor, filters=RegistryFilter(q="tenun"))[:4])
    assert expected == ["Sentra Tenun 00", "Sentra Tenun 01", "Sentra Tenun 02", "Sentra Tenun 03"]
    assert names(centre_suggestions(actor, "tenun", 4)) == expected


def test_centre_suggestions_do_not_count_members_and_read_only_what_the_line_shows(actor):
    centre = CentreFactory(name="Sentra Amplang Salo Loang", commodity="Amplang ikan")
    for _ in range(3):
        CentreMembership.objects.create(centre=centre, enterprise=EnterpriseFactory())
    with CaptureQueriesContext(connection) as queries:
        (found,) = centre_suggestions(actor, "amplang", 10)
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    assert "COUNT(" not in sql.upper() and "centremembership" not in sql
    assert "board_members" not in sql and "description" not in sql
    with CaptureQueriesContext(connection) as lines:
        shown = (centre_line(found), centre_meta(found))
    assert lines.captured_queries == []
    assert shown == (f"#{centre.pk} — Sentra Amplang Salo Loang", "Amplang ikan · Salo Loang, Penajam")
