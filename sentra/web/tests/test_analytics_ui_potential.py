"""The LQ table of /analisis/potensi/ as a reader meets it: a page at a time (a province at 5 digits has
thousands of rows), ordered as a whole by a click on a heading, the filters kept in every link, and the
exports still holding every row."""

import re

import pytest
from django.test import Client

from sentra.accounts.models import Role
from sentra.accounts.tests.factories import persona
from sentra.analytics.tests.test_potential import count
from sentra.conftest import KUDUS, PPU
from sentra.web.views import analytics_potential

pytestmark = pytest.mark.django_db

PAGE = "/analisis/potensi/"


@pytest.fixture
def ministry(monkeypatch):
    # LQ per regency and 2-digit KBLI: PPU 10 → 1.5, PPU 13 → 0.5, Kudus 10 → 0.67, Kudus 13 → 1.33.
    count("64.09.01.1002", "10710", 30)
    count("64.09.01.1002", "13121", 10)
    count("33.19.01.2001", "10710", 20)
    count("33.19.01.2001", "13121", 40)
    monkeypatch.setattr(analytics_potential, "LQ_PER_PAGE", 3)
    client = Client()
    client.force_login(persona(Role.MINISTRY_ANALYST))
    return client


def lq_rows(html: str) -> list[tuple[str, str]]:
    table = html.split('id="lq-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr data-region="([\d.]+)" data-kbli="(\d+)"', table)


def test_the_lq_table_is_cut_into_pages_keeping_the_filters(ministry):
    html = ministry.get(PAGE, {"ukuran": "workers", "pembanding": "nation"}).content.decode()
    assert len(lq_rows(html)) == 3
    assert "Baris 1–3 dari 4" in html
    nav = html.split('id="lq-pages"', 1)[1].split("</nav>", 1)[0]
    following = re.search(r'href="\?([^"]+)" rel="next"', nav).group(1)
    assert "ukuran=workers" in following and "page=2" in following
    second = ministry.get(PAGE + "?" + following.replace("&amp;", "&").split("#")[0]).content.decode()
    assert len(lq_rows(second)) == 1 and 'rel="prev"' in second


def test_a_heading_orders_every_row_not_only_the_page(ministry):
    html = ministry.get(PAGE, {"urut": "-lq"}).content.decode()
    assert lq_rows(html) == [(PPU, "10"), (KUDUS, "13"), (KUDUS, "10")]
    assert 'aria-sort="descending"' in html
    lq_head = re.search(r'<a class="sort sort-active" href="\?([^"]+)">LQ', html).group(1)
    assert "urut=lq" in lq_head  # a second click: lowest first
    nav = html.split('id="lq-pages"', 1)[1]
    assert "urut=-lq" in re.search(r'href="\?([^"]+)" rel="next"', nav).group(1)  # the order is kept
    last = ministry.get(PAGE, {"urut": "-lq", "page": "2"}).content.decode()
    assert lq_rows(last) == [(PPU, "13")]
    upwards = ministry.get(PAGE, {"urut": "lq"}).content.decode()
    assert lq_rows(upwards)[0] == (PPU, "13")
    unknown = ministry.get(PAGE, {"urut": "gaji"})
    assert unknown.status_code == 200 and len(lq_rows(unknown.content.decode())) == 3


def test_the_export_still_holds_every_row(ministry):
    response = ministry.get(PAGE + "ekspor/", {"tabel": "lq", "page": "2"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(text.splitlines()) == 5  # heading + 4 rows, while the page shows 3


def test_the_map_shows_a_commodity_with_enough_ikm_and_names_it(ministry):
    count("11.01.01.2001", "12011", 1)  # one tobacco IKM in an Aceh regency: the country's highest LQ
    count("33.19.01.2001", "10720", 5)  # food: 55 IKM in the country, textiles 50
    html = ministry.get(PAGE).content.decode()
    assert re.search(r'data-potential-url="[^"]*kbli=10\b', html)  # the most IKM, not the highest LQ (12)
    title = html.split('id="map-title"', 1)[1].split("</h2>", 1)[0]
    assert "Industri Makanan" in title


def test_the_help_is_folded_so_a_phone_reaches_the_figures(ministry):
    html = ministry.get(PAGE).content.decode()
    assert '<details class="card potential-help">' in html  # one line; opens on a tap
