"""Pure parts of Stride's backups: the archive's layout and manifest, checksums, the
encoding of rows, and encryption. No Django, no database."""

from __future__ import annotations


class BackupError(Exception):
    """A backup cannot be made or read; the message is for the person at the terminal."""
