"""DESIGN.md's layering rules, checked on the source tree.

The core knows no package, packages never import each other, and every package folder is a
distribution with its own README and tests.
"""

import ast
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIRS = sorted(p for p in (ROOT / "packages").iterdir() if (p / "pyproject.toml").is_file())


def import_names(package_dir: Path) -> set[str]:
    """Top-level import names a package distribution provides."""
    config = tomllib.loads((package_dir / "pyproject.toml").read_text())
    packages = config.get("tool", {}).get("setuptools", {}).get("packages", {})
    if isinstance(packages, list):  # an explicit package list
        patterns = packages
    else:  # [tool.setuptools.packages.find] include patterns
        patterns = packages.get("find", {}).get("include", [])
    names = {pattern.split(".")[0] for pattern in patterns if "*" not in pattern}
    return names or {package_dir.name}


def imported_roots(folder: Path) -> dict[str, set[Path]]:
    """Top-level module names imported anywhere under ``folder``, with the files importing them."""
    found: dict[str, set[Path]] = {}
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = [node.module.split(".")[0]]
            else:
                continue
            for root in roots:
                found.setdefault(root, set()).add(path.relative_to(ROOT))
    return found


PROVIDED = {pkg.name: import_names(pkg) for pkg in PACKAGE_DIRS}


def test_core_imports_no_package():
    imported = imported_roots(ROOT / "shared" / "src")
    offenders = {
        name: sorted(map(str, imported[name]))
        for names in PROVIDED.values()
        for name in names
        if name in imported
    }
    assert not offenders, f"paramlab must not import packages: {offenders}"


@pytest.mark.parametrize("package_dir", PACKAGE_DIRS, ids=lambda p: p.name)
def test_package_imports_no_other_package(package_dir):
    imported = imported_roots(package_dir)
    offenders = {
        name: sorted(map(str, imported[name]))
        for other, names in PROVIDED.items()
        if other != package_dir.name
        for name in names - PROVIDED[package_dir.name]
        if name in imported
    }
    assert not offenders, f"{package_dir.name} imports another package: {offenders}"


@pytest.mark.parametrize("package_dir", PACKAGE_DIRS, ids=lambda p: p.name)
def test_package_is_a_complete_distribution(package_dir):
    config = tomllib.loads((package_dir / "pyproject.toml").read_text())["project"]
    assert config["name"] == f"paramlab-{package_dir.name.replace('_', '-')}"
    assert any(dep.startswith("paramlab-shared") for dep in config["dependencies"])
    assert (package_dir / "README.md").is_file()
    assert list((package_dir / "tests").glob("test_*.py")), "a package needs tests"
