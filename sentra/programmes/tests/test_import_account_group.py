"""The realisation import takes the spending type (issue 13.1): an optional jenis_belanja column (51,
52, 53, 57 or a 6-digit akun), needed only when the activity has several budget lines."""

from __future__ import annotations

import pytest

from sentra.programmes.models import Realisation

from .factories import BudgetLineFactory, RealisationFactory
from .test_imports import HEADER, errors, officer, ppu_activity, run  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

TYPED = HEADER + ",Jenis belanja"
YEAR = 2026


@pytest.fixture
def two_lines(ppu_activity):  # noqa: F811
    """The PPU activity: 120 M of goods (52, its first line) and 30 M of capital (53)."""
    line = ppu_activity.budget_lines.get()
    BudgetLineFactory(document=line.document, activity=ppu_activity, account_group="53", amount=30_000_000)
    return ppu_activity


def test_an_existing_file_without_the_column_still_imports_a_single_line_activity(
    tmp_path,
    officer,  # noqa: F811
    ppu_activity,  # noqa: F811
):
    report = run(tmp_path, officer, f"{YEAR},5305.001,Maret,1000,10,,", commit=True)
    assert report.ok, report.errors
    row = Realisation.objects.get(activity=ppu_activity, month=3)
    assert (row.account_group, row.budget_line_id) == ("52", ppu_activity.budget_lines.get().pk)


def test_several_lines_need_the_column_and_the_type_must_be_in_the_pagu(tmp_path, officer, two_lines):  # noqa: F811
    report = run(
        tmp_path,
        officer,
        f"{YEAR},5305.001,Maret,1000,10,,,",
        f"{YEAR},5305.001,Maret,1000,10,,,57",
        f"{YEAR},5305.001,Maret,1000,10,,,54",
        header=TYPED,
    )
    assert errors(report) == [
        (2, "jenis_belanja", "account_group_required"),
        (3, "jenis_belanja", "account_group_not_in_pagu"),
        (4, "jenis_belanja", "invalid_account"),
    ]
    assert not Realisation.objects.exists()


def test_a_month_per_type_an_akun_names_its_type_and_the_pagu_counts_per_type(
    tmp_path,
    officer,  # noqa: F811
    two_lines,
):
    """53 has 30 M: 20 M in March and 10 M + 1 in April is one rupiah too many for the type, while
    the activity's 150 M would still hold it."""
    over = run(
        tmp_path,
        officer,
        f"{YEAR},5305.001,Maret,5000000,10,,,526111",
        f"{YEAR},5305.001,Maret,20000000,10,,,53",
        f"{YEAR},5305.001,April,10000001,20,,,531111",
        header=TYPED,
    )
    assert errors(over) == [(4, "realisasi_rp", "above_pagu")]
    ok = run(
        tmp_path,
        officer,
        f"{YEAR},5305.001,Maret,5000000,10,,,526111",
        f"{YEAR},5305.001,Maret,20000000,10,,,53",
        f"{YEAR},5305.001,April,10000000,20,,,531111",
        header=TYPED,
        commit=True,
    )
    assert ok.ok, ok.errors
    rows = Realisation.objects.filter(activity=two_lines).order_by("month", "account_group")
    assert [(r.month, r.account_group, r.amount) for r in rows] == [
        (3, "52", 5_000_000),
        (3, "53", 20_000_000),
        (4, "53", 10_000_000),
    ]
    again = run(tmp_path, officer, f"{YEAR},5305.001,Maret,6000000,10,,,52", header=TYPED, commit=True)
    assert (again.created, again.updated) == (0, 1)  # the same activity × month × type: updated


def test_the_same_month_and_type_twice_in_a_file_is_a_duplicate(tmp_path, officer, two_lines):  # noqa: F811
    report = run(
        tmp_path,
        officer,
        f"{YEAR},5305.001,Maret,1000,10,,,52",
        f"{YEAR},5305.001,Maret,1000,10,,,53",
        f"{YEAR},5305.001,Maret,1000,10,,,52",
        header=TYPED,
    )
    assert [(row, code) for row, _column, code in errors(report)] == [(4, "duplicate_row")]


def test_a_month_recorded_before_types_is_taken_over_by_the_first_typed_row(
    tmp_path,
    officer,  # noqa: F811
    two_lines,
):
    legacy = RealisationFactory(activity=two_lines, month=3, amount=7_000_000, account_group="")
    report = run(
        tmp_path,
        officer,
        f"{YEAR},5305.001,Maret,4000000,10,,,52",
        f"{YEAR},5305.001,Maret,3000000,10,,,53",
        header=TYPED,
        commit=True,
    )
    assert report.ok and (report.created, report.updated) == (1, 1), report.errors
    legacy.refresh_from_db()
    assert (legacy.account_group, legacy.amount) == ("52", 4_000_000)
    assert Realisation.objects.filter(activity=two_lines, month=3).count() == 2


def test_bansos_for_an_ikm_activity_is_questioned_in_the_report_not_refused(tmp_path, officer, ppu_activity):  # noqa: F811
    """Akun 57 (bantuan sosial) on an IKM activity: a warning with its reason (PMK 254/2015 jo.
    228/2016), like the budget line form and the SAKTI import; the row is still written."""
    line = ppu_activity.budget_lines.get()
    line.account_group = "57"
    line.save()
    report = run(tmp_path, officer, f"{YEAR},5305.001,Maret,1000,10,,,57", header=TYPED, commit=True)
    assert report.ok, report.errors
    assert [(w.row, w.column, w.code) for w in report.warnings] == [
        (2, "jenis_belanja", "social_aid_for_ikm")
    ]
    assert "PMK 254/2015" in report.warnings[0].message
    assert Realisation.objects.get(activity=ppu_activity).account_group == "57"
