import factory

from sentra.agencies.models import Agency
from sentra.registry.models import Centre, Enterprise
from sentra.registry.services import enterprise_size_class


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Dinas Perindustrian {n}")
    kind = "regency_industry"
    region_id = "64.09"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    """An IKM unit in a real village (Saloloang, Penajam, PPU) with a real KBLI code."""

    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"UD Amplang Sejahtera {n}")
    owner_name = factory.Faker("name", locale="id_ID")
    nib = factory.Sequence(lambda n: f"{9120000000000 + n}")
    kbli_id = "10794"
    village_id = "64.09.01.1002"
    province_code = factory.LazyAttribute(lambda o: o.village_id[:2])
    regency_code = factory.LazyAttribute(lambda o: o.village_id[:5])
    agency = factory.SubFactory(AgencyFactory)
    workers = 4
    investment = 50_000_000
    size_class = factory.LazyAttribute(
        lambda o: enterprise_size_class(workers=o.workers, investment=o.investment)
    )


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    name = factory.Sequence(lambda n: f"Sentra Kelapa {n}")
    commodity = "Kelapa dan kerajinannya"
    kbli_id = "10421"
    village_id = "64.09.01.1002"
    province_code = factory.LazyAttribute(lambda o: o.village_id[:2])
    regency_code = factory.LazyAttribute(lambda o: o.village_id[:5])
    agency = factory.SubFactory(AgencyFactory)

    @factory.post_generation
    def villages(self, create, extracted, **kwargs):
        if create:
            from sentra.registry.models import CentreVillage

            for code in extracted or [self.village_id]:
                CentreVillage.objects.get_or_create(centre=self, village_id=code)
