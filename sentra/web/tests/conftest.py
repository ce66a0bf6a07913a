import pytest


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Dashboard aggregates are cached; every test starts from an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
