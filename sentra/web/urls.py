from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import dashboard

app_name = "web"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("masuk/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("impor/", include("sentra.web.urls_imports")),
]
