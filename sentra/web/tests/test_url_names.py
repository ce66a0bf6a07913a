"""Every page has its own URL name: two patterns under one name make `{% url %}` and reverse() quietly
point at whichever Django tries last (the programmes' "Tambah program" once opened the national
programme form)."""

from collections import Counter

from django.urls import URLPattern, URLResolver, get_resolver


def names(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_no_two_pages_share_a_url_name():
    counts = Counter(names(get_resolver().url_patterns))
    # The API's names are django-ninja's (its view functions'); nothing reverses them, paths identify
    # its operations.
    assert [name for name, n in counts.items() if n > 1 and not name.startswith("api:")] == []
