"""Published peer libraries, including one whose import name is the same as one of ours.

A re-implementation that keeps its original's import name (``high_order_layers_torch``) cannot
share a Python environment's ``site-packages`` with that original: both install into the same
folder. The bench session therefore installs such a peer into a folder of its own (``pip
install --no-deps --target DIR``) named by the environment variable ``PARAMLAB_BENCH_PEERS``
(several folders separated by ``os.pathsep``), and :func:`import_shadowed` loads it from there
under another top-level name, so both run in the same process.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from types import ModuleType

__all__ = ["PEERS_ENV", "find_shadowed_package", "import_shadowed"]

PEERS_ENV = "PARAMLAB_BENCH_PEERS"


def _own_package_dirs(import_name: str) -> set[Path]:
    if import_name in sys.modules:
        locations = getattr(sys.modules[import_name], "__path__", [])
    else:
        spec = importlib.util.find_spec(import_name)
        locations = (spec.submodule_search_locations or []) if spec else []
    return {Path(location).resolve() for location in locations}


def find_shadowed_package(import_name: str, distribution: str) -> Path | None:
    """The folder of the peer package ``import_name`` that is not the one ``import`` finds.

    Looks in each folder of ``$PARAMLAB_BENCH_PEERS``, then in the installed files of the
    distribution ``distribution``; a candidate that is the folder a plain ``import`` would use
    (ours, or the same files overwritten by ours) is skipped. ``None`` when there is no peer.
    """
    candidates = [
        Path(folder) / import_name
        for folder in os.environ.get(PEERS_ENV, "").split(os.pathsep)
        if folder
    ]
    try:
        candidates.append(Path(metadata.distribution(distribution).locate_file(import_name)))
    except metadata.PackageNotFoundError:
        pass
    own = _own_package_dirs(import_name)
    for candidate in candidates:
        if (candidate / "__init__.py").is_file() and candidate.resolve() not in own:
            return candidate
    return None


def _pop_modules(name: str) -> dict[str, ModuleType]:
    names = [key for key in sys.modules if key == name or key.startswith(name + ".")]
    return {key: sys.modules.pop(key) for key in names}


def import_shadowed(
    import_name: str, directory: Path, alias: str, submodules: Sequence[str] = ()
) -> ModuleType:
    """Import the package in ``directory`` (named ``import_name`` inside) as ``alias``.

    While the peer's modules execute, ``import_name`` (and its absolute imports of itself)
    resolves to the peer; ours is put back afterwards and the peer's modules stay reachable as
    ``alias`` and ``alias.<submodule>``. The peer's own functions keep referring to the peer's
    objects, which they bound at import time. Loaded once; later calls return the same module.
    """
    if alias in sys.modules:
        return sys.modules[alias]
    directory = Path(directory)
    ours = _pop_modules(import_name)
    try:
        spec = importlib.util.spec_from_file_location(
            import_name, directory / "__init__.py", submodule_search_locations=[str(directory)]
        )
        package = importlib.util.module_from_spec(spec)
        sys.modules[import_name] = package
        spec.loader.exec_module(package)
        for submodule in submodules:
            importlib.import_module(f"{import_name}.{submodule}")
    finally:
        peers = _pop_modules(import_name)
        sys.modules.update(ours)
    for key, module in peers.items():
        sys.modules[alias + key[len(import_name) :]] = module
    return sys.modules[alias]
