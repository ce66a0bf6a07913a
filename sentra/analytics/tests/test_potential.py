"""Leading potential: location quotient and shift-share against hand-computed tables and a published
worked example; scope; errors."""

import datetime as dt

import pandas as pd
import pytest

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import actor_of, persona
from sentra.analytics import potential
from sentra.analytics.aggregates import rebuild_rollups
from sentra.analytics.models import KbliCount, RegistrySnapshot, SnapshotCount
from sentra.conftest import KUDUS, PENAJAM, PPU
from sentra.core.errors import DomainError, NotFound

pytestmark = pytest.mark.django_db

KUDUS_DISTRICT = "33.19.01"


def count(village: str, kbli: str, enterprises: int, workers: int = 0, production_value: int = 0):
    parts = village.split(".")
    row = KbliCount.objects.create(
        village_code=village,
        district_code=".".join(parts[:3]),
        regency_code=".".join(parts[:2]),
        province_code=parts[0],
        kbli=kbli,
        enterprises=enterprises,
        workers=workers,
        production_value=production_value,
    )
    rebuild_rollups([village])  # as the registry's writes keep them
    return row


def snapshot(year: int, rows: dict[tuple[str, str], int]) -> RegistrySnapshot:
    shot = RegistrySnapshot.objects.create(year=year, taken_on=dt.date(year, 12, 31))
    for (district, kbli), n in rows.items():
        parts = district.split(".")
        SnapshotCount.objects.create(
            snapshot=shot,
            district_code=district,
            regency_code=".".join(parts[:2]),
            province_code=parts[0],
            kbli=kbli,
            enterprises=n,
            workers=n * 3,
        )
    return shot


# --- the formulas alone ----------------------------------------------------------------------------------


def test_lq_frame_against_a_hand_computed_table():
    """Two regions A, B and two KBLI, by enterprises:
           KBLI 10  KBLI 13  total
       A      30       10      40
       B      20       40      60
       E      50       50     100
    LQ_A,10 = (30/40)/(50/100) = 0.75/0.5 = 1.5    LQ_A,13 = (10/40)/0.5 = 0.5
    LQ_B,10 = (20/60)/0.5 = 0.6667                 LQ_B,13 = (40/60)/0.5 = 1.3333
    """
    cells = pd.DataFrame(
        [("A", "", "10", 30, 30), ("A", "", "13", 10, 10), ("B", "", "10", 20, 20), ("B", "", "13", 40, 40)],
        columns=["region", "ref", "kbli", "value", "enterprises"],
    )
    reference = pd.DataFrame([("", "10", 50), ("", "13", 50)], columns=["ref", "kbli", "value"])
    out = potential.lq_frame(cells, reference).set_index(["region", "kbli"])
    assert out.loc[("A", "10"), "lq"] == pytest.approx(1.5)
    assert out.loc[("A", "13"), "lq"] == pytest.approx(0.5)
    assert out.loc[("B", "10"), "lq"] == pytest.approx(2 / 3)
    assert out.loc[("B", "13"), "lq"] == pytest.approx(4 / 3)
    assert out.loc[("A", "10"), "share"] == pytest.approx(0.75)
    assert out.loc[("B", "13"), "ref_share"] == pytest.approx(0.5)
    assert out.loc[("A", "13"), "region_total"] == 40 and out.loc[("A", "13"), "ref_total"] == 100


