"""The data root: --data_root flag > $PARAMLAB_DATA > the repository's datasets/."""

from pathlib import Path

import pytest

from paramlab.data import DATA_ROOT_ENV, default_data_root, resolve_data_root

REPO = Path(__file__).resolve().parents[2]


def test_flag_wins_over_env(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_ROOT_ENV, str(tmp_path / "env"))
    assert resolve_data_root(tmp_path / "flag") == tmp_path / "flag"
    assert resolve_data_root(str(tmp_path / "flag")) == tmp_path / "flag"


def test_env_wins_over_default(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_ROOT_ENV, str(tmp_path / "env"))
    assert resolve_data_root() == tmp_path / "env"
    assert resolve_data_root("") == tmp_path / "env"


def test_default_when_nothing_given(monkeypatch):
    monkeypatch.delenv(DATA_ROOT_ENV, raising=False)
    assert resolve_data_root() == default_data_root()
    monkeypatch.setenv(DATA_ROOT_ENV, "")
    assert resolve_data_root(None) == default_data_root()


def test_default_is_the_checkout_datasets_folder(monkeypatch, tmp_path):
    import paramlab.data.root as root_module

    source = Path(root_module.__file__).resolve()
    monkeypatch.chdir(tmp_path)
    if source.parents[2] == REPO / "shared" / "src":
        assert default_data_root() == REPO / "datasets"
    else:
        assert default_data_root() == tmp_path / "datasets"


def test_user_home_is_expanded(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_data_root("~/data") == tmp_path / "data"


@pytest.mark.parametrize("value", ["relative/dir", Path("relative/dir")])
def test_relative_flag_kept_relative(value):
    assert resolve_data_root(value) == Path("relative/dir")


def test_installed_paramlab_finds_the_enclosing_checkout(monkeypatch, tmp_path):
    import paramlab.data.root as root_module

    site = tmp_path / "venv" / "lib" / "site-packages" / "paramlab" / "data" / "root.py"
    monkeypatch.setattr(root_module, "__file__", str(site))
    checkout = tmp_path / "checkout"
    (checkout / "datasets" / "digits").mkdir(parents=True)
    (checkout / "datasets" / "digits" / "digits.npz").write_bytes(b"")
    script_folder = checkout / "packages" / "phc" / "image-classification"
    script_folder.mkdir(parents=True)
    monkeypatch.chdir(script_folder)
    assert default_data_root() == checkout / "datasets"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert default_data_root() == elsewhere / "datasets"
