"""The `sentra` console script: Django's management commands under one name.

Commands may be written with hyphens (`sentra load-reference`, `sentra resolve-place`); they map to
the underscore module names Django expects.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sentra.settings")
    # Deferred on purpose: Django must not be imported before DJANGO_SETTINGS_MODULE is set.
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "sentra"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
