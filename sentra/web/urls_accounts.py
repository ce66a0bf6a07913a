"""Account pages under /akun/: own account, password and API tokens, user administration."""

from django.urls import path

from .views import accounts

urlpatterns = [
    path("", accounts.account, name="account"),
    path("sandi/", accounts.password_change, name="password_change"),
    path("token/", accounts.token_create, name="token_create"),
    path("token/<int:pk>/cabut/", accounts.token_revoke, name="token_revoke"),
    path("pengguna/", accounts.user_list, name="user_list"),
    path("pengguna/baru/", accounts.user_create, name="user_create"),
    path("pengguna/<int:pk>/", accounts.user_edit, name="user_edit"),
    path("pengguna/<int:pk>/nonaktifkan/", accounts.user_deactivate, name="user_deactivate"),
]
