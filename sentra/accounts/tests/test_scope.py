"""The scope rule, on its own: which records a user reads, and what they may do to them."""

import pytest

from sentra.accounts.models import Role
from sentra.accounts.permissions import Action
from sentra.accounts.scope import ANONYMOUS, actor_for_user, code_in_scope, require_place, require_record
from sentra.accounts.tests.factories import actor_of, persona
from sentra.conftest import KUDUS, PPU, SALOLOANG
from sentra.core.errors import AccessDenied, NotFound
from sentra.registry.models import Enterprise
from sentra.registry.selectors import RegistryFilter, enterprise_get, enterprise_list
from sentra.registry.tests.factories import AgencyFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

PASER_VILLAGE = "64.01.01.2009"  # Samurangau, Kabupaten Paser, Kalimantan Timur: same province as PPU
KUDUS_VILLAGE = "33.19.01.2001"


@pytest.fixture
def records():
    return {
        "ppu": EnterpriseFactory(village_id=SALOLOANG),
        "paser": EnterpriseFactory(village_id=PASER_VILLAGE),
        "kudus": EnterpriseFactory(village_id=KUDUS_VILLAGE),
    }


def visible(actor) -> set[int]:
    return set(enterprise_list(actor=actor, filters=RegistryFilter()).values_list("pk", flat=True))


def test_each_level_reads_its_own_region_and_below(records):
    regency = actor_of(persona(Role.REGENCY_OFFICER, region=PPU))
    province = actor_of(persona(Role.PROVINCE_OFFICER, region="64"))
    ministry = actor_of(persona(Role.MINISTRY_ANALYST))
    assert visible(regency) == {records["ppu"].pk}
    assert visible(province) == {records["ppu"].pk, records["paser"].pk}
    assert visible(ministry) == {r.pk for r in records.values()}


def test_a_record_outside_the_region_is_not_found_rather_than_forbidden(records):
    regency = actor_of(persona(Role.REGENCY_OFFICER, region=PPU))
    assert enterprise_get(actor=regency, pk=records["kudus"].pk) is None
    with pytest.raises(NotFound):
        require_record(regency, Action.EDIT, records["kudus"])


def test_a_readable_record_the_role_may_not_change_is_forbidden(records):
    analyst = actor_of(persona(Role.MINISTRY_ANALYST))
    with pytest.raises(AccessDenied):
        require_record(analyst, Action.EDIT, records["ppu"])
    require_record(analyst, Action.VIEW, records["ppu"])  # reading is fine


def test_a_crafts_council_changes_only_its_own_agencys_records(records):
    dekranasda = AgencyFactory(
        name="Dekranasda Kabupaten Penajam Paser Utara", kind="dekranas", region_id=PPU
    )
    officer = actor_of(persona(Role.DEKRANAS_OFFICER, agency=dekranasda))
    with pytest.raises(AccessDenied):
        require_record(officer, Action.EDIT, records["ppu"])
    own = EnterpriseFactory(village_id=SALOLOANG, agency=dekranasda)
    require_record(officer, Action.EDIT, own)


def test_new_records_must_land_inside_the_region():
    regency = actor_of(persona(Role.REGENCY_OFFICER, region=PPU))
    require_place(regency, Action.CREATE, SALOLOANG)
    with pytest.raises(AccessDenied):
        require_place(regency, Action.CREATE, KUDUS_VILLAGE)


def test_region_codes_match_whole_segments_only():
    """64.0 is not a prefix of 64.09's region: codes are compared segment by segment."""
    regency = actor_of(persona(Role.REGENCY_OFFICER, region=PPU))
    assert code_in_scope(regency, "64.09.01.1002")
    assert code_in_scope(regency, PPU)
    assert not code_in_scope(regency, "64.091")
    assert not code_in_scope(regency, "64")
    assert not code_in_scope(regency, KUDUS)


def test_anonymous_and_roleless_users_read_nothing(records, django_user_model):
    assert visible(ANONYMOUS) == set()
    roleless = actor_for_user(django_user_model.objects.create_user("tanpa.peran", password="x" * 12))
    assert not roleless.can(Action.VIEW)


def test_a_superuser_without_profile_administers_everything(records, django_user_model):
    root = actor_for_user(django_user_model.objects.create_superuser("root", password="x" * 12))
    assert visible(root) == {r.pk for r in records.values()}
    assert root.can(Action.ACCEPT)
    assert Enterprise.objects.count() == 3
