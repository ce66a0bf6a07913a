"""SAKTI coding of activities and budget lines (issue 13.7) and the questioned akun 57 (issue 13.3):
kegiatan 4 digits, KRO 3 characters, RO 3 digits, komponen 3 digits, akun 6 digits whose first two
are the line's account group — refused with stable codes in the service, the API and the web form;
bansos (57) on an IKM activity is a warning (PMK 254/2015 jo. PMK 228/2016), not a refusal."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.core.errors import DomainError
from sentra.programmes import services
from sentra.programmes.models import BudgetLine
from sentra.programmes.sakti import social_aid_warning

from .factories import BudgetDocumentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def codes(error: DomainError) -> set[str]:
    return {error.code} | {e.code for e in error.errors}


def new_activity(system_actor, agency, **codes_):
    programme = ProgrammeFactory(agency=agency)
    return services.activity_create(
        actor=system_actor,
        programme=programme,
        code="5305.001",
        name="Bimtek IKM",
        kind="training",
        funding_source="tp",
        **codes_,
    )


class TestActivityCodes:
    @pytest.mark.parametrize(
        ("field", "value", "code"),
        [
            ("kegiatan_code", "530", "invalid_kegiatan_code"),
            ("kegiatan_code", "53A5", "invalid_kegiatan_code"),
            ("kro_code", "RB", "invalid_kro_code"),
            ("kro_code", "RB-S", "invalid_kro_code"),
            ("ro_code", "01", "invalid_ro_code"),
            ("ro_code", "0A1", "invalid_ro_code"),
            ("component_code", "51", "invalid_component_code"),
            ("component_code", "0511", "invalid_component_code"),
        ],
    )
    def test_a_code_of_the_wrong_shape_is_refused(self, system_actor, kaltim_agency, field, value, code):
        with pytest.raises(DomainError) as exc:
            new_activity(system_actor, kaltim_agency, **{field: value})
        assert code in codes(exc.value)
        assert {e.field for e in exc.value.errors} == {field}

    def test_codes_are_stored_trimmed_and_upper_case(self, system_actor, kaltim_agency):
        activity = new_activity(
            system_actor,
            kaltim_agency,
            kegiatan_code=" 5305",
            kro_code="rbs",
            ro_code="001",
            component_code="051",
        )
        activity.refresh_from_db()
        assert (activity.kegiatan_code, activity.kro_code, activity.ro_code, activity.component_code) == (
            "5305",
            "RBS",
            "001",
            "051",
        )
        with pytest.raises(DomainError) as exc:
            services.activity_update(actor=system_actor, activity=activity, ro_code="1")
        assert "invalid_ro_code" in codes(exc.value)

    def test_the_api_refuses_a_bad_kro_with_its_code(self, client, ministry_agency, kaltim_agency):
        client.force_login(persona(Role.MINISTRY_ADMIN, agency=ministry_agency))
        programme = ProgrammeFactory(agency=kaltim_agency)
        body = {
            "programme_id": programme.pk,
            "code": "5305.009",
            "name": "WUB",
            "kind": "wub",
            "funding_source": "tp",
            "kro_code": "R",
        }
        response = client.post("/api/v1/activities", data=json.dumps(body), content_type="application/json")
        assert response.status_code == 400 and "invalid_kro_code" in {
            e["code"] for e in response.json()["errors"]
        }
        response = client.post(
            "/api/v1/activities",
            data=json.dumps({**body, "kro_code": "RBS", "kegiatan_code": "5305"}),
            content_type="application/json",
        )
        assert response.status_code == 201 and (
            response.json()["kro_code"],
            response.json()["kegiatan_code"],
        ) == (
            "RBS",
            "5305",
        )


@pytest.fixture
def tp_document(kaltim_agency):
    return BudgetDocumentFactory(agency=kaltim_agency, kind="tp")


class TestAccountCode:
    def test_the_akun_is_six_digits_of_the_lines_group(self, system_actor, kaltim_agency, tp_document):
        activity = new_activity(system_actor, kaltim_agency)
        for akun, group, code in (
            ("52611", "52", "invalid_account_code"),
            ("52611X", "52", "invalid_account_code"),
            ("541111", "", "invalid_account_code"),  # 54 is no spending type of a DIPA line here
            ("532111", "52", "account_group_mismatch"),
        ):
            with pytest.raises(DomainError) as exc:
                services.budget_line_set(
                    actor=system_actor,
                    document=tp_document,
                    activity=activity,
                    account_group=group,
                    amount=1,
                    account_code=akun,
                )
            assert code in codes(exc.value), akun
        assert not BudgetLine.objects.exists()
        # the akun gives the group when the group is left out
        line = services.budget_line_set(
            actor=system_actor, document=tp_document, activity=activity, amount=5, account_code="526111"
        )
        assert (line.account_group, line.account_code) == ("52", "526111")

    def test_bansos_is_questioned_on_the_api_and_the_form(
        self, client, system_actor, kaltim_agency, ministry_agency, tp_document
    ):
        activity = new_activity(system_actor, kaltim_agency)
        client.force_login(persona(Role.MINISTRY_ADMIN, agency=ministry_agency))
        response = client.post(
            f"/api/v1/budgets/{tp_document.pk}/lines",
            data=json.dumps(
                {"activity_id": activity.pk, "account_group": "57", "amount": 10, "account_code": "572111"}
            ),
            content_type="application/json",
        )
        assert response.status_code == 201, response.content  # not refused …
        warnings = response.json()["warnings"]
        assert [w["code"] for w in warnings] == ["social_aid_for_ikm"]  # … but questioned, with the reason
        assert "PMK 254/2015" in warnings[0]["message"] and "526" in warnings[0]["message"]
        response = client.post(
            f"/api/v1/budgets/{tp_document.pk}/lines",
            data=json.dumps(
                {"activity_id": activity.pk, "account_group": "52", "amount": 10, "account_code": "526111"}
            ),
            content_type="application/json",
        )
        assert response.json()["warnings"] == []

        page = client.post(
            reverse("web:budget_line", args=[tp_document.pk]),
            {"activity": activity.pk, "account_group": "57", "account_code": "", "amount": 20},
            follow=True,
        ).content.decode()
        assert "PMK 254/2015" in page and "bansos dipertanyakan" in page

    def test_only_group_57_is_questioned(self):
        assert social_aid_warning("57") and social_aid_warning("", "572111")
        assert not any(social_aid_warning(group) for group in ("51", "52", "53"))


def test_the_activity_form_shows_a_bad_code_on_its_field(client, ministry_agency, kaltim_agency):
    client.force_login(persona(Role.MINISTRY_ADMIN, agency=ministry_agency))
    programme = ProgrammeFactory(agency=kaltim_agency)
    data = {
        "programme": programme.pk,
        "code": "5305.011",
        "name": "Bimtek kemasan",
        "kind": "training",
        "funding_source": "tp",
        "kegiatan_code": "5305",
        "kro_code": "RBS",
        "ro_code": "1",
        "component_code": "051",
    }
    page = client.get(reverse("web:activity_create")).content.decode()
    assert 'name="kro_code"' in page and 'name="component_code"' in page
    response = client.post(reverse("web:activity_create"), data)
    assert response.status_code == 200
    field = response.content.decode().split('name="ro_code"')[1][:800]
    assert "Kode RO harus 3 digit angka" in field
    response = client.post(reverse("web:activity_create"), {**data, "ro_code": "001"})
    assert response.status_code == 302
