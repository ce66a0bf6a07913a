"""Rules of the yearly snapshots that no test held before the mutation pass of 2026-12-06
(docs/analytics.md, "Mutation pass"): each test here failed with one deliberate change of
analytics/snapshots.py."""

import pytest

from sentra.analytics.models import RegistrySnapshot, SnapshotCount
from sentra.analytics.snapshots import FIRST_YEAR, take_snapshot
from sentra.analytics.tests.test_potential import count
from sentra.core.errors import DomainError

pytestmark = pytest.mark.django_db


def test_the_first_year_is_1945_and_the_year_before_is_refused():
    assert FIRST_YEAR == 1945
    with pytest.raises(DomainError) as refused:
        take_snapshot(1944)
    assert refused.value.code == "snapshot_year_invalid"
    assert take_snapshot(1945).year == 1945


def test_a_count_left_at_zero_is_not_copied_into_the_snapshot():
    count("64.09.01.1002", "10794", 3, workers=6)
    count("64.09.03.2001", "13121", 0)  # an emptied cell (the count deletes them; guarded all the same)
    snapshot = take_snapshot(2026)
    rows = list(SnapshotCount.objects.filter(snapshot=snapshot).values_list("district_code", "kbli"))
    assert rows == [("64.09.01", "10794")]
    assert RegistrySnapshot.objects.count() == 1
