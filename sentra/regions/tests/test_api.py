import pytest

from sentra.regions.gazetteer import resolve_place

SALO_LOANG = "64.09.01.1002"
SALOLOANG_TEXT = "Kelurahan Saloloang, Kecamatan Penajam, Kab. Penajam Paser Utara"


def test_resolve_endpoint_returns_the_same_json_as_the_gazetteer(auth_client):
    response = auth_client.get("/api/v1/regions/resolve", {"q": SALOLOANG_TEXT})
    assert response.status_code == 200
    assert response.json() == resolve_place(SALOLOANG_TEXT).as_dict()
    assert response.json()["best"]["code"] == SALO_LOANG


def test_resolve_endpoint_reports_ambiguity_with_candidates(auth_client):
    data = auth_client.get("/api/v1/regions/resolve", {"q": "Api-Api"}).json()
    assert data["status"] == "ambiguous" and data["best"] is None
    assert {"64.09.02.2001", "64.74.01.1006"} <= {c["code"] for c in data["candidates"]}


def test_resolve_endpoint_passes_level_and_within(auth_client):
    data = auth_client.get("/api/v1/regions/resolve", {"q": "Api-Api", "within": "64.09", "level": 4}).json()
    assert data["best"]["code"] == "64.09.02.2001"


def test_region_detail_has_the_name_path(auth_client):
    data = auth_client.get(f"/api/v1/regions/{SALO_LOANG}").json()
    assert data["code"] == SALO_LOANG and data["level"] == 4 and data["parent"] == "64.09.01"
    assert data["path"] == ["Kalimantan Timur", "Kabupaten Penajam Paser Utara", "Penajam", "Salo Loang"]


def test_region_detail_accepts_an_undotted_code(auth_client):
    assert auth_client.get("/api/v1/regions/6409011002").json()["code"] == SALO_LOANG


def test_unknown_region_code_is_a_404_json(auth_client):
    response = auth_client.get("/api/v1/regions/99.99")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_region_list_without_parent_gives_the_38_provinces(auth_client):
    data = auth_client.get("/api/v1/regions").json()
    assert len(data) == 38 and all(r["level"] == 1 for r in data)


def test_region_list_with_parent_gives_its_children(auth_client):
    data = auth_client.get("/api/v1/regions", {"parent": "64.09"}).json()
    assert [r["code"] for r in data] == ["64.09.01", "64.09.02", "64.09.03", "64.09.04"]


def test_kbli_search_finds_manufacturing_codes_only(auth_client):
    data = auth_client.get("/api/v1/regions/kbli", {"q": "kerupuk"}).json()
    assert "10794" in [k["code"] for k in data]
    assert all(len(k["code"]) == 5 and "10" <= k["code"] < "34" for k in data)


def test_openapi_documents_the_resolution_schema(auth_client):
    schema = auth_client.get("/api/v1/openapi.json").json()
    assert {"ResolutionOut", "CandidateOut", "RegionOut", "KbliOut"} <= set(schema["components"]["schemas"])


@pytest.mark.parametrize("path", ["/api/v1/regions/resolve?q=Kudus", "/api/v1/regions/64.09"])
def test_region_endpoints_need_a_login(client, path):
    assert client.get(path).status_code == 401
