"""Where the store lives and who is using thekiz: one typed :class:`Config`.

The store path comes, in this order, from ``--db PATH``, the environment variable
``THEKIZ_DB``, or ``platformdirs.user_data_dir("thekiz") / "plan.json"``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENV_DB = "THEKIZ_DB"
LANGS = ("de", "en")


def default_db_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("thekiz")) / "plan.json"


def resolve_db(cli_value: str | os.PathLike[str] | None,
               env: Mapping[str, str] | None = None) -> Path:
    """The store path: ``--db`` first, then ``THEKIZ_DB``, then the user data folder."""
    env = os.environ if env is None else env
    if cli_value:
        return Path(cli_value).expanduser()
    from_env = env.get(ENV_DB, "").strip()
    if from_env:
        return Path(from_env).expanduser()
    return default_db_path()


@dataclass(frozen=True, slots=True)
class Config:
    db: Path
    as_coach: str | None = None
    lang: str = "de"

    @classmethod
    def resolve(
        cls,
        db: str | os.PathLike[str] | None = None,
        as_coach: str | None = None,
        lang: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Config:
        env = os.environ if env is None else env
        chosen = lang or env.get("THEKIZ_LANG", "") or "de"
        if chosen not in LANGS:
            chosen = "de"
        return cls(db=resolve_db(db, env), as_coach=as_coach or None, lang=chosen)
