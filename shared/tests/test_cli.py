"""The ``paramlab`` command: version, info, help and argument errors."""

import subprocess
import sys

import pytest

import paramlab
from paramlab import cli


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "paramlab", *args], capture_output=True, text=True, timeout=120
    )


def test_version_matches_package():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"paramlab {paramlab.__version__}"


def test_info_lists_environment():
    result = run_cli("info")
    assert result.returncode == 0, result.stderr
    assert f"paramlab-shared {paramlab.__version__}" in result.stdout
    assert "torch" in result.stdout


def test_info_lists_registered_packages(monkeypatch, capsys):
    class FakeDist:
        name, version = "paramlab-fake", "9.9"

    class FakeEntryPoint:
        def __init__(self, name):
            self.name, self.value, self.dist = name, f"fake:{name}", FakeDist()

    def fake_entry_points(group):
        assert group == cli.LAYERS_GROUP
        return [FakeEntryPoint("b_layer"), FakeEntryPoint("a_layer")]

    monkeypatch.setattr(cli.metadata, "entry_points", fake_entry_points)
    assert cli.installed_packages() == {"paramlab-fake 9.9": ["a_layer", "b_layer"]}
    assert cli.main(["info"]) == 0
    assert "paramlab-fake 9.9: a_layer, b_layer" in capsys.readouterr().out


def test_unknown_argument_is_an_error():
    result = run_cli("info", "--bogus")
    assert result.returncode == 2
    assert "unrecognized arguments: --bogus" in result.stderr


def test_no_verb_prints_help(capsys):
    assert cli.main([]) == 0
    assert "usage: paramlab" in capsys.readouterr().out


@pytest.mark.parametrize("verb", ["frobnicate"])
def test_unknown_verb_is_an_error(verb):
    result = run_cli(verb)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
