"""Point in polygon on the shipped regency boundaries, and distances to a regency."""

from __future__ import annotations

import pytest

from sentra.facilitators import geo


@pytest.mark.parametrize(
    ("lat", "lon", "regency"),
    [
        (-1.25, 116.70, "64.09"),  # Penajam, Kab. Penajam Paser Utara
        (-1.24, 116.86, "64.71"),  # Kota Balikpapan, across the bay
        (-6.80, 110.84, "33.19"),  # Kab. Kudus
        (-6.1754, 106.8272, "31.71"),  # Monas, Jakarta Pusat
        (-2.53, 140.70, "91.71"),  # Kota Jayapura
        (5.89, 95.32, "11.72"),  # Kota Sabang, Pulau Weh
        (1.30, 103.80, None),  # Singapore
        (-5.00, 112.00, None),  # the Java Sea
        (40.0, -74.0, None),  # far abroad
        (None, 116.7, None),
    ],
)
def test_the_regency_of_a_point(lat, lon, regency):
    assert geo.regency_at(lat, lon) == regency


def test_the_polygons_are_read_once():
    assert geo.shapes() is geo.shapes()
    assert len(geo.shapes()) == 514


def test_distance_to_a_regency_is_zero_inside_and_grows_outside():
    assert geo.distance_to_regency_km(-1.25, 116.70, "64.09") == 0.0
    near = geo.distance_to_regency_km(-1.24, 116.86, "64.09")  # Balikpapan, over the water
    far = geo.distance_to_regency_km(-6.80, 110.84, "64.09")  # Kudus, on Java
    assert 0 < near < 25 < 700 < far < 1000
    assert geo.distance_to_regency_km(-1.25, 116.70, "99.99") is None


def test_haversine_distance():
    # one degree of latitude is about 111.2 km
    assert geo.distance_km(0, 116, 1, 116) == pytest.approx(111.2, abs=0.1)


def test_a_ring_with_a_hole():
    square = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]
    hole = [(4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0), (4.0, 4.0)]
    shape = geo.Shape("00.00", "uji", (0.0, 0.0, 10.0, 10.0), ((square, hole),))
    assert geo.contains(shape, 2.0, 2.0)
    assert not geo.contains(shape, 5.0, 5.0)  # in the hole
    assert not geo.contains(shape, 11.0, 5.0)
