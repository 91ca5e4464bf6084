"""ParamLab's sessions. ``nox -l`` lists them.

- ``shared-tests``: the core alone.
- ``<pkg>-tests`` and ``<pkg>-reproduce`` for every folder under ``packages/``: each in an
  environment holding only ``shared`` and that package, which proves the package installs alone.
- ``tests``: every test of the repository in one environment with everything installed.
- ``ablation``: every installed parameterization in one backbone on the embedded digits, two
  seeds; writes ``runs/ablation/`` and regenerates the README's table and plot.
- ``demo``: a short training run of the runtime on the embedded digits.
- ``bench``: speed and memory against the dense floor and the original algorithms; writes
  ``bench/results.{md,json}`` and the README's Performance table. Never part of ``tests``.
- ``lint``: ruff check and ruff format --check.
- ``pin``: regenerate ``constraints.txt``, the one file of exact versions every session uses.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

nox.options.default_venv_backend = "uv"
nox.options.error_on_missing_interpreters = True
nox.needs_version = ">=2024.4.15"
nox.options.sessions = ["lint", "tests"]

ROOT = Path(__file__).resolve().parent
CONSTRAINTS = ROOT / "constraints.txt"
PACKAGES = sorted(
    folder.name for folder in (ROOT / "packages").glob("*") if (folder / "pyproject.toml").is_file()
)
# The stack every session installs; `nox -s pin` resolves everything else around it.
TORCH_STACK = ["torch==2.11.0", "torchvision==0.26.0", "torchaudio==2.11.0"]
# Published peers timed beside ours in `nox -s bench` only.
BENCH_PEERS = ["complexPyTorch==0.4"]
SHADOWED_PEER = "high-order-layers-torch==2.6.0"
# One thread per test process keeps timings stable on small machines.
TEST_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# Scripts run from a package folder still find the repository's data root.
DATA_ENV = {"PARAMLAB_DATA": str(ROOT / "datasets")}


def install(session: nox.Session, *requirements: str) -> None:
    """Install local folders and requirements, pinned by constraints.txt."""
    session.install("-c", str(CONSTRAINTS), *TORCH_STACK, *requirements)


def run_pytest(session: nox.Session, *paths: str) -> None:
    session.run("pytest", *paths, *session.posargs, env=TEST_ENV)


@nox.session(name="shared-tests")
def shared_tests(session: nox.Session) -> None:
    """The paramlab core's tests, with only paramlab-shared installed."""
    install(session, "./shared[test]")
    run_pytest(session, "shared/tests")


def _package_tests(session: nox.Session, package: str) -> None:
    install(session, "./shared[test]", f"./packages/{package}[test]")
    run_pytest(session, f"packages/{package}/tests")


def _package_reproduce(session: nox.Session, package: str) -> None:
    folder = ROOT / "packages" / package
    if not (folder / "reproduce.py").is_file():
        session.error(f"packages/{package} has no reproduce.py yet; nothing to reproduce")
    install(session, "./shared", f"./packages/{package}")
    session.chdir(folder)
    session.run("python", "reproduce.py", *session.posargs, env=DATA_ENV)


def _register_package_sessions(package: str) -> None:
    def tests_session(session: nox.Session) -> None:
        _package_tests(session, package)

    def reproduce_session(session: nox.Session) -> None:
        _package_reproduce(session, package)

    tests_session.__doc__ = f"packages/{package}'s tests, with only shared and {package} installed."
    reproduce_session.__doc__ = f"packages/{package}/reproduce.py: the paper's comparison, small."
    nox.session(name=f"{package}-tests")(tests_session)
    nox.session(name=f"{package}-reproduce")(reproduce_session)


for _package in PACKAGES:
    _register_package_sessions(_package)


@nox.session
def tests(session: nox.Session) -> None:
    """Every test: the core, each package and the cross-package tests in tests/."""
    install(session, "./shared[test]", *(f"./packages/{p}[test]" for p in PACKAGES))
    run_pytest(session, "shared/tests", *(f"packages/{p}/tests" for p in PACKAGES), "tests")


@nox.session
def ablation(session: nox.Session) -> None:
    """The README's main job: every installed parameterization inside one ResNet on the embedded
    digits, two seeds, widths scaled to one parameter budget, one run per CPU core at a time."""
    install(session, "./shared[ablation]", *(f"./packages/{p}" for p in PACKAGES))
    args = session.posargs or [
        "--budget-params",
        "100000",
        "--jobs",
        str(os.cpu_count() or 1),
        "--out",
        "runs/ablation",
        "--figure",
        "docs/ablation.png",
        "--readme",
        "README.md",
    ]
    session.run("paramlab", "ablate", *args, env=DATA_ENV)


@nox.session
def demo(session: nox.Session) -> None:
    """Train a small CNN on the embedded digits and print its test accuracy."""
    install(session, "./shared")
    session.run("paramlab", "demo", *session.posargs, env=DATA_ENV)


@nox.session
def bench(session: nox.Session) -> None:
    """Time every installed parameterization against its floor, original and peers."""
    install(
        session,
        "./shared[bench]",
        *(f"./packages/{p}" for p in PACKAGES),
        *BENCH_PEERS,
    )
    # The published high-order-layers-torch has packages/high_order's import name: it goes into
    # a folder of its own, which paramlab.bench.peers loads under another name.
    peers = Path(session.create_tmp()) / "peers"
    session.install("--no-deps", "--target", str(peers), SHADOWED_PEER)
    args = session.posargs or ["--out", "bench", "--readme", "README.md", "--scaling"]
    env = {"OMP_NUM_THREADS": str(os.cpu_count() or 1), "PARAMLAB_BENCH_PEERS": str(peers)}
    session.run("paramlab", "bench", *args, env=env)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over the whole repository."""
    session.install("-c", str(CONSTRAINTS), "ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(venv_backend="none")
def pin(session: nox.Session) -> None:
    """Resolve every distribution's dependencies and extras into constraints.txt."""
    requirements = set(TORCH_STACK) | {"pytest", "ruff"}
    for pyproject in [ROOT / "shared" / "pyproject.toml"] + [
        ROOT / "packages" / p / "pyproject.toml" for p in PACKAGES
    ]:
        project = tomllib.loads(pyproject.read_text())["project"]
        declared = list(project.get("dependencies", []))
        for extra in project.get("optional-dependencies", {}).values():
            declared.extend(extra)
        requirements.update(r for r in declared if not r.startswith("paramlab-"))
    source = ROOT / "build" / "constraints.in"
    source.parent.mkdir(exist_ok=True)
    source.write_text("\n".join(sorted(requirements)) + "\n")
    session.run(
        "uv",
        "pip",
        "compile",
        "--universal",
        "--python-version",
        "3.10",
        "--no-annotate",
        str(source),
        "-o",
        str(CONSTRAINTS),
        external=True,
        env={"UV_CUSTOM_COMPILE_COMMAND": "nox -s pin"},
    )
