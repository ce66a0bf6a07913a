import factory
from django.utils import timezone

from sentra.core.models import LoginFailure


class LoginFailureFactory(factory.django.DjangoModelFactory):
    """A failed login a moment ago, from the test client's address."""

    class Meta:
        model = LoginFailure

    username = "petugas"
    ip = "127.0.0.1"
    created_at = factory.LazyFunction(timezone.now)
