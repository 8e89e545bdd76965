"""The ``stride`` command: Django's manage.py for Stride."""

from __future__ import annotations

import os
import sys


def version() -> str:
    """Stride's release, as pyproject.toml gives it to the installed package."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("stride")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def main(argv: list[str] | None = None) -> None:
    argv = argv if argv is not None else sys.argv
    if argv[1:] == ["--version"]:
        import django

        print(f"stride {version()} (Django {django.get_version()})")
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stride.settings")
    from django.core.management import execute_from_command_line

    from stride.config import plain_errors

    with plain_errors():
        execute_from_command_line(argv)


if __name__ == "__main__":
    main()
