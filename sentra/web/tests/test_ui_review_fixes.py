"""Defects found by the UI review of issue 12's pages (lost update after a conflict, refusals the person
cannot read, overflowing tables, the rollback page's wording)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sentra.registry.models import Enterprise
from sentra.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions(user):
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    return first, second


def submitted(page, **changes) -> dict:
    """What the browser sends back from an edit page: every field as shown, with `changes` typed in."""
    form = page.context["form"]
    data = {}
    for field in form:
        value = field.value()
        if field.field.disabled or value is None or value is False:
            continue
        data[field.html_name] = "on" if value is True else value
    data.update(changes)
    return data


class TestSavingAgainAfterAConflict:
    """On a conflict, a field the person did not change takes the stored value; only fields both changed
    are put to the person, and saving again overwrites those deliberately — nothing else."""

    def test_a_field_only_the_other_person_changed_is_kept(self, sessions, regency_agency):
        enterprise = EnterpriseFactory(agency=regency_agency, owner_name="Pak Amir", workers=4)
        url = reverse("web:enterprise_edit", args=[enterprise.pk])
        a, b = sessions
        a_page, b_page = a.get(url), b.get(url)
        assert a.post(url, submitted(a_page, owner_name="Bu Sari")).status_code == 302

        answer = b.post(url, submitted(b_page, workers="7"))
        assert answer.status_code == 200
        form = answer.context["form"]
        owner = str(form.fields["owner_name"].label)
        assert form.conflict == []  # nothing both changed
        assert form.conflict_taken == [{"label": owner, "now": "Bu Sari"}]
        assert form["owner_name"].value() == "Bu Sari"  # the newest value, not the one B was shown
        assert form["workers"].value() == "7"  # B's own input stays
        html = answer.content.decode()
        assert "Periksa isian yang ditandai" not in html  # no field is marked: the conflict is the message
        assert "Diubah orang lain, dipakai nilai terbaru" in html
        assert Enterprise.objects.get(pk=enterprise.pk).workers == 4  # nothing saved yet

        assert b.post(url, submitted(answer)).status_code == 302
        stored = Enterprise.objects.get(pk=enterprise.pk)
        assert (stored.owner_name, stored.workers) == ("Bu Sari", 7)

    def test_a_field_both_changed_takes_the_second_persons_value_only_on_saving_again(
        self, sessions, regency_agency
    ):
        enterprise = EnterpriseFactory(agency=regency_agency, owner_name="Pak Amir", workers=4)
        url = reverse("web:enterprise_edit", args=[enterprise.pk])
        a, b = sessions
        a_page, b_page = a.get(url), b.get(url)
        assert a.post(url, submitted(a_page, owner_name="Bu Sari", workers="9")).status_code == 302

        answer = b.post(url, submitted(b_page, workers="7"))
        assert answer.status_code == 200
        form = answer.context["form"]
        workers = str(form.fields["workers"].label)
        assert form.conflict == [{"label": workers, "now": "9", "yours": "7"}]
        assert [row["now"] for row in form.conflict_taken] == ["Bu Sari"]
        assert form["version"].value() == "2"
        stored = Enterprise.objects.get(pk=enterprise.pk)
        assert (stored.owner_name, stored.workers) == ("Bu Sari", 9)  # not yet B's

        assert b.post(url, submitted(answer)).status_code == 302
        stored.refresh_from_db()
        assert (stored.owner_name, stored.workers, stored.version) == ("Bu Sari", 7, 3)
