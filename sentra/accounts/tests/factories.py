import factory
from django.contrib.auth import get_user_model

from sentra.accounts.models import Profile, Role
from sentra.accounts.scope import Channel, actor_for_user


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"petugas{n}")
    password = factory.PostGenerationMethodCall("set_password", "rahasia-sekali-123")


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    role = Role.VIEWER
    agency = None
    region_id = factory.LazyAttribute(lambda o: o.agency.region_id if o.agency else None)


def persona(role: str, *, agency=None, region: str | None = None, username: str | None = None, **kwargs):
    """A saved user with a profile: `persona(Role.REGENCY_OFFICER, agency=ppu_dinas)`."""
    user = UserFactory(**({"username": username} if username else {}))
    region = region if region is not None else (agency.region_id if agency else None)
    ProfileFactory(user=user, role=role, agency=agency, region_id=region, **kwargs)
    user.refresh_from_db()
    return user


def actor_of(user, channel: str = Channel.WEB):
    return actor_for_user(user, channel=channel)
