"""Shared fixtures: data roots with the embedded digits or tiny CIFAR-10 files, thin-module
loading, and environment for running the original scripts as subprocesses."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import associative
import numpy as np
import pytest
from associative.cifar import FOLDER, TEST_FILES, TRAIN_FILES, write_batch

import paramlab
from paramlab.data import digits_path

PACKAGE = Path(__file__).resolve().parents[1]
CIFAR_DIR = PACKAGE / "Implementations" / "CIFAR10"


@pytest.fixture(scope="session")
def package_dir() -> Path:
    return PACKAGE


@pytest.fixture(scope="session")
def digits_root() -> Path:
    """A data root holding digits/digits.npz: $PARAMLAB_DATA / default, else the repo's."""
    if digits_path().is_file():
        return digits_path().parents[1]
    repo_datasets = PACKAGE.parents[1] / "datasets"
    if (repo_datasets / "digits" / "digits.npz").is_file():
        return repo_datasets
    pytest.skip("the embedded digits are not available")


@pytest.fixture
def tiny_cifar_root(tmp_path) -> Path:
    """A data root with CIFAR-10 python batch files: 5 x 4 train and 6 test images, all of
    class 0 (so that a few steps of training reach a non-zero test accuracy)."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "data" / FOLDER
    folder.mkdir(parents=True)
    for name in TRAIN_FILES:
        write_batch(folder / name, rng.integers(0, 256, (4, 32, 32, 3)), [0] * 4)
    for name in TEST_FILES:
        write_batch(folder / name, rng.integers(0, 256, (6, 32, 32, 3)), [0] * 6)
    return tmp_path / "data"


@pytest.fixture(scope="session")
def load_thin():
    """Import a module of Implementations/ by path: ``load_thin("CIFAR10/models/resnet.py")``."""

    def load(relative: str):
        path = PACKAGE / "Implementations" / relative
        name = "thin_" + relative.replace("/", "_").replace("-", "_").removesuffix(".py")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture(scope="session")
def script_env() -> dict[str, str]:
    """Environment in which a subprocess imports this checkout's associative and paramlab."""
    roots = {str(Path(m.__file__).resolve().parents[1]) for m in (associative, paramlab)}
    existing = os.environ.get("PYTHONPATH", "")
    paths = list(roots) + [str(Path(p).resolve()) for p in existing.split(os.pathsep) if p]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "OMP_NUM_THREADS": "1"}