def test_shift_share_frame_of_the_published_holukuluku_example():
    """The worked example of Krumme, Geography 350, University of Washington, "Shift & Share Table
    with Excel Explanations" (faculty.washington.edu/krumme/350/ssexcel.html), region 'Holukuluku':

      industry  region 1985  region 1995  national share 1985  national growth 1985-95
      I              500         1000            10 %                 10 %
      II             100          100            20 %                 20 %
      III            200          250            40 %                 30 %
      IV             200          280            30 %                 40 %
      total         1000         1630           100 %                 29 %

    Published: national growth effect 645−500 … = 290 in all; composition (industry mix) −95, −9, +2,
    +22 (net −80); differential (regional competitive) effect +450, −20, −10, 0 (net +420);
    290 − 80 + 420 = 630 = the region's growth. LQ 1985: 5, 0.5, 0.5, 0.667.
    A nation of 10,000 in 1985 with those shares and growth rates: 1000/2000/4000/3000 →
    1100/2400/5200/4200 (12,900: +29 %).
    """
    region = pd.DataFrame(
        [("I", 500, 1000), ("II", 100, 100), ("III", 200, 250), ("IV", 200, 280)],
        columns=["kbli", "start", "end"],
    )
    nation = pd.DataFrame(
        [("I", 1000, 1100), ("II", 2000, 2400), ("III", 4000, 5200), ("IV", 3000, 4200)],
        columns=["kbli", "start", "end"],
    )
    out = potential.shift_share_frame(region, nation).set_index("kbli")
    assert out["national_growth"].iloc[0] == pytest.approx(0.29)
    assert list(out["national_share"].round(6)) == [145, 29, 58, 58]  # 645−500, 129−100, 258−200, 258−200
    assert sum(out["national_share"]) == pytest.approx(290)
    assert list(out["industry_mix"].round(6)) == [-95, -9, 2, 22]
    assert list(out["regional_shift"].round(6)) == [450, -20, -10, 0]
    assert sum(out["industry_mix"]) == pytest.approx(-80) and sum(out["regional_shift"]) == pytest.approx(420)
    total = out["national_share"] + out["industry_mix"] + out["regional_shift"]
    assert list(total) == pytest.approx(list(out["change"]))

    cells = region.assign(ref="", value=region["start"], enterprises=region["start"], region="H")
    reference = nation.assign(ref="", value=nation["start"])[["ref", "kbli", "value"]]
    lq = potential.lq_frame(cells[["region", "ref", "kbli", "value", "enterprises"]], reference)
    assert list(lq["lq"].round(3)) == [5.0, 0.5, 0.5, 0.667]


def test_shift_share_of_a_kbli_new_in_the_region_puts_its_growth_in_the_regional_shift():
    region = pd.DataFrame([("10", 0, 7), ("13", 10, 10)], columns=["kbli", "start", "end"])
    nation = pd.DataFrame([("10", 100, 110), ("13", 100, 100)], columns=["kbli", "start", "end"])
    out = potential.shift_share_frame(region, nation).set_index("kbli")
    # G = 210/200 − 1 = 0.05. KBLI 10 is new: NS = IM = 0, RS = 7. KBLI 13: NS = 10·0.05 = 0.5,
    # IM = 10·(0 − 0.05) = −0.5, RS = 10·(0 − 0) = 0.
    assert (
        out.loc["10", "national_share"],
        out.loc["10", "industry_mix"],
        out.loc["10", "regional_shift"],
    ) == (
        0,
        0,
        7,
    )
    assert out.loc["13", "national_share"] == pytest.approx(0.5)
    assert out.loc["13", "industry_mix"] == pytest.approx(-0.5)
    assert out.loc["13", "regional_shift"] == pytest.approx(0)


# --- location quotient on the maintained counts ---------------------------------------------------------


@pytest.fixture
def two_regencies():
    """PPU (Kalimantan Timur) and Kudus (Jawa Tengah), 5-digit KBLI folded to 2 digits:
                      KBLI 10 (10710+10792)  KBLI 13   total
       PPU                  30 (20+10)          10        40
       Kudus                20                  40        60
       nation               50                  50       100
    LQ vs nation: PPU 10 → 1.5, 13 → 0.5; Kudus 10 → 0.6667, 13 → 1.3333.
    Against the parent (the province, which is the regency alone here) every LQ is 1.
    """
    count("64.09.01.1002", "10710", 20, workers=60, production_value=1000)
    count("64.09.01.1002", "10792", 10, workers=20, production_value=1000)
    count("64.09.02.2001", "13121", 10, workers=20, production_value=8000)
    count("33.19.01.2001", "10710", 20, workers=100, production_value=5000)
    count("33.19.01.2001", "13121", 40, workers=100, production_value=5000)


