"""The proposal pages at /pendamping/usulan/: list with counts and filters, side-by-side detail, decisions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.facilitators.choices import ProposalStatus
from sentra.facilitators.tests.test_proposals import file, make_facilitator
from sentra.registry.models import Enterprise
from sentra.registry.services import enterprise_update
from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitator(regency_agency):
    return make_facilitator(regency_agency, username="tpl.ppu")


@pytest.fixture
def dinas_user(regency_agency):
    return persona(Role.REGENCY_OFFICER, agency=regency_agency, username="dinas.ppu")


@pytest.fixture
def enterprise(regency_agency):
    return EnterpriseFactory(agency=regency_agency, name="UD Amplang Bu Sri", workers=4)


@pytest.fixture
def proposal(facilitator, enterprise):
    return file(
        actor_of(facilitator.user), facilitator, enterprise, {"workers": 9, "production_value": 150_000_000}
    )[0]


def test_list_shows_counts_and_filters(client, dinas_user, facilitator, enterprise, proposal, regency_agency):
    other = make_facilitator(regency_agency, username="tpl.lain")
    file(actor_of(other.user), other, enterprise, {"investment": 60_000_000})
    client.force_login(dinas_user)
    page = client.get(reverse("web:facilitator_proposal_list")).content.decode()
    assert "UD Amplang Bu Sri" in page and "Pendamping tpl.lain" in page
    assert 'data-outcome="pending"' in page
    only = client.get(reverse("web:facilitator_proposal_list"), {"facilitator": other.pk}).content.decode()
    assert "Nilai investasi" in only and "Tenaga kerja" not in only.split('id="proposals"')[1]
    none = client.get(reverse("web:facilitator_proposal_list"), {"outcome": "applied"}).content.decode()
    assert "Tidak ada usulan" in none


def test_detail_side_by_side_and_apply(client, dinas_user, proposal, enterprise):
    client.force_login(dinas_user)
    url = reverse("web:facilitator_proposal_detail", args=[proposal.pk])
    page = client.get(url).content.decode()
    assert "Nilai saat diusulkan" in page and "proposal-changed" not in page.split("<tbody>")[1]
    response = client.post(
        reverse("web:facilitator_proposal_apply", args=[proposal.pk]), {"version": proposal.version}
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.workers == 9
    assert "Diterapkan" in client.get(url).content.decode()


def test_conflict_is_highlighted_and_resolved_per_field(client, dinas_user, proposal, enterprise):
    enterprise_update(actor=actor_of(dinas_user), enterprise=enterprise, workers=6)
    client.force_login(dinas_user)
    client.post(reverse("web:facilitator_proposal_apply", args=[proposal.pk]), {"version": proposal.version})
    proposal.refresh_from_db()
    assert proposal.outcome == ProposalStatus.CONFLICT
    assert Enterprise.objects.get(pk=enterprise.pk).workers == 6
    page = client.get(reverse("web:facilitator_proposal_detail", args=[proposal.pk])).content.decode()
    assert 'class="proposal-changed" data-field="workers"' in page
    assert 'id="conflict-note"' in page and 'id="apply-form"' not in page
    seen = Enterprise.objects.get(pk=enterprise.pk).version
    client.post(
        reverse("web:facilitator_proposal_resolve", args=[proposal.pk]),
        {
            "version": proposal.version,
            "enterprise_version": seen,
            "choice_workers": "current",
            "choice_production_value": "proposed",
        },
    )
    enterprise.refresh_from_db()
    assert (enterprise.workers, enterprise.production_value) == (6, 150_000_000)


def test_reject_needs_a_reason(client, dinas_user, proposal):
    client.force_login(dinas_user)
    url = reverse("web:facilitator_proposal_reject", args=[proposal.pk])
    response = client.post(url, {"version": proposal.version, "reason": ""}, follow=True)
    assert "Tuliskan alasannya" in response.content.decode()
    client.post(url, {"version": proposal.version, "reason": "Data sudah diperbarui bulan lalu."})
    proposal.refresh_from_db()
    assert proposal.outcome == ProposalStatus.REJECTED


def test_the_facilitator_reads_their_proposal_but_cannot_decide(client, facilitator, proposal, enterprise):
    client.force_login(facilitator.user)
    page = client.get(reverse("web:facilitator_proposal_detail", args=[proposal.pk])).content.decode()
    assert 'id="apply-form"' not in page and 'id="reject-form"' not in page
    response = client.post(reverse("web:facilitator_proposal_apply", args=[proposal.pk]), {})
    assert response.status_code == 403
    assert Enterprise.objects.get(pk=enterprise.pk).workers == 4


def test_another_regency_gets_404(client, proposal, kudus_agency):
    client.force_login(persona(Role.REGENCY_OFFICER, agency=kudus_agency))
    assert client.get(reverse("web:facilitator_proposal_detail", args=[proposal.pk])).status_code == 404
    assert client.post(reverse("web:facilitator_proposal_apply", args=[proposal.pk])).status_code == 404
    page = client.get(reverse("web:facilitator_proposal_list")).content.decode()
    assert "UD Amplang Bu Sri" not in page


def test_the_enterprise_page_shows_waiting_proposals(client, dinas_user, proposal, enterprise):
    client.force_login(dinas_user)
    url = reverse("web:enterprise_detail", args=[enterprise.pk])
    page = client.get(url).content.decode()
    assert 'id="pending-proposals"' in page
    assert reverse("web:facilitator_proposal_detail", args=[proposal.pk]) in page
    client.post(reverse("web:facilitator_proposal_apply", args=[proposal.pk]), {"version": proposal.version})
    assert 'id="pending-proposals"' not in client.get(url).content.decode()
