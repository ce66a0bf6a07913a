"""makemessages that also reads `_l(...)`: modules that use both gettext (`_`, at call time) and
gettext_lazy import the lazy one as `_l` (import column descriptions, messages defined at module
level), which Django's default xgettext keywords do not include, so those strings never reached the
catalogue and stayed Indonesian in English."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
