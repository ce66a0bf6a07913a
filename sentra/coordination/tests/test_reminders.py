"""Reminders (a follow-up due today, overdue from tomorrow; an agreement 90 and 30 days before its
end) and the weekly e-mail digest: each sent once, only to the owner agency. The suite's clock stands
at Monday 16 November 2026, 10:00 WIB."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from sentra.accounts.models import Notification, Role
from sentra.accounts.tests.factories import persona
from sentra.coordination import reminders
from sentra.coordination.models import Digest, Reminder
from sentra.coordination.tasks import send_reminders_and_digest
from sentra.registry.tests.factories import AgencyFactory

from .factories import AgreementFactory, FollowUpFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 16)  # a Monday
DAY = dt.timedelta(days=1)


@pytest.fixture
def offices():
    """Two regency offices of Kaltim, each with an officer who has an e-mail address."""
    ppu = AgencyFactory(name="Dinas Perindustrian PPU", kind="regency_industry", region_id="64.09")
    kutim = AgencyFactory(name="Dinas Perindustrian Kutai Timur", kind="regency_industry", region_id="64.08")
    ppu_user = persona(Role.REGENCY_OFFICER, agency=ppu)
    ppu_user.email = "ppu@example.go.id"
    ppu_user.save()
    kutim_user = persona(Role.REGENCY_OFFICER, agency=kutim)
    kutim_user.email = "kutim@example.go.id"
    kutim_user.save()
    return {"ppu": ppu, "kutim": kutim, "ppu_user": ppu_user, "kutim_user": kutim_user}


def messages_of(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("message", flat=True))


# --- follow-ups --------------------------------------------------------------------------------------


def test_a_follow_up_due_today_reminds_its_owner_once(offices):
    follow_up = FollowUpFactory(agency=offices["ppu"], due_on=TODAY, description="Kirim data sentra tahu")

    counts = reminders.send_due_reminders(on=TODAY)
    again = reminders.send_due_reminders(on=TODAY)

    assert (counts.follow_up_due, counts.follow_up_overdue, counts.notifications) == (1, 0, 1)
    assert again.reminders == 0 and again.notifications == 0
    [message] = messages_of(offices["ppu_user"])
    assert "Kirim data sentra tahu" in message and "jatuh tempo hari ini" in message
    assert "16 November 2026" in message
    assert (
        Notification.objects.get(user=offices["ppu_user"]).link
        == f"/koordinasi/tindak-lanjut/{follow_up.pk}/"
    )
    assert Reminder.objects.filter(follow_up=follow_up, kind="follow_up_due").count() == 1


def test_the_overdue_reminder_comes_the_day_after_the_due_date_not_on_it(offices):
    FollowUpFactory(agency=offices["ppu"], due_on=TODAY)

    on_the_day = reminders.send_due_reminders(on=TODAY)
    next_day = reminders.send_due_reminders(on=TODAY + DAY)
    day_after = reminders.send_due_reminders(on=TODAY + 2 * DAY)

    assert (on_the_day.follow_up_due, on_the_day.follow_up_overdue) == (1, 0)
    assert (next_day.follow_up_due, next_day.follow_up_overdue) == (0, 1)
    assert day_after.reminders == 0
    assert "terlambat" in messages_of(offices["ppu_user"])[-1]


def test_a_follow_up_due_tomorrow_is_not_reminded_today(offices):
    FollowUpFactory(agency=offices["ppu"], due_on=TODAY + DAY)

    assert reminders.send_due_reminders(on=TODAY).reminders == 0
    assert messages_of(offices["ppu_user"]) == []


def test_a_missed_run_catches_up_the_overdue_reminder_for_a_week_only(offices):
    FollowUpFactory(agency=offices["ppu"], due_on=TODAY - dt.timedelta(days=reminders.OVERDUE_CATCH_UP_DAYS))
    FollowUpFactory(
        agency=offices["ppu"], due_on=TODAY - dt.timedelta(days=reminders.OVERDUE_CATCH_UP_DAYS + 1)
    )

    counts = reminders.send_due_reminders(on=TODAY)

    assert (counts.follow_up_due, counts.follow_up_overdue) == (0, 1)


def test_done_and_dropped_follow_ups_are_not_reminded(offices):
    FollowUpFactory(agency=offices["ppu"], due_on=TODAY, status="done", completed_on=TODAY)
    FollowUpFactory(agency=offices["ppu"], due_on=TODAY - DAY, status="dropped", drop_reason="Tidak relevan")
    in_progress = FollowUpFactory(agency=offices["ppu"], due_on=TODAY, status="in_progress")

    counts = reminders.send_due_reminders(on=TODAY)

    assert counts.follow_up_due == 1 and counts.follow_up_overdue == 0
    assert Reminder.objects.get().follow_up == in_progress


def test_reminders_go_to_the_owner_agency_only(offices):
    FollowUpFactory(agency=offices["ppu"], due_on=TODAY)
    colleague = persona(Role.VIEWER, agency=offices["ppu"])
    inactive = persona(Role.REGENCY_OFFICER, agency=offices["ppu"])
    inactive.is_active = False
    inactive.save()
    province = persona(
        Role.PROVINCE_OFFICER,
        agency=AgencyFactory(name="Disperindagkop Kaltim", kind="province_industry", region_id="64"),
    )

    counts = reminders.send_due_reminders(on=TODAY)

    assert counts.notifications == 2
    assert len(messages_of(offices["ppu_user"])) == 1 and len(messages_of(colleague)) == 1
    assert messages_of(offices["kutim_user"]) == [] and messages_of(inactive) == []
    assert messages_of(province) == []


def test_a_dry_run_counts_and_sends_nothing(offices):
    FollowUpFactory(agency=offices["ppu"], due_on=TODAY)

    counts = reminders.send_due_reminders(on=TODAY, dry_run=True)

    assert counts.follow_up_due == 1 and counts.notifications == 1
    assert not Reminder.objects.exists() and not Notification.objects.exists()
    assert reminders.send_due_reminders(on=TODAY).follow_up_due == 1


# --- agreements --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (91, None),
        (90, "agreement_90"),
        (31, "agreement_90"),
        (30, "agreement_30"),
        (0, "agreement_30"),
        (-1, None),
    ],
)
def test_agreement_alerts_at_90_and_30_days_before_its_end(offices, days_left, expected):
    agreement = AgreementFactory(agency=offices["kutim"], valid_until=TODAY + dt.timedelta(days=days_left))

    counts = reminders.send_due_reminders(on=TODAY)

    sent = list(Reminder.objects.filter(agreement=agreement).values_list("kind", flat=True))
    assert sent == ([expected] if expected else [])
    assert counts.reminders == len(sent)
    assert len(messages_of(offices["kutim_user"])) == len(sent)
    assert messages_of(offices["ppu_user"]) == []


def test_an_agreement_gets_the_90_day_alert_then_the_30_day_alert_each_once(offices):
    agreement = AgreementFactory(
        agency=offices["kutim"], title="PK Pelatihan Bersama", valid_until=TODAY + dt.timedelta(days=90)
    )

    day = TODAY
    while day <= agreement.valid_until:
        reminders.send_due_reminders(on=day)
        day += dt.timedelta(days=15)

    kinds = sorted(Reminder.objects.filter(agreement=agreement).values_list("kind", flat=True))
    assert kinds == ["agreement_30", "agreement_90"]
    first, second = messages_of(offices["kutim_user"])
    assert "PK Pelatihan Bersama" in first and "90 hari" in first
    assert "30 hari" in second
    links = set(Notification.objects.filter(user=offices["kutim_user"]).values_list("link", flat=True))
    assert links == {f"/koordinasi/kerja-sama/{agreement.pk}/"}


def test_drafts_and_terminated_agreements_get_no_alert(offices):
    AgreementFactory(agency=offices["kutim"], status="draft", valid_until=TODAY + dt.timedelta(days=30))
    AgreementFactory(agency=offices["kutim"], status="terminated", valid_until=TODAY + dt.timedelta(days=30))

    assert reminders.send_due_reminders(on=TODAY).reminders == 0


# --- weekly digest -----------------------------------------------------------------------------------


def test_the_digest_goes_once_a_week_to_each_agency_with_something_to_report(offices):
    FollowUpFactory(agency=offices["ppu"], due_on=TODAY + dt.timedelta(days=10))

    monday = reminders.send_weekly_digest(on=TODAY)
    wednesday = reminders.send_weekly_digest(on=TODAY + 2 * DAY)
    next_monday = reminders.send_weekly_digest(on=TODAY + 7 * DAY)

    assert (monday.sent, monday.recipients) == (1, 1)
    assert (wednesday.sent, wednesday.already_sent) == (0, 1)
    assert next_monday.sent == 1
    assert [m.to for m in mail.outbox] == [["ppu@example.go.id"], ["ppu@example.go.id"]]
    assert list(Digest.objects.order_by("week_of").values_list("week_of", flat=True)) == [
        TODAY,
        TODAY + 7 * DAY,
    ]


def test_the_digest_lists_overdue_and_open_follow_ups_and_expiring_agreements(offices):
    FollowUpFactory(
        agency=offices["ppu"], due_on=TODAY - 3 * DAY, description="Kirim daftar peserta pelatihan"
    )
    FollowUpFactory(
        agency=offices["ppu"],
        due_on=TODAY + 5 * DAY,
        status="in_progress",
        description="Susun jadwal bersama",
    )
    FollowUpFactory(agency=offices["ppu"], due_on=TODAY - DAY, status="done", description="Sudah beres")
    FollowUpFactory(agency=offices["ppu"], due_on=TODAY, description="Laporan yang jatuh tempo hari ini")
    AgreementFactory(agency=offices["ppu"], title="PK Diskominfo", valid_until=TODAY + 20 * DAY)
    AgreementFactory(agency=offices["ppu"], title="MoU jangka panjang", valid_until=TODAY + 400 * DAY)

    reminders.send_weekly_digest(on=TODAY)

    [message] = mail.outbox
    assert message.subject == (
        "Sentra: ringkasan tindak lanjut minggu 16 November 2026 — Dinas Perindustrian PPU"
    )
    text = message.body
    assert "TERLAMBAT (1 tindak lanjut)" in text and "Kirim daftar peserta pelatihan" in text
    assert "terlambat 3 hari" in text
    # Due today is not late yet: it is listed with the others still to do.
    assert "BELUM SELESAI (2 tindak lanjut)" in text and "Susun jadwal bersama" in text
    assert text.index("Laporan yang jatuh tempo hari ini") > text.index("BELUM SELESAI")
    assert "Sudah beres" not in text
    assert "PK Diskominfo" in text and "20 hari lagi" in text
    assert "MoU jangka panjang" not in text
    assert "http://" in text and "/koordinasi/tindak-lanjut/" in text
    [(html, kind)] = message.alternatives
    assert kind == "text/html" and "Kirim daftar peserta pelatihan" in html and "<a href=" in html
    digest = Digest.objects.get()
    assert (digest.open_count, digest.overdue_count, digest.recipients) == (3, 1, 1)


def test_no_digest_for_an_agency_with_nothing_to_report_or_without_e_mail(offices):
    FollowUpFactory(agency=offices["kutim"], due_on=TODAY, status="done", completed_on=TODAY)
    silent = AgencyFactory(name="Dinas Tanpa Surel", kind="regency_industry", region_id="64.01")
    persona(Role.REGENCY_OFFICER, agency=silent)  # no e-mail address
    FollowUpFactory(agency=silent, due_on=TODAY)

    counts = reminders.send_weekly_digest(on=TODAY)

    assert counts.sent == 0 and mail.outbox == []
    assert not Digest.objects.exists()


def test_one_digest_per_agency_to_all_its_users_with_e_mail(offices):
    colleague = persona(Role.VIEWER, agency=offices["ppu"])
    colleague.email = "kabid@example.go.id"
    colleague.save()
    FollowUpFactory(agency=offices["ppu"], due_on=TODAY)
    FollowUpFactory(agency=offices["kutim"], due_on=TODAY)

    counts = reminders.send_weekly_digest(on=TODAY)

    assert (counts.sent, counts.recipients) == (2, 3)
    recipients = sorted(sorted(m.to) for m in mail.outbox)
    assert recipients == [["kabid@example.go.id", "ppu@example.go.id"], ["kutim@example.go.id"]]


def test_a_digest_that_fails_to_send_is_tried_again(offices, monkeypatch):
    FollowUpFactory(agency=offices["ppu"], due_on=TODAY)

    def refuse(self, fail_silently=False):
        raise OSError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(OSError):
        reminders.send_weekly_digest(on=TODAY)
    assert not Digest.objects.exists()
    monkeypatch.undo()

    assert reminders.send_weekly_digest(on=TODAY).sent == 1


# --- command and task --------------------------------------------------------------------------------


def run(*args) -> str:
    out = StringIO()
    call_command("digest", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_what_it_sent_and_a_rerun_sends_nothing(offices):
    FollowUpFactory(agency=offices["ppu"], due_on=TODAY)
    FollowUpFactory(agency=offices["kutim"], due_on=TODAY - DAY)
    AgreementFactory(agency=offices["kutim"], valid_until=TODAY + 30 * DAY)

    first = run("--date", "2026-11-16")
    second = run("--date", "2026-11-16")

    assert (
        "Pengingat: 1 jatuh tempo, 1 terlambat, 0 kerja sama 90 hari, 1 kerja sama 30 hari; 3 notifikasi."
        in first
    )
    assert "Ringkasan mingguan: 2 surel ke 2 penerima; 0 instansi sudah menerimanya minggu ini." in first
    assert (
        "Pengingat: 0 jatuh tempo, 0 terlambat, 0 kerja sama 90 hari, 0 kerja sama 30 hari; 0 notifikasi."
        in second
    )
    assert "Ringkasan mingguan: 0 surel ke 0 penerima; 2 instansi sudah menerimanya minggu ini." in second
    assert len(mail.outbox) == 2


def test_the_command_dry_run_and_only(offices):
    FollowUpFactory(agency=offices["ppu"], due_on=TODAY)

    dry = run("--dry-run")
    only_reminders = run("--only", "reminders")

    assert "Uji coba" in dry and "1 jatuh tempo" in dry and "1 surel" in dry
    assert mail.outbox == [] and Digest.objects.count() == 0
    assert "1 jatuh tempo" in only_reminders and "Ringkasan mingguan" not in only_reminders


def test_the_command_refuses_a_date_that_is_not_one():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="bukan tanggal"):
        run("--date", "16-11-2026")


def test_the_celery_task_runs_reminders_and_digest(offices):
    FollowUpFactory(agency=offices["ppu"], due_on=TODAY)

    result = send_reminders_and_digest.apply().get()

    assert result == {"reminders": 1, "notifications": 1, "digests": 1}


def test_celery_beat_runs_the_task_every_morning():
    from sentra.celery import app

    entry = app.conf.beat_schedule["sentra-coordination-reminders"]

    assert entry["task"] == send_reminders_and_digest.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {0})
    assert str(app.conf.timezone) == "Asia/Jakarta"