def test_location_quotient_by_regency_and_two_digit_kbli(system_actor, two_regencies):
    table = potential.location_quotient(actor=system_actor, level="regency", kbli_digits=2)
    rows = {(r.region_code, r.kbli): r for r in table.rows}
    assert set(rows) == {(PPU, "10"), (PPU, "13"), (KUDUS, "10"), (KUDUS, "13")}
    assert rows[(PPU, "10")].lq == pytest.approx(1.5)
    assert rows[(PPU, "13")].lq == pytest.approx(0.5)
    assert rows[(KUDUS, "10")].lq == pytest.approx(2 / 3)
    assert rows[(KUDUS, "13")].lq == pytest.approx(4 / 3)
    assert (rows[(PPU, "10")].value, rows[(PPU, "10")].region_total) == (30, 40)
    assert (rows[(PPU, "10")].reference_value, rows[(PPU, "10")].reference_total) == (50, 100)
    assert rows[(PPU, "10")].region_name.upper().endswith("PENAJAM PASER UTARA")
    assert rows[(PPU, "10")].kbli_title  # the KBLI 2020 title of division 10

    by_parent = potential.location_quotient(
        actor=system_actor, level="regency", kbli_digits=2, reference="parent"
    )
    assert {round(r.lq, 6) for r in by_parent.rows} == {1.0}
    assert {r.reference_code for r in by_parent.rows} == {"64", "33"}


def test_location_quotient_by_workers_and_production_value(system_actor, two_regencies):
    """Workers: PPU 10 → 80 of 100, Kudus 10 → 100 of 200; nation 10 → 180 of 300.
    LQ_PPU,10 = 0.8 / 0.6 = 1.3333. Production value: PPU 10 → 2000 of 10000, nation 10 → 7000 of 20000:
    LQ = 0.2 / 0.35 = 0.5714."""
    workers = potential.location_quotient(actor=system_actor, region=PPU, kbli_digits=2, measure="workers")
    assert {r.kbli: r.lq for r in workers.rows}["10"] == pytest.approx(0.8 / 0.6)
    value = potential.location_quotient(
        actor=system_actor, region=PPU, kbli_digits=2, measure="production_value"
    )
    assert {r.kbli: r.lq for r in value.rows}["10"] == pytest.approx(0.2 / 0.35)
    assert {r.kbli: r.enterprises for r in value.rows} == {"10": 30, "13": 10}


def test_location_quotient_by_district_against_its_regency(system_actor, two_regencies):
    """District 64.09.01 has only KBLI 10 (30 of 30), its regency 30 of 40: LQ vs parent = 1 / 0.75."""
    table = potential.location_quotient(
        actor=system_actor, region=PPU, level="district", kbli_digits=5, reference="parent"
    )
    rows = {(r.region_code, r.kbli): r for r in table.rows}
    assert rows[(PENAJAM, "10710")].lq == pytest.approx((20 / 30) / (20 / 40))
    assert rows[(PENAJAM, "10710")].reference_code == PPU
    assert all(code.startswith(PPU + ".") for code, _ in rows)


def test_few_enterprises_are_shown_but_marked(system_actor, two_regencies):
    """PPU counts 40 IKM (≥ 30) but its cells are ≥ 5: not few; a cell of 3 in a region of 3 is few."""
    count("64.09.01.1002", "31001", 3)
    rows = {
        (r.region_code, r.kbli): r
        for r in potential.location_quotient(actor=system_actor, kbli_digits=5).rows
    }
    assert rows[(PPU, "31001")].few_enterprises
    assert not rows[(PPU, "10710")].few_enterprises
    assert not rows[(KUDUS, "13121")].few_enterprises
    # Region total 43 ≥ 30 and the cell of 10 ≥ 5: not few; a region under 30 makes every cell few.
    count("64.01.01.2001", "13121", 12)
    rows = {
        (r.region_code, r.kbli): r
        for r in potential.location_quotient(actor=system_actor, kbli_digits=5).rows
    }
    assert rows[("64.01", "13121")].few_enterprises
    assert not rows[(PPU, "10792")].few_enterprises


