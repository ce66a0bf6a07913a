"""Contracts ending: listed for those who read them, and notified 60 and 30 days ahead, once each.

The fixed clock says 16 November 2026; the `contract` fixture ends on 31 December 2026 (45 days on)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from sentra.accounts.models import Notification, Role
from sentra.accounts.tests.factories import persona
from sentra.facilitators import expiry, selectors
from sentra.facilitators.models import ContractNotice
from sentra.facilitators.tasks import notify_expiring_contracts

from .factories import ContractFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 16)


@pytest.fixture
def people(ppu_officer_user, kaltim_officer, kudus_officer, analyst, colleague, tpl_user):
    """Everyone who might hear of the facilitator's contract, by username."""
    return {
        "tpl": tpl_user.pk,
        "dinas": ppu_officer_user.pk,
        "province": kaltim_officer.user_id,
        "kudus": kudus_officer.user_id,
        "analyst": analyst.user_id,
        "colleague": colleague.user_id,
    }


def notified(user_id: int) -> list[str]:
    return list(Notification.objects.filter(user_id=user_id).values_list("message", flat=True))


class TestExpiringList:
    def test_within_60_days_soonest_first_and_not_renewed(self, ppu_officer, contract, colleague):
        sooner = ContractFactory(facilitator=colleague, period_end=dt.date(2026, 12, 1))
        ContractFactory(
            facilitator=colleague,
            number="LATER",
            period_start=dt.date(2027, 1, 1),
            period_end=dt.date(2027, 1, 16),
        )
        assert list(selectors.contracts_expiring(ppu_officer)) == [sooner, contract]
        ContractFactory(
            facilitator=contract.facilitator,
            number="RENEWAL",
            previous=contract,
            period_start=dt.date(2027, 1, 1),
            period_end=dt.date(2027, 12, 31),
        )
        assert list(selectors.contracts_expiring(ppu_officer)) == [sooner]
        assert list(selectors.contracts_expiring(ppu_officer, within_days=10)) == []

    def test_an_ended_contract_is_no_longer_expiring(self, ppu_officer, facilitator):
        ContractFactory(
            facilitator=facilitator, period_start=dt.date(2025, 1, 1), period_end=dt.date(2026, 11, 15)
        )
        assert not selectors.contracts_expiring(ppu_officer).exists()

    def test_scoped_like_every_list(
        self, contract, colleague, colleague_actor, tpl, kudus_officer, kaltim_officer
    ):
        other = ContractFactory(facilitator=colleague, period_end=dt.date(2026, 12, 1))
        assert list(selectors.contracts_expiring(tpl)) == [contract]
        assert list(selectors.contracts_expiring(colleague_actor)) == [other]
        assert list(selectors.contracts_expiring(kudus_officer)) == []
        assert set(selectors.contracts_expiring(kaltim_officer)) == {contract, other}


class TestNotices:
    def test_60_days_notice_reaches_the_facilitator_the_dinas_and_the_province(self, contract, people):
        counts = expiry.notify_expiring_contracts()
        assert (counts.days_60, counts.days_30, counts.notifications) == (1, 0, 3)
        for who in ("tpl", "dinas", "province"):
            [message] = notified(people[who])
            assert (
                "3.8.2 /IKM/KK/1/2026" in message and "45 hari" in message and "31 Desember 2026" in message
            )
        for who in ("kudus", "analyst", "colleague"):
            assert notified(people[who]) == []

    def test_once_however_often_it_runs(self, contract, people):
        expiry.notify_expiring_contracts()
        again = expiry.notify_expiring_contracts()
        assert again.notices == 0
        assert expiry.notify_expiring_contracts(dry_run=True).notices == 0  # nothing left to send
        assert Notification.objects.count() == 3
        assert ContractNotice.objects.get().days_before == 60

    def test_then_30_days_before(self, contract, people, time_machine):
        expiry.notify_expiring_contracts()
        time_machine.move_to(dt.datetime(2026, 12, 1, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))))
        counts = expiry.notify_expiring_contracts()
        assert (counts.days_60, counts.days_30) == (0, 1)
        assert sorted(ContractNotice.objects.values_list("days_before", flat=True)) == [30, 60]
        assert len(notified(people["tpl"])) == 2
        assert expiry.notify_expiring_contracts().notices == 0

    def test_recorded_late_a_contract_gets_the_30_day_notice_only(self, facilitator, people):
        ContractFactory(
            facilitator=facilitator, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 6)
        )
        counts = expiry.notify_expiring_contracts()
        assert (counts.days_60, counts.days_30) == (0, 1)

    def test_the_day_windows_are_exact(self, facilitator, people):
        ends = TODAY + dt.timedelta(days=61)
        ContractFactory(facilitator=facilitator, period_start=dt.date(2026, 1, 1), period_end=ends)
        assert expiry.notify_expiring_contracts(dry_run=True).notices == 0  # 61 days: not yet
        day = dt.timedelta(days=1)
        assert expiry.notify_expiring_contracts(on=TODAY + day, dry_run=True).days_60 == 1  # 60 days
        assert expiry.notify_expiring_contracts(on=ends - 31 * day, dry_run=True).days_60 == 1  # 31 days
        assert expiry.notify_expiring_contracts(on=ends - 30 * day, dry_run=True).days_30 == 1  # 30 days
        assert expiry.notify_expiring_contracts(on=ends - 30 * day, dry_run=True).days_60 == 0
        assert expiry.notify_expiring_contracts(on=ends, dry_run=True).days_30 == 1  # its last day
        assert expiry.notify_expiring_contracts(on=ends + day, dry_run=True).notices == 0

    def test_renewed_or_ended_contracts_get_nothing(self, contract, facilitator, people):
        ContractFactory(
            facilitator=facilitator,
            number="NEXT",
            previous=contract,
            period_start=dt.date(2027, 1, 1),
            period_end=dt.date(2027, 12, 31),
        )
        ContractFactory(
            facilitator=facilitator,
            number="PAST",
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 12, 31),
        )
        assert expiry.notify_expiring_contracts().notices == 0

    def test_inactive_users_are_not_notified(self, contract, people, tpl_user):
        tpl_user.is_active = False
        tpl_user.save()
        assert expiry.notify_expiring_contracts().notifications == 2

    def test_dry_run_writes_nothing(self, contract, people):
        assert expiry.notify_expiring_contracts(dry_run=True).notices == 1
        assert not ContractNotice.objects.exists() and not Notification.objects.exists()

    def test_a_dinas_viewer_is_not_a_manager(self, contract, ppu_dinas, people):
        reader = persona(Role.VIEWER, agency=ppu_dinas, username="pembaca.dinas")
        expiry.notify_expiring_contracts()
        assert notified(reader.pk) == []


def test_the_command(contract, people):
    out = StringIO()
    call_command("notify_contracts", stdout=out)
    assert "1 pemberitahuan 60 hari" in out.getvalue()
    assert Notification.objects.count() == 3
    out = StringIO()
    call_command("notify_contracts", "--date", "2026-12-01", "--dry-run", stdout=out)
    assert "Uji coba" in out.getvalue() and "1 pemberitahuan 30 hari" in out.getvalue()


def test_the_command_refuses_a_date_that_is_not_one():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="bukan tanggal"):
        call_command("notify_contracts", "--date", "1-12-2026")


def test_the_celery_task_and_its_beat_entry(contract, people):
    from sentra.celery import app

    assert notify_expiring_contracts.apply().get() == {"notices": 1, "notifications": 3}
    entry = app.conf.beat_schedule["sentra-facilitators-contract-notices"]
    assert entry["task"] == notify_expiring_contracts.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {5})
