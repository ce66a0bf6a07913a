"""`--as USERNAME` on management commands: the command runs with that user's role and region."""

import argparse

import pytest
from django.core.management.base import CommandError

from sentra.accounts.cli import actor_from_options, add_actor_arguments
from sentra.accounts.models import Role
from sentra.accounts.scope import Channel
from sentra.accounts.tests.factories import UserFactory, persona
from sentra.conftest import PPU

pytestmark = pytest.mark.django_db


def parse(*argv):
    parser = argparse.ArgumentParser()
    add_actor_arguments(parser)
    return vars(parser.parse_args(argv))


def test_as_gives_the_users_role_region_and_the_cli_channel():
    persona(Role.REGENCY_OFFICER, region=PPU, username="budi")

    actor = actor_from_options(parse("--as", "budi"))

    assert (actor.username, actor.role, actor.region_code, actor.channel) == (
        "budi",
        Role.REGENCY_OFFICER,
        PPU,
        Channel.CLI,
    )


def test_an_unknown_user_is_a_clear_command_error():
    with pytest.raises(CommandError, match="tidak dikenal"):
        actor_from_options(parse("--as", "siapa"))


def test_an_inactive_user_cannot_run_commands():
    user = persona(Role.VIEWER, username="lama")
    user.is_active = False
    user.save()

    with pytest.raises(CommandError, match="tidak aktif"):
        actor_from_options(parse("--as", "lama"))


def test_a_user_without_a_role_is_refused():
    UserFactory(username="tanpaperan")

    with pytest.raises(CommandError, match="belum memiliki peran"):
        actor_from_options(parse("--as", "tanpaperan"))


def test_missing_as_is_refused():
    with pytest.raises(CommandError):
        actor_from_options({"as_user": None})
