"""Factories for meetings, follow-ups and agreements, placed at real regions through their agency."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from sentra.coordination.models import (
    Agreement,
    AgreementParty,
    Decision,
    FollowUp,
    Invitation,
    Meeting,
    MeetingSeries,
    Participant,
)
from sentra.registry.tests.factories import AgencyFactory

WIB = dt.timezone(dt.timedelta(hours=7))


def wib(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=WIB)


class _Placed(factory.django.DjangoModelFactory):
    """Copies the agency's region onto the record, as the services do (place_at_agency)."""

    agency = factory.SubFactory(AgencyFactory)
    region_id = factory.LazyAttribute(lambda o: o.agency.region_id)
    province_code = factory.LazyAttribute(lambda o: (o.agency.region_id or "")[:2])
    regency_code = factory.LazyAttribute(
        lambda o: o.agency.region_id[:5] if o.agency.region_id and len(o.agency.region_id) >= 5 else ""
    )


class MeetingSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingSeries

    name = factory.Sequence(lambda n: f"Rakornas Dekon Ditjen IKMA {n}")
    kind = "rakornas"
    organiser = factory.SubFactory(
        AgencyFactory, name="Direktorat Jenderal IKMA", kind="ministry", region_id=None
    )


class MeetingFactory(_Placed):
    class Meta:
        model = Meeting

    kind = "rakor_programme"
    title = factory.Sequence(lambda n: f"Rakor Pelaksanaan Kegiatan IKM {n}")
    starts_at = wib(2026, 11, 2, 9)
    ends_at = wib(2026, 11, 3, 16)
    fiscal_year = factory.LazyAttribute(lambda o: timezone.localtime(o.starts_at).year)
    venue = "Aula Kantor Bupati"


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    agency = factory.SubFactory(AgencyFactory)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    meeting = factory.SubFactory(MeetingFactory)
    name = factory.Sequence(lambda n: f"Peserta {n}")
    position = "Kepala Bidang Perindustrian"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Pusat menyiapkan anggaran dan pelatihan; provinsi mengawasi; kabupaten mengendalikan."


class FollowUpFactory(_Placed):
    class Meta:
        model = FollowUp

    decision = factory.SubFactory(DecisionFactory)
    meeting = factory.SelfAttribute("decision.meeting")
    description = factory.Sequence(lambda n: f"Sinkronisasi pelatihan {n}")
    due_on = dt.date(2026, 12, 15)
    fiscal_year = factory.LazyAttribute(lambda o: o.due_on.year)


class AgreementFactory(_Placed):
    class Meta:
        model = Agreement

    kind = "mou"
    title = factory.Sequence(lambda n: f"Nota Kesepahaman Pengembangan IKM {n}")
    valid_from = dt.date(2026, 1, 1)
    valid_until = dt.date(2030, 12, 31)
    fiscal_year = factory.LazyAttribute(lambda o: o.valid_from.year)
    status = "active"


class AgreementPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementParty

    agreement = factory.SubFactory(AgreementFactory)
    kind = "agency"
    agency = factory.SubFactory(AgencyFactory)
    name = factory.LazyAttribute(lambda o: o.agency.name if o.agency else "Pihak")
    document_number = factory.Sequence(lambda n: f"500/{n:03d}/2026")
