"""The data root: ``--data_root``, else ``$PARAMLAB_DATA``, else ``<repo>/datasets``."""

import os
from pathlib import Path

__all__ = ["DATA_ROOT_ENV", "default_data_root", "resolve_data_root"]

DATA_ROOT_ENV = "PARAMLAB_DATA"


EMBEDDED_MARKER = Path("digits") / "digits.npz"


def default_data_root() -> Path:
    """The repository's ``datasets/`` folder, else ``./datasets`` under the current directory.

    In a source checkout (this file at ``<repo>/shared/src/paramlab/data/root.py``, editable
    installs included) it is ``<repo>/datasets``. When paramlab is installed from a wheel, it is
    the ``datasets/`` folder of the nearest enclosing ParamLab checkout of the current directory
    (the first ancestor holding ``datasets/digits/digits.npz``), so the original scripts run from
    their package folders; outside any checkout it is ``Path.cwd() / "datasets"``.
    """
    package_src = Path(__file__).resolve().parents[2]
    repo = package_src.parents[1]
    if package_src.name == "src" and package_src.parent.name == "shared":
        if (repo / "datasets").is_dir():
            return repo / "datasets"
    cwd = Path.cwd()
    for folder in (cwd, *cwd.parents):
        if (folder / "datasets" / EMBEDDED_MARKER).is_file():
            return folder / "datasets"
    return cwd / "datasets"


def resolve_data_root(cli_value: str | os.PathLike | None = None) -> Path:
    """The data root: ``cli_value`` (the ``--data_root`` flag) > ``$PARAMLAB_DATA`` > default.

    Empty strings count as unset. ``~`` is expanded; the folder need not exist yet (loaders
    raise ``DatasetNotFoundError`` for what they miss).
    """
    if cli_value is not None and str(cli_value) != "":
        return Path(cli_value).expanduser()
    env_value = os.environ.get(DATA_ROOT_ENV, "")
    if env_value:
        return Path(env_value).expanduser()
    return default_data_root()
