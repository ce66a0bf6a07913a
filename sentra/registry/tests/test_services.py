import pytest

from sentra.core.errors import DomainError
from sentra.registry.choices import SizeClass
from sentra.registry.models import CentreMembership
from sentra.registry.services import (
    centre_create,
    centre_warnings,
    enterprise_create,
    enterprise_size_class,
    enterprise_update,
)
from sentra.registry.tests.factories import EnterpriseFactory


@pytest.mark.parametrize(
    ("workers", "investment", "expected"),
    [
        (19, 999_999_999, SizeClass.SMALL),
        (19, 1_000_000_000, SizeClass.MEDIUM),
        (20, 15_000_000_000, SizeClass.MEDIUM),
        (20, 15_000_000_001, SizeClass.LARGE),
        (0, 0, SizeClass.UNKNOWN),  # neither given: not "kecil" by default
        (5, 20_000_000_000, SizeClass.MEDIUM),
    ],
)
def test_size_class_follows_permenperin_64_2016(workers, investment, expected):
    assert enterprise_size_class(workers=workers, investment=investment) == expected


def test_enterprise_create_places_it_in_its_province_and_regency(regency_agency, system_actor):
    enterprise = enterprise_create(
        actor=system_actor,
        agency=regency_agency,
        village_code="64.09.01.1001",
        kbli_code="10794",
        name="UD Amplang Saloloang",
        nib="9120001234567",
        workers=25,
        investment=2_000_000_000,
    )
    assert (enterprise.province_code, enterprise.regency_code) == ("64", "64.09")
    assert enterprise.size_class == SizeClass.MEDIUM


def test_enterprise_create_rejects_a_nib_that_is_not_13_digits(regency_agency, system_actor):
    with pytest.raises(DomainError) as caught:
        enterprise_create(
            actor=system_actor,
            agency=regency_agency,
            village_code="64.09.01.1001",
            kbli_code="10794",
            name="X",
            nib="12345",
        )
    assert [e.field for e in caught.value.errors] == ["nib"]


def test_enterprise_create_rejects_unknown_village_and_non_leaf_kbli(regency_agency, system_actor):
    with pytest.raises(DomainError) as caught:
        enterprise_create(
            actor=system_actor,
            agency=regency_agency,
            village_code="64.09.01.9999",
            kbli_code="10794",
            name="X",
        )
    assert caught.value.code == "unknown_village"
    with pytest.raises(DomainError) as caught:
        enterprise_create(
            actor=system_actor, agency=regency_agency, village_code="64.09.01.1001", kbli_code="107", name="X"
        )
    assert caught.value.code == "unknown_kbli"


def test_enterprise_update_recomputes_size_class(db, system_actor):
    enterprise = EnterpriseFactory(workers=3, investment=10_000_000)
    enterprise_update(actor=system_actor, enterprise=enterprise, workers=30, investment=20_000_000_000)
    enterprise.refresh_from_db()
    assert enterprise.size_class == SizeClass.LARGE


def test_centre_spans_several_villages_and_warns_below_five_members(regency_agency, system_actor):
    members = EnterpriseFactory.create_batch(3)
    centre = centre_create(
        actor=system_actor,
        agency=regency_agency,
        village_codes=["64.09.01.1001", "64.09.01.1002"],
        kbli_code="10421",
        name="Sentra Kelapa dan Kerajinannya",
        commodity="kelapa",
        member_ids=[m.id for m in members],
    )
    assert centre.village_id == "64.09.01.1001"
    assert centre.village_links.count() == 2
    assert CentreMembership.objects.filter(centre=centre).count() == 3
    assert "minimal 5" in centre_warnings(member_count=3)[0]
    assert centre_warnings(member_count=5) == []
