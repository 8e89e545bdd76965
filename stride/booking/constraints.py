"""An exclusion constraint that exists on PostgreSQL and is silent elsewhere.

The same migrations run on SQLite and PostgreSQL. On PostgreSQL the constraint makes
two overlapping active diary entries for one practitioner impossible; on SQLite it
emits no SQL and validates nothing, and the booking service's overlap check inside an
IMMEDIATE transaction gives the same guarantee.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.constraints import ExclusionConstraint


class PortableExclusionConstraint(ExclusionConstraint):
    def _postgres(self, schema_editor: Any) -> bool:
        return bool(schema_editor.connection.vendor == "postgresql")

    def constraint_sql(self, model: Any, schema_editor: Any) -> Any:
        return (
            super().constraint_sql(model, schema_editor) if self._postgres(schema_editor) else None
        )

    def create_sql(self, model: Any, schema_editor: Any) -> Any:
        return super().create_sql(model, schema_editor) if self._postgres(schema_editor) else None

    def remove_sql(self, model: Any, schema_editor: Any) -> Any:
        return super().remove_sql(model, schema_editor) if self._postgres(schema_editor) else None

    def validate(
        self, model: Any, instance: Any, exclude: Any = None, using: str = "default"
    ) -> None:
        from django.db import connections

        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)