def test_a_regency_reader_sees_only_its_own_regions(two_regencies):
    officer = actor_of(persona(Role.REGENCY_OFFICER, region=KUDUS))
    table = potential.location_quotient(actor=officer, level="regency", kbli_digits=2)
    assert {r.region_code for r in table.rows} == {KUDUS}
    # The nation is still the reference (aggregates only): the same LQ as the ministry sees.
    assert {r.kbli: r.lq for r in table.rows}["13"] == pytest.approx(4 / 3)
    with pytest.raises(NotFound):
        potential.location_quotient(actor=officer, region=PPU, level="regency")
    with pytest.raises(NotFound):  # a province would be counted from Kudus alone
        potential.location_quotient(actor=officer, level="province")
    districts = potential.location_quotient(actor=officer, level="district", kbli_digits=2)
    assert {r.region_code for r in districts.rows} == {KUDUS_DISTRICT}


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"level": "village"}, "unknown_level"),
        ({"kbli_digits": 4}, "unknown_kbli_digits"),
        ({"kbli_digits": "x"}, "unknown_kbli_digits"),
        ({"measure": "assets"}, "unknown_measure"),
        ({"reference": "world"}, "unknown_reference_area"),
        ({"region": "99.99"}, "unknown_region"),
        ({"region": "not a code"}, "unknown_region"),
        ({"region": "64.09.01.1002"}, "region_too_small"),
        ({"region": PENAJAM, "level": "regency"}, "level_above_region"),
    ],
)
def test_bad_parameters_are_refused_with_a_code(system_actor, kwargs, code):
    with pytest.raises(DomainError) as raised:
        potential.location_quotient(actor=system_actor, **kwargs)
    assert raised.value.code == code
    assert raised.value.message and raised.value.errors[0].code == code


# --- shift-share on snapshots --------------------------------------------------------------------------


@pytest.fixture
def holukuluku():
    """The published example above as two snapshots: the region is district Penajam (KBLI 10, 13, 16,
    31 for industries I–IV), the rest of the nation in Kudus."""
    kbli = {"I": "10710", "II": "13121", "III": "16221", "IV": "31001"}
    region_1985 = {"I": 500, "II": 100, "III": 200, "IV": 200}
    region_1995 = {"I": 1000, "II": 100, "III": 250, "IV": 280}
    nation_1985 = {"I": 1000, "II": 2000, "III": 4000, "IV": 3000}
    nation_1995 = {"I": 1100, "II": 2400, "III": 5200, "IV": 4200}
    for year, region, nation in ((2024, region_1985, nation_1985), (2025, region_1995, nation_1995)):
        rows = {}
        for key, code in kbli.items():
            rows[(PENAJAM, code)] = region[key]
            rows[(KUDUS_DISTRICT, code)] = nation[key] - region[key]
        snapshot(year, rows)
    return kbli


def test_shift_share_between_two_snapshots_is_the_published_example(system_actor, holukuluku):
    result = potential.shift_share(
        actor=system_actor, region=PPU, from_year=2024, to_year=2025, kbli_digits=2
    )
    rows = {r.kbli: r for r in result.rows}
    assert result.national_growth == pytest.approx(0.29)
    assert rows["10"].national_share == pytest.approx(145)
    assert rows["10"].industry_mix == pytest.approx(-95)
    assert rows["10"].regional_shift == pytest.approx(450)
    assert rows["13"].regional_shift == pytest.approx(-20)
    assert rows["16"].industry_mix == pytest.approx(2)
    assert rows["31"].regional_shift == pytest.approx(0)
    totals = result.totals
    assert (totals["start"], totals["end"], totals["change"]) == (1000, 1630, 630)
    assert totals["national_share"] == pytest.approx(290)
    assert totals["industry_mix"] == pytest.approx(-80)
    assert totals["regional_shift"] == pytest.approx(420)
    # Workers (three per enterprise in the snapshots): every component three times as large.
    workers = potential.shift_share(
        actor=system_actor, region=PPU, from_year=2024, to_year=2025, measure="workers"
    )
    assert workers.totals["regional_shift"] == pytest.approx(3 * 420)


