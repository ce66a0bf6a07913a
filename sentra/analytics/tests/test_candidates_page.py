"""Sentra candidates a page at a time (nationally there are hundreds of thousands): the first `limit`
candidates are exactly the first `limit` of the whole ranked list — ties on IKM and workers included —
with their villages, and `total` counts them all."""

from __future__ import annotations

import datetime as dt

import pytest

from sentra.analytics import candidates as cand
from sentra.analytics.aggregates import rebuild_kbli_counts
from sentra.analytics.models import RegistrySnapshot, SnapshotCount
from sentra.analytics.tests.test_candidates import AMPLANG, NENANG, SALOLOANG, TENUN, THIRD, ikm

pytestmark = pytest.mark.django_db

SEPAKU_A, SEPAKU_B = "64.09.04.1005", "64.09.04.1006"  # Kecamatan Sepaku
PENAJAM = "64.09.02.2001"


def summary(items):
    return [(c.rank, c.kind, c.place_code, c.kbli, c.enterprises, c.workers, c.villages) for c in items]


def test_every_page_is_the_head_of_the_whole_ranking(actor):
    ikm(SALOLOANG, n=6, workers=2)  # village: 6 IKM, 12 workers
    ikm(NENANG, n=5, workers=2)  # village: 5, 10 — tied with the next two on IKM and workers
    ikm(THIRD, n=5, workers=2)
    ikm(PENAJAM, n=5, workers=2)
    ikm(SEPAKU_A, kbli=TENUN, n=3, workers=1)  # a cluster of two villages: 5 IKM, 5 workers
    ikm(SEPAKU_B, kbli=TENUN, n=2, workers=1)
    ikm(SALOLOANG, kbli=TENUN, n=4, workers=1)  # with Nenang's one: a cluster in Waru, 5 IKM, 5 workers
    ikm(NENANG, kbli=TENUN, n=1, workers=1)
    rebuild_kbli_counts()
    # Growth breaks the tie of Nenang, Third and Penajam: Penajam's district grew, Waru's shrank, so
    # Penajam ranks first of the three although its code comes last.
    shot = RegistrySnapshot.objects.create(year=2025, taken_on=dt.date(2025, 12, 31))
    for district, n in (("64.09.01", 40), ("64.09.02", 1)):
        SnapshotCount.objects.create(
            snapshot=shot, district_code=district, regency_code="64.09", province_code="64", kbli=AMPLANG,
            enterprises=n,
        )  # fmt: skip
    whole = cand.candidates(actor=actor, region="64.09")
    assert [c.place_code for c in whole.items[1:4]] == [PENAJAM, NENANG, THIRD]
    assert whole.total == len(whole.items) == 6
    assert [c.kind for c in whole.items].count(cand.KIND_DISTRICT) == 2
    for limit in range(1, 8):
        page = cand.candidates(actor=actor, region="64.09", limit=limit)
        assert page.total == 6
        assert summary(page.items) == summary(whole.items[:limit]), limit
    cluster = next(c for c in whole.items if c.place_code == "64.09.04")
    assert cluster.villages == [SEPAKU_A, SEPAKU_B]


def test_a_page_of_the_whole_country_counts_clusters_a_village_or_sentra_already_holds_out(actor):
    ikm(SALOLOANG, n=5, workers=1)  # Saloloang alone reaches five: its district is no cluster for Amplang
    ikm(NENANG, n=2, workers=1)
    ikm(SEPAKU_A, n=3, workers=1)
    ikm(SEPAKU_B, n=2, workers=1)  # Sepaku together: a cluster
    rebuild_kbli_counts()
    page = cand.candidates(actor=actor, kbli=AMPLANG, limit=1)
    assert page.total == 2
    assert [(c.kind, c.place_code) for c in page.items] == [(cand.KIND_VILLAGE, SALOLOANG)]
