import pytest

# The browser tests' fixtures (chromium, live server, reference data, signed-in page), for every module here.
from sentra.web.tests.browser import (  # noqa: F401
    _restore_reference_after_module,
    browser_page,
    csp_violations,
    logged_in,
    reference,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Dashboard aggregates are cached; every test starts from an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
