"""User administration: an administrator manages users only inside their own region.

A province administrator lists, creates and edits the users of their province; they never hand out
a ministry role and never touch another province's users (those are not found: 404). Trying to give
a role or an agency beyond their limits is refused (403).
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sentra.accounts import selectors, services
from sentra.accounts.models import Profile, Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.audit.models import AuditEvent
from sentra.conftest import KUDUS, PPU
from sentra.core.errors import AccessDenied, DomainError, NotFound
from sentra.registry.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

STRONG = "Anyaman-rotan-2026"


@pytest.fixture
def kudus_agency():
    return AgencyFactory(name="Dinas Perindustrian Kabupaten Kudus", kind="regency_industry", region_id=KUDUS)


@pytest.fixture
def province_admin(kaltim_agency):
    return persona(
        Role.PROVINCE_OFFICER, agency=kaltim_agency, username="disperindag.kaltim", manages_users=True
    )


@pytest.fixture
def province_client(client, province_admin):
    client.force_login(province_admin)
    return client


@pytest.fixture
def ppu_officer(regency_agency):
    return persona(Role.REGENCY_OFFICER, agency=regency_agency, username="dinas.ppu")


@pytest.fixture
def kudus_officer(kudus_agency):
    return persona(Role.REGENCY_OFFICER, agency=kudus_agency, username="dinas.kudus")


@pytest.fixture
def ministry_user(ministry_agency):
    return persona(Role.MINISTRY_ANALYST, agency=ministry_agency, username="analis.ikma")


def form_data(**overrides):
    data = {
        "username": "tpl.ppu",
        "email": "tpl@example.org",
        "password": STRONG,
        "password_confirm": STRONG,
        "role": Role.FACILITATOR,
        "agency": "",
    }
    return {**data, **overrides}


# --- who may administer, and whom they see ------------------------------------------------------


def test_a_province_administrator_sees_only_the_users_of_their_province(
    province_admin, ppu_officer, kudus_officer, ministry_user
):
    names = set(selectors.user_list(actor=actor_of(province_admin)).values_list("username", flat=True))

    assert names == {"disperindag.kaltim", "dinas.ppu"}


def test_the_ministry_administrator_sees_everyone(user, province_admin, ppu_officer, kudus_officer):
    names = set(selectors.user_list(actor=actor_of(user)).values_list("username", flat=True))

    assert {"petugas", "disperindag.kaltim", "dinas.ppu", "dinas.kudus"} <= names


def test_an_officer_without_manages_users_may_not_open_the_user_pages(client, ppu_officer):
    client.force_login(ppu_officer)

    assert client.get(reverse("web:user_list")).status_code == 403
    assert client.get(reverse("web:user_create")).status_code == 403


def test_the_user_list_searches_and_paginates(province_client, province_admin, kaltim_agency):
    for n in range(30):
        persona(Role.VIEWER, agency=kaltim_agency, username=f"pembaca{n:02d}")

    first = province_client.get(reverse("web:user_list"))
    assert first.status_code == 200
    assert len(first.context["page"].object_list) == 25
    assert first.context["paginator"].count == 31
    second = province_client.get(reverse("web:user_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 6
    found = province_client.get(reverse("web:user_list"), {"q": "pembaca07"})
    assert [u.username for u in found.context["page"].object_list] == ["pembaca07"]


def test_the_user_list_page_never_shows_another_provinces_users(province_client, kudus_officer, ppu_officer):
    page = province_client.get(reverse("web:user_list")).content.decode()

    assert "dinas.ppu" in page
    assert "dinas.kudus" not in page


# --- creating -----------------------------------------------------------------------------------


def test_a_province_administrator_creates_a_facilitator_for_a_regency_of_their_province(
    province_client, regency_agency
):
    response = province_client.post(reverse("web:user_create"), form_data(agency=regency_agency.pk))

    assert response.status_code == 302
    profile = Profile.objects.get(user__username="tpl.ppu")
    assert (profile.role, profile.agency, profile.region_id) == (Role.FACILITATOR, regency_agency, PPU)
    assert AuditEvent.objects.filter(
        object_type="accounts.profile", object_id=profile.pk, action="create"
    ).exists()


def test_the_created_user_can_log_in(province_client, regency_agency, client):
    province_client.post(reverse("web:user_create"), form_data(agency=regency_agency.pk))
    province_client.logout()

    assert client.login(username="tpl.ppu", password=STRONG)


def test_the_form_offers_only_the_roles_and_agencies_the_administrator_may_give(
    province_client, regency_agency, kudus_agency, ministry_agency
):
    form = province_client.get(reverse("web:user_create")).context["form"]

    roles = {value for value, _label in form.fields["role"].choices}
    assert Role.MINISTRY_ADMIN not in roles and Role.MINISTRY_ANALYST not in roles
    assert Role.REGENCY_OFFICER in roles
    agencies = set(form.fields["agency"].queryset)
    assert regency_agency in agencies
    assert kudus_agency not in agencies and ministry_agency not in agencies


def test_a_province_administrator_cannot_create_a_ministry_user(province_admin, ministry_agency):
    with pytest.raises(AccessDenied):
        services.user_create(
            actor=actor_of(province_admin),
            username="menteri.palsu",
            password=STRONG,
            role=Role.MINISTRY_ADMIN,
            agency=ministry_agency,
        )
    assert not get_user_model().objects.filter(username="menteri.palsu").exists()


def test_a_province_administrator_cannot_create_a_user_of_another_province(province_admin, kudus_agency):
    with pytest.raises(AccessDenied):
        services.user_create(
            actor=actor_of(province_admin),
            username="dinas.kudus2",
            password=STRONG,
            role=Role.REGENCY_OFFICER,
            agency=kudus_agency,
        )


def test_posting_a_role_or_agency_outside_the_form_is_refused(province_client, kudus_agency, ministry_agency):
    as_ministry = province_client.post(
        reverse("web:user_create"), form_data(role=Role.MINISTRY_ADMIN, agency=ministry_agency.pk)
    )
    elsewhere = province_client.post(reverse("web:user_create"), form_data(agency=kudus_agency.pk))

    assert as_ministry.status_code == 200 and "role" in as_ministry.context["form"].errors
    assert elsewhere.status_code == 200 and "agency" in elsewhere.context["form"].errors
    assert not get_user_model().objects.filter(username="tpl.ppu").exists()


def test_a_regional_role_needs_a_regional_agency(user):
    with pytest.raises(DomainError) as error:
        services.user_create(
            actor=actor_of(user),
            username="tanpa.wilayah",
            password=STRONG,
            role=Role.REGENCY_OFFICER,
            agency=None,
        )
    assert error.value.code == "regional_role_without_region"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("pendek1", "terlalu pendek"),
        ("8274619350174", "seluruhnya terdiri dari angka"),
        ("password123", "terlalu umum"),
    ],
)
def test_django_password_rules_are_enforced_with_a_clear_message(
    province_client, regency_agency, password, message
):
    response = province_client.post(
        reverse("web:user_create"),
        form_data(agency=regency_agency.pk, password=password, password_confirm=password),
    )

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["password"])
    assert message in errors.lower()
    assert message in response.content.decode().lower()
    assert not get_user_model().objects.filter(username="tpl.ppu").exists()


def test_mismatched_passwords_are_refused(province_client, regency_agency):
    response = province_client.post(
        reverse("web:user_create"), form_data(agency=regency_agency.pk, password_confirm=STRONG + "x")
    )

    assert "password_confirm" in response.context["form"].errors


def test_a_taken_username_is_refused(province_client, regency_agency, ppu_officer):
    response = province_client.post(
        reverse("web:user_create"), form_data(agency=regency_agency.pk, username="DINAS.PPU")
    )

    assert "sudah dipakai" in " ".join(response.context["form"].errors["username"])


# --- editing and deactivating -------------------------------------------------------------------


def test_a_province_administrator_edits_a_user_of_their_province(
    province_client, ppu_officer, regency_agency
):
    url = reverse("web:user_edit", args=[ppu_officer.pk])
    assert province_client.get(url).status_code == 200

    response = province_client.post(
        url, {"role": Role.VIEWER, "agency": regency_agency.pk, "is_active": "on"}
    )

    assert response.status_code == 302
    ppu_officer.profile.refresh_from_db()
    assert ppu_officer.profile.role == Role.VIEWER
    event = AuditEvent.objects.get(object_type="accounts.profile", object_id=ppu_officer.profile.pk)
    assert event.changes["role"] == [Role.REGENCY_OFFICER, Role.VIEWER]


def test_a_user_of_another_province_is_not_found(province_client, kudus_officer, kudus_agency):
    url = reverse("web:user_edit", args=[kudus_officer.pk])

    assert province_client.get(url).status_code == 404
    assert province_client.post(url, {"role": Role.VIEWER, "agency": kudus_agency.pk}).status_code == 404
    assert province_client.post(reverse("web:user_deactivate", args=[kudus_officer.pk])).status_code == 404
    kudus_officer.refresh_from_db()
    assert kudus_officer.is_active


def test_a_ministry_user_is_not_found_for_a_province_administrator(province_admin, ministry_user):
    with pytest.raises(NotFound):
        services.user_update(
            actor=actor_of(province_admin), user_id=ministry_user.pk, role=Role.VIEWER, agency=None
        )


def test_a_province_administrator_cannot_promote_a_user_to_a_ministry_role(province_admin, ppu_officer):
    with pytest.raises(AccessDenied):
        services.user_update(
            actor=actor_of(province_admin), user_id=ppu_officer.pk, role=Role.MINISTRY_ANALYST, agency=None
        )


def test_a_province_administrator_cannot_move_a_user_to_another_province(
    province_admin, ppu_officer, kudus_agency
):
    with pytest.raises(AccessDenied):
        services.user_update(
            actor=actor_of(province_admin),
            user_id=ppu_officer.pk,
            role=Role.REGENCY_OFFICER,
            agency=kudus_agency,
        )


def test_a_regency_administrator_cannot_edit_their_province_administrator(province_admin, regency_agency):
    regency_admin = persona(
        Role.REGENCY_OFFICER, agency=regency_agency, username="admin.ppu", manages_users=True
    )

    with pytest.raises(NotFound):
        services.user_update(
            actor=actor_of(regency_admin), user_id=province_admin.pk, role=Role.VIEWER, agency=regency_agency
        )


def test_deactivating_stops_the_login(province_client, ppu_officer, client):
    response = province_client.post(reverse("web:user_deactivate", args=[ppu_officer.pk]))

    assert response.status_code == 302
    ppu_officer.refresh_from_db()
    assert not ppu_officer.is_active
    assert not client.login(username="dinas.ppu", password="rahasia-sekali-123")


def test_nobody_deactivates_themselves(province_admin):
    with pytest.raises(DomainError):
        services.user_deactivate(actor=actor_of(province_admin), user_id=province_admin.pk)


def test_only_a_superuser_changes_a_superuser(user, django_user_model):
    root = django_user_model.objects.create_superuser("root", password=STRONG)

    with pytest.raises(AccessDenied):
        services.user_deactivate(actor=actor_of(user), user_id=root.pk)
