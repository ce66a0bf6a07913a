"""The proposal pages in a real browser, on a phone (390 px) and a laptop (1366 px): nothing wider than
the screen, no Content-Security-Policy violation, and the Dinas resolving a conflict field by field on
a phone. Screenshots with SENTRA_SHOTS=/tmp/shots/x."""

from __future__ import annotations

from django.urls import reverse

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.facilitators.choices import ProposalStatus
from sentra.facilitators.models import EnterpriseProposal
from sentra.facilitators.tests.test_proposals import file, make_facilitator
from sentra.registry.models import Enterprise
from sentra.registry.services import enterprise_update
from sentra.registry.tests.factories import EnterpriseFactory

from .browser import BROWSER, PASSWORD, log_in, screenshot_to
from .test_layout_browser import LAPTOP, OVERFLOW, PHONE

pytestmark = BROWSER
screenshot = screenshot_to("SENTRA_SHOTS")


def fits(page, where: str) -> None:
    result = page.evaluate(OVERFLOW)
    assert result["scroll"] <= result["inner"], f"{where}: {result}"


def test_the_dinas_resolves_a_conflict_on_a_phone(
    reference, regency_agency, live_server, browser_page, csp_violations
):
    facilitator = make_facilitator(regency_agency, username="tpl.ppu")
    dinas = persona(Role.REGENCY_OFFICER, agency=regency_agency, username="dinas.ppu")
    dinas.set_password(PASSWORD)
    dinas.save()
    enterprise = EnterpriseFactory(
        agency=regency_agency, name="UD Amplang Bu Sri", workers=4, production_value=100_000_000
    )
    changes = {
        "workers": 9,
        "production_value": 150_000_000,
        "certifications": [{"kind": "halal", "number": "ID64110000123450925", "issued_on": "2026-09-25"}],
    }
    proposal, _ = file(actor_of(facilitator.user), facilitator, enterprise, changes)
    enterprise_update(actor=actor_of(dinas), enterprise=enterprise, workers=6)
    page = browser_page
    log_in(page, live_server, "dinas.ppu")
    paths = {
        "list": reverse("web:facilitator_proposal_list"),
        "detail": reverse("web:facilitator_proposal_detail", args=[proposal.pk]),
        "enterprise": reverse("web:enterprise_detail", args=[enterprise.pk]),
    }
    for name, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        for key, path in paths.items():
            assert page.goto(live_server.url + path).status == 200, path
            fits(page, f"{name} {key}")
            screenshot(page, f"proposal-{key}-{name}")
    page.goto(live_server.url + paths["detail"])
    # The page already sees the conflict: no "apply" button, a choice per field instead.
    page.wait_for_selector("#conflict-note")
    assert page.locator("#apply-form").count() == 0
    assert page.locator("tr.proposal-changed").get_attribute("data-field") == "workers"
    fits(page, "phone conflict")
    screenshot(page, "proposal-conflict-phone")
    page.check("input[name=choice_workers][value=current]")
    page.click("#resolve")
    page.wait_for_selector("#decision")
    assert EnterpriseProposal.objects.get(pk=proposal.pk).outcome == ProposalStatus.APPLIED
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    assert (enterprise.workers, enterprise.production_value) == (6, 150_000_000)
    assert enterprise.certifications.get().kind == "halal"
    assert csp_violations(page) == []
