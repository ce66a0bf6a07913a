"""Account pages under /akun/: own account, API tokens, notifications, user administration."""

from django.urls import path

from .views import accounts

urlpatterns = [
    path("", accounts.account, name="account"),
]
