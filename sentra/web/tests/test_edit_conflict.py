"""Two people editing the same record (issue 12, point 3): the second one to save sees what the first
changed, beside their own input, and nothing is overwritten until they save again deliberately."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sentra.programmes.models import Activity
from sentra.programmes.tests.factories import ActivityFactory
from sentra.registry.models import Centre, Enterprise
from sentra.registry.tests.factories import CentreFactory, EnterpriseFactory

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


def test_the_second_to_save_an_enterprise_sees_what_changed_and_overwrites_nothing(sessions, regency_agency):
    enterprise = EnterpriseFactory(agency=regency_agency, name="UD Amplang Bahari", workers=4)
    url = reverse("web:enterprise_edit", args=[enterprise.pk])
    first, second = sessions
    first_page, second_page = first.get(url), second.get(url)
    assert second_page.context["form"]["version"].value() == 1

    assert first.post(url, submitted(first_page, workers="9")).status_code == 302

    answer = second.post(url, submitted(second_page, name="UD Amplang Bahari Jaya"))
    assert answer.status_code == 200
    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert (stored.name, stored.workers, stored.version) == ("UD Amplang Bahari", 9, 2)  # theirs holds
    form = answer.context["form"]
    label = str(form.fields["workers"].label)
    assert form.conflict == []  # nothing both changed
    assert form.conflict_taken == [{"label": label, "now": "9"}]  # theirs, taken into the form
    html = answer.content.decode()
    assert "Data ini diubah orang lain sejak Anda membukanya" in html and label in html
    assert form["name"].value() == "UD Amplang Bahari Jaya"  # the person's input is kept
    assert form["version"].value() == "2"

    # Saving again, having seen the panel, is deliberate: it saves the form as it stands, which holds
    # the other person's newest value in the field this person left alone.
    again = second.post(url, submitted(answer))
    assert again.status_code == 302
    stored.refresh_from_db()
    assert (stored.name, stored.workers, stored.version) == ("UD Amplang Bahari Jaya", 9, 3)


def test_a_centre_edited_meanwhile_shows_the_conflict_panel(sessions, regency_agency):
    centre = CentreFactory(agency=regency_agency, name="Sentra Amplang", commodity="Amplang")
    url = reverse("web:centre_edit", args=[centre.pk])
    first, second = sessions
    first_page, second_page = first.get(url), second.get(url)
    assert first.post(url, submitted(first_page, commodity="Kerupuk amplang")).status_code == 302
    answer = second.post(url, submitted(second_page, raw_material="Ikan belida"))
    assert answer.status_code == 200
    assert [row["now"] for row in answer.context["form"].conflict_taken] == ["Kerupuk amplang"]
    stored = Centre.objects.get(pk=centre.pk)
    assert (stored.commodity, stored.raw_material) == ("Kerupuk amplang", "")


def test_an_activity_edited_meanwhile_shows_the_conflict_panel(sessions, ministry_agency):
    activity = ActivityFactory(agency=ministry_agency, name="Bimtek amplang")
    url = reverse("web:activity_edit", args=[activity.pk])
    first, second = sessions
    first_page, second_page = first.get(url), second.get(url)
    assert first.post(url, submitted(first_page, name="Bimtek amplang 2")).status_code == 302
    answer = second.post(url, submitted(second_page, description="Pelatihan mutu"))
    assert answer.status_code == 200, answer.content
    assert answer.context["form"].conflict_taken[0]["now"] == "Bimtek amplang 2"
    assert Activity.objects.get(pk=activity.pk).description == ""
    assert second.post(url, submitted(answer)).status_code == 302
    assert Activity.objects.get(pk=activity.pk).description == "Pelatihan mutu"
    assert Activity.objects.get(pk=activity.pk).name == "Bimtek amplang 2"
