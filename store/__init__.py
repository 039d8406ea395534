"""Persistence for thekiz: records, a durable TinyDB storage, locking and migrations.

Nothing here imports Textual (a test proves it).
"""

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from .schema import SCHEMA_VERSION
    from .store import Store


def __getattr__(name: str) -> Any:
    """``Store`` and ``SCHEMA_VERSION`` are imported when first asked for: the records and
    errors alone are cheap, the store itself brings TinyDB, filelock and orjson (the
    planner's first frame needs only the records)."""
    if name == "Store":
        from .store import Store

        return Store
    if name == "SCHEMA_VERSION":
        from .schema import SCHEMA_VERSION

        return SCHEMA_VERSION
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

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
