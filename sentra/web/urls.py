from django.urls import include, path

from .generic import record_urls
from .views import auth, business, dashboard, guide, lookup, maps, notifications, registry, workflow

app_name = "web"


urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("masuk/", auth.LoginView.as_view(), name="login"),
    path("keluar/", auth.LogoutView.as_view(), name="logout"),
    path("impor/", include("sentra.web.urls_imports")),
    path("akun/", include("sentra.web.urls_accounts")),
    # Part 3: plans and budgets (programmes), budget control (control), reports
    path("program/", include("sentra.web.urls_programmes")),
    path("pengendalian/", include("sentra.web.urls_control")),
    path("laporan/", include("sentra.web.urls_reports")),
    path("koordinasi/", include("sentra.web.urls_coordination")),  # part 4: meetings, follow-ups, agreements
    path("pendamping/", include("sentra.web.urls_facilitators")),  # part 5: TPL-IKM and their work
    path("analisis/", include("sentra.web.urls_analytics")),  # part 6: overlaps, potential, profiles
    path("lapangan/", include("sentra.web.urls_field")),  # part 5: the facilitator's phone app (offline)
    path("peta/provinsi.geojson", maps.provinces_geojson, name="map_provinces"),
    path("peta/wilayah.geojson", maps.region_geojson, name="map_region"),
    path("peta/provinsi/<str:code>/kabupaten.geojson", maps.regencies_geojson, name="map_regencies"),
    path("wilayah/pilihan/", registry.region_selects, name="region_selects"),
    path("cari/desa/", lookup.lookup_villages, name="lookup_villages"),
    path("cari/kbli/", lookup.lookup_kbli, name="lookup_kbli"),
    path("cari/ikm/", lookup.lookup_enterprises, name="lookup_enterprises"),
    path("cari/sentra/", lookup.lookup_centres, name="lookup_centres"),
    path("verifikasi/", workflow.verification_queue, name="verification_queue"),
    path("verifikasi/massal/", workflow.verification_bulk, name="verification_bulk"),
    path("notifikasi/", notifications.notification_list, name="notifications"),
    path("bantuan/", guide.help_page, name="help"),
    # IKM
    *record_urls(
        "ikm",
        "enterprise",
        extra=[
            path("ikm/ekspor/siinas/", business.enterprise_siinas_export, name="enterprise_siinas_export"),
            path("ikm/nib/<str:nib>/", business.business_detail, name="business_detail"),
        ],
    ),
    # Sentra IKM
    *record_urls(
        "sentra",
        "centre",
        extra=[
            path(
                "sentra/<int:pk>/dasar-hukum/pindaian/",
                registry.centre_decree_scan,
                name="centre_decree_scan",
            ),
        ],
    ),
    # Produk
    *record_urls("produk", "product"),  # web/generic.py, declared in views/registry.py
]
