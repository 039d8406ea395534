"""The session layer: one person's view of the store, for every front-end.

``Session`` (``core``) is what the planner, the CLI commands and the SSH session read and
write through; ``FormRights`` (``form``) is what the event form offers her. The rule of
what she learns about others' times is ``planning.busy``; the rights themselves are
``planning.permissions``, enforced on every read and write by the guarded store
(``guarded_store``). Textual-free (a hygiene
test checks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .core import Session, describe_error

if TYPE_CHECKING:
    from .form import FormRights

__all__ = ["FormRights", "Session", "describe_error"]


def __getattr__(name: str) -> Any:
    # the form's rights import the store's modules: not before a planner's first frame
    if name == "FormRights":
        from .form import FormRights

        return FormRights
    raise AttributeError(name)
