"""Persistence for thekiz: records, a durable TinyDB storage, locking and migrations.

Nothing here imports Textual (a test proves it).
"""

from .errors import (
    AlreadyExists,
    ChangedElsewhere,
    CorruptStore,
    NewerSchema,
    NotFound,
    StoreBusy,
    StoreError,
    StoreWriteError,
)
from .records import (
    DEFAULT_TZ,
    FORTBILDUNG_SUBTYPES,
    KINDS,
    ROLES,
    STAGES,
    STATUSES,
    Ack,
    Coach,
    Event,
    Kita,
    new_id,
)
from .schema import SCHEMA_VERSION
from .store import Store

__all__ = [
    "DEFAULT_TZ",
    "FORTBILDUNG_SUBTYPES",
    "KINDS",
    "ROLES",
    "SCHEMA_VERSION",
    "STAGES",
    "STATUSES",
    "Ack",
    "AlreadyExists",
    "ChangedElsewhere",
    "Coach",
    "CorruptStore",
    "Event",
    "Kita",
    "NewerSchema",
    "NotFound",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreWriteError",
    "new_id",
]