def test_shift_share_to_now_reads_the_live_counts(system_actor, holukuluku):
    """From 2025 to the live counts: PPU has 30 (KBLI 10) now against 1000 in 2025."""
    count("64.09.01.1002", "10710", 30)
    count("33.19.01.2001", "10710", 100)
    result = potential.shift_share(
        actor=system_actor, region=PPU, from_year=2025, to_year="now", kbli_digits=2
    )
    rows = {r.kbli: r for r in result.rows}
    assert result.to_year is None
    assert (rows["10"].start, rows["10"].end, rows["10"].change) == (1000, 30, -970)
    assert rows["13"].end == 0
    total = rows["10"].national_share + rows["10"].industry_mix + rows["10"].regional_shift
    assert total == pytest.approx(-970)


def test_shift_share_errors(system_actor, holukuluku):
    def code_of(**kwargs):
        params = {"actor": system_actor, "region": PPU, "from_year": 2024, "to_year": 2025} | kwargs
        with pytest.raises(DomainError) as raised:
            potential.shift_share(**params)
        return raised.value.code

    assert code_of(from_year=2020) == "no_snapshot"
    assert code_of(to_year=2023) == "invalid_years"
    assert code_of(to_year=2024) == "invalid_years"
    assert code_of(from_year="abc") == "invalid_year"
    assert code_of(region=None) == "region_required"
    assert code_of(region="12.34") == "unknown_region"
    assert code_of(measure="x") == "unknown_measure"
    officer = actor_of(persona(Role.REGENCY_OFFICER, region=KUDUS))
    with pytest.raises(NotFound):
        potential.shift_share(actor=officer, region=PPU, from_year=2024, to_year=2025)


def test_no_snapshot_message_names_the_years_there_are(system_actor, holukuluku):
    with pytest.raises(DomainError) as raised:
        potential.shift_share(actor=system_actor, region=PPU, from_year=2019)
    assert "2019" in raised.value.message and "2024, 2025" in raised.value.message


# --- leading commodities ---------------------------------------------------------------------------------


def test_leading_commodities_ranked_with_the_numbers_behind_them(system_actor, two_regencies):
    """PPU at 5 digits: 10710 (20, LQ vs nation (20/40)/(40/100) = 1.25), 10792 (10, (10/40)/(10/100) = 2.5),
    13121 (10, (10/40)/(50/100) = 0.5). Ranked by LQ: 10792, 10710, 13121. A 2025 snapshot (the year
    before the fixed clock's 2026) gives growth: 10792 had 5 → 10 now (+100 %)."""
    snapshot(2025, {(PENAJAM, "10792"): 5, (PENAJAM, "10710"): 20, (KUDUS_DISTRICT, "10710"): 20})
    result = potential.leading_commodities(actor=system_actor, region_code=PPU, digits=5)
    assert [item.kbli for item in result.items] == ["10792", "10710", "13121"]
    first = result.items[0]
    assert first.rank == 1 and first.lq_nation == pytest.approx(2.5)
    assert first.lq_parent == pytest.approx(1.0)  # the province is PPU alone here
    assert first.share == pytest.approx(0.25)
    assert result.growth_from == 2025
    assert first.growth == pytest.approx(1.0)
    assert first.national_share + first.industry_mix + first.regional_shift == pytest.approx(5)
    assert result.items[2].growth is None  # 13121 did not exist in 2025
    assert len(potential.leading_commodities(actor=system_actor, region_code=PPU, limit=1).items) == 1


def test_leading_commodities_put_few_enterprise_cells_last(system_actor, two_regencies):
    count("64.09.01.1002", "31001", 2)  # LQ 2/42 / (2/102) ≈ 2.43, but only two IKM
    items = potential.leading_commodities(actor=system_actor, region_code=PPU).items
    assert items[-1].kbli == "31001" and items[-1].few_enterprises
    assert items[0].kbli == "10792"


def test_leading_commodities_of_a_province_have_no_parent_lq(system_actor, two_regencies):
    result = potential.leading_commodities(actor=system_actor, region_code="64", digits=2)
    assert result.growth_from is None
    assert all(item.lq_parent is None and item.growth is None for item in result.items)
    assert result.items[0].kbli == "10"
