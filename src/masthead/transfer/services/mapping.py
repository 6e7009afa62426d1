"""The source-id → object ledger every importer consults before it writes anything."""

from __future__ import annotations

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.db import models

from masthead.transfer.models import ImportedObject

_MAX = 300


def _fit(value: str) -> str:
    # Link-based ids can be long; a digest keeps them unique within the column's width.
    return value if len(value) <= _MAX else "sha256:" + hashlib.sha256(value.encode()).hexdigest()


def imported_id(*, source: str, kind: str, source_id: str) -> int | None:
    """The id of the object ``source_id`` already became, or None."""
    return (
        ImportedObject.objects.filter(source=_fit(source), kind=kind, source_id=_fit(source_id))
        .values_list("object_id", flat=True)
        .first()
    )


def imported_object_record(*, source: str, kind: str, source_id: str, target: models.Model) -> ImportedObject:
    """Remember that ``source_id`` became ``target`` (call in the transaction that created it)."""
    return ImportedObject.objects.create(
        source=_fit(source),
        kind=kind,
        source_id=_fit(source_id),
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        object_id=target.pk,
    )


def imported_ids(*, source: str, kind: str) -> dict[int, str]:
    """``{object_id: source_id}`` for one kind: how an export names objects a restore created."""
    rows = ImportedObject.objects.filter(source=_fit(source), kind=kind).values_list("object_id", "source_id")
    return dict(rows.iterator(chunk_size=5000))
