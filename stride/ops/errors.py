"""Plain messages for what goes wrong in an operation, never a traceback."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.core.management.base import CommandError
from django.db import DatabaseError

from stride.core.backup import BackupError


@contextlib.contextmanager
def plainly(doing: str) -> Iterator[None]:
    try:
        yield
    except BackupError as error:
        raise CommandError(f"{doing} stopped: {error}") from None
    except DatabaseError as error:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise CommandError(f"{doing} stopped: the database answered: {first}") from None
    except OSError as error:
        raise CommandError(f"{doing} stopped: {error.strerror}: {error.filename}") from None
