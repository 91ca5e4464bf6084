"""paramlab.ablation: registry, backbone wiring, budgets, resumable runs, reports, DDP."""

import json
import re
from dataclasses import asdict, replace

import pytest
import torch
from torch import nn

from paramlab.ablation import registry
from paramlab.ablation.backbone import ResNetBackbone
from paramlab.ablation.budget import width_for_budget
from paramlab.ablation.cli import main
from paramlab.ablation.registry import Parameterization, RegistryError, available, real
from paramlab.ablation.report import summarize
from paramlab.ablation.runner import (
    RunConfig,
    RunConfigError,
    build_model,
    count_trainable,
    make_optimizer,
    run_dir,
    run_one,
)

TINY = RunConfig(method="real", seed=0, epochs=2, width=4, batch_size=128, image_size=8)


class FakeEntryPoint:
    def __init__(self, name, provider, dist_name="paramlab-fake"):
        self.name, self.value, self._provider = name, f"fake:{name}", provider
        self.dist = type("Dist", (), {"name": dist_name, "version": "0"})()

    def load(self):
        return self._provider


def _register(monkeypatch, *entry_points):
    monkeypatch.setattr(registry.metadata, "entry_points", lambda group: list(entry_points))


def counting_method(calls: list, multiple: int = 1, shared=None) -> Parameterization:
    def conv(in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True, **kwargs):
        calls.append((in_channels, out_channels, kernel_size, stride, sorted(kwargs)))
        return nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, bias=bias)

    return Parameterization(
        "counting", "test", conv, width_multiple=multiple, shared_modules=shared
    )


def test_registry_has_real_and_adds_installed_packages(monkeypatch):
    _register(monkeypatch)
    assert list(available()) == ["real"]
    fake = Parameterization("fake", "a fake method", real.conv)
    _register(monkeypatch, FakeEntryPoint("fake", lambda: [fake]))
    found = available()
    assert list(found) == ["real", "fake"]
    assert found["fake"].package == "paramlab-fake"


def test_registry_rejects_malformed_and_duplicate_entries(monkeypatch):
    _register(monkeypatch, FakeEntryPoint("bad", lambda: [object()]))
    with pytest.raises(RegistryError, match="not a paramlab.ablation.Parameterization"):
        available()
    _register(monkeypatch, FakeEntryPoint("dup", lambda: [replace(real, summary="again")]))
    with pytest.raises(RegistryError, match="'real' from paramlab-fake is already registered"):
        available()


@pytest.mark.parametrize("depth, convs", [(8, 3 * 2 + 2), (14, 6 * 2 + 2)])
def test_every_conv_after_the_stem_comes_from_the_method(depth, convs):
    calls = []
    model = ResNetBackbone(counting_method(calls), depth=depth, width=8, in_channels=3)
    assert len(calls) == convs
    assert {c[1] for c in calls} == {8, 16, 32}
    assert isinstance(model.stem, nn.Conv2d)
    assert model(torch.randn(2, 3, 16, 16)).shape == (2, 10)


def test_backbone_validates_depth_and_width():
    with pytest.raises(ValueError, match="depth=10 must be 6·k \\+ 2"):
        ResNetBackbone(real, depth=10)
    with pytest.raises(ValueError, match="width=6 must be a multiple of 4 for counting"):
        ResNetBackbone(counting_method([], multiple=4), width=6)


def test_shared_modules_reach_every_conv_and_count_once():
    calls = []
    method = counting_method(calls, shared=lambda: {"generator": nn.Linear(5, 5)})
    model = ResNetBackbone(method, width=4)
    assert all(c[4] == ["generator"] for c in calls)
    plain = ResNetBackbone(counting_method([]), width=4)
    assert count_trainable(model) == count_trainable(plain) + 30


def test_budget_picks_the_closest_width():
    budget = 20_000
    width = width_for_budget(real, TINY, budget)

    def params(w):
        return count_trainable(build_model(real, replace(TINY, width=w)))

    assert abs(params(width) - budget) <= abs(params(width - 1) - budget)
    assert abs(params(width) - budget) <= abs(params(width + 1) - budget)
    with pytest.raises(ValueError, match="budget=0 must be a positive number"):
        width_for_budget(real, TINY, 0)


def _final_weights(out, config):
    state = torch.load(
        run_dir(out, config.method, config.seed) / "checkpoint.pt", weights_only=True
    )
    return state["model"]


def _interrupt_in_second_epoch(monkeypatch, config, out):
    """Run ``config`` into ``out`` and kill it while it saves its second epoch's checkpoint."""
    import paramlab.train.loop as loop

    original_save, saves = loop.save_checkpoint, []

    def save_then_die(path, state):
        saves.append(path)
        if len(saves) == 2:
            raise KeyboardInterrupt("killed during the second epoch's checkpoint")
        return original_save(path, state)

    monkeypatch.setattr(loop, "save_checkpoint", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        run_one(real, config, out)
    monkeypatch.setattr(loop, "save_checkpoint", original_save)
    assert not (run_dir(out, config.method, config.seed) / "result.json").exists()
    assert (run_dir(out, config.method, config.seed) / "checkpoint.pt").is_file()


def test_interrupted_run_resumes_to_the_same_weights_and_is_not_repeated(tmp_path, monkeypatch):
    straight = run_one(real, TINY, tmp_path / "straight")
    _interrupt_in_second_epoch(monkeypatch, TINY, tmp_path / "resumed")
    resumed = run_one(real, TINY, tmp_path / "resumed")

    assert resumed["test_accuracy"] == straight["test_accuracy"]
    for key, value in _final_weights(tmp_path / "straight", TINY).items():
        assert torch.equal(value, _final_weights(tmp_path / "resumed", TINY)[key]), key

    import paramlab.train.loop as loop

    monkeypatch.setattr(loop, "fit", lambda *a, **k: pytest.fail("a finished run was repeated"))
    assert run_one(real, TINY, tmp_path / "resumed") == resumed


def test_a_folder_of_another_recipe_is_never_reused_or_overwritten(tmp_path, monkeypatch):
    out = tmp_path / "out"
    finished = run_one(real, TINY, out)
    result_path = run_dir(out, "real", 0) / "result.json"
    before = result_path.read_bytes()
    with pytest.raises(RunConfigError, match=r"lr: 0\.003 there, 0\.01 now"):
        run_one(real, replace(TINY, lr=0.01), out)
    assert result_path.read_bytes() == before
    assert run_one(real, TINY, out) == finished

    _interrupt_in_second_epoch(monkeypatch, replace(TINY, seed=1), out)
    with pytest.raises(RunConfigError, match="optimizer: 'adamw' there, 'sgd' now"):
        run_one(real, replace(TINY, seed=1, optimizer="sgd"), out)


def test_optimizers_of_the_recipe():
    params = [nn.Parameter(torch.zeros(3))]
    adamw = make_optimizer(replace(TINY, lr=0.01, weight_decay=0.1), params)
    assert isinstance(adamw, torch.optim.AdamW)
    assert adamw.defaults["lr"] == 0.01 and adamw.defaults["weight_decay"] == 0.1
    sgd = make_optimizer(replace(TINY, optimizer="sgd"), params)
    assert isinstance(sgd, torch.optim.SGD) and sgd.defaults["nesterov"]
    with pytest.raises(ValueError, match="optimizer='lamb' must be one of adamw, sgd"):
        make_optimizer(replace(TINY, optimizer="lamb"), params)


def test_summary_statistics_over_seeds():
    runs = [
        {
            "method": "m",
            "package": "p",
            "trainable_parameters": 10,
            "test_accuracy": acc,
            "seconds_per_epoch": 2.0,
            "inference_images_per_second": 100.0,
            "peak_training_bytes": 2**20,
        }
        for acc in (0.9, 0.8)
    ]
    (row,) = summarize(runs)
    assert row["accuracy_mean"] == pytest.approx(0.85)
    assert row["accuracy_std"] == pytest.approx(0.0707, abs=1e-4)
    assert row["seeds"] == 2 and row["peak_training_mib"] == 1.0


def _cli_args(out, *extra):
    return [
        "--methods",
        "real",
        "--epochs",
        "1",
        "--seeds",
        "2",
        "--width",
        "4",
        "--batch-size",
        "128",
        "--image-size",
        "8",
        "--out",
        str(out),
        "--no-progress",
        *extra,
    ]


def test_cli_writes_table_csv_json_plot_and_readme(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# x\n<!-- ablation:start -->\nold\n<!-- ablation:end -->\n")
    out = tmp_path / "out"
    assert main(_cli_args(out, "--readme", str(readme))) == 0
    printed = capsys.readouterr().out
    assert "| real | paramlab-shared |" in printed
    assert "digits at 8 px, ResNet-8, width 4; adamw with a one-cycle schedule" in printed
    assert "this command trained 2 of them" in printed
    cost = re.search(r"The 2 runs took (\d+) CPU-seconds to train and measure", printed)
    data = json.loads((out / "results.json").read_text())
    assert [r["seed"] for r in (run["config"] for run in data["runs"])] == [0, 1]
    assert (out / "results.csv").read_text().startswith("method,package,parameters")
    assert (out / "accuracy.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = readme.read_text()
    assert "old" not in text and "| real |" in text and "](out/accuracy.png)" in text

    assert "this command trained 2 of them" in text

    stamp = (run_dir(out, "real", 0) / "result.json").stat().st_mtime_ns
    assert main(_cli_args(out)) == 0
    assert (run_dir(out, "real", 0) / "result.json").stat().st_mtime_ns == stamp
    printed = capsys.readouterr().out
    assert "this command trained 0 of them" in printed
    assert f"The 2 runs took {cost.group(1)} CPU-seconds" in printed


def test_cli_lists_and_rejects_unknown_methods(capsys):
    assert main(["--list"]) == 0
    assert capsys.readouterr().out.startswith("real")
    with pytest.raises(SystemExit, match="not installed: nope; installed: real"):
        main(["--methods", "nope"])


def test_torchrun_launcher_trains_with_two_processes(tmp_path):
    out = tmp_path / "ddp"
    assert (
        main(_cli_args(out, "--launcher", "torchrun", "--nproc-per-node", "2", "--seeds", "1")) == 0
    )
    result = json.loads((run_dir(out, "real", 0) / "result.json").read_text())
    assert result["world_size"] == 2
    assert 0.0 <= result["test_accuracy"] <= 1.0


def _weights(out, seed):
    return _final_weights(out, replace(TINY, seed=seed))


def test_two_jobs_train_the_same_runs_as_one_process_and_resume(tmp_path, monkeypatch, capsys):
    one, two = tmp_path / "one", tmp_path / "two"
    assert main(_cli_args(one, "--epochs", "2", "--threads", "1")) == 0
    # seed 0 of the two-job ablation was interrupted (on one thread, as the workers run), so a
    # worker resumes it
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        _interrupt_in_second_epoch(monkeypatch, TINY, two)
    finally:
        torch.set_num_threads(threads)
    assert main(_cli_args(two, "--epochs", "2", "--jobs", "2", "--threads", "1")) == 0
    printed = capsys.readouterr().out
    assert "real seed 0: test accuracy" in printed and "real seed 1: test accuracy" in printed
    for seed in (0, 1):
        first = json.loads((run_dir(one, "real", seed) / "result.json").read_text())
        second = json.loads((run_dir(two, "real", seed) / "result.json").read_text())
        assert first["config"] == second["config"]
        assert first["threads"] == second["threads"] == 1
        assert first["test_accuracy"] == second["test_accuracy"]
        for key, value in _weights(one, seed).items():
            assert torch.equal(value, _weights(two, seed)[key]), (seed, key)
    assert any(not torch.equal(v, _weights(one, 1)[k]) for k, v in _weights(one, 0).items())
    assert json.loads((two / "results.json").read_text())["runs"] == [
        json.loads((run_dir(two, "real", seed) / "result.json").read_text()) for seed in (0, 1)
    ]

    stamps = [(run_dir(two, "real", s) / "result.json").stat().st_mtime_ns for s in (0, 1)]
    assert main(_cli_args(two, "--epochs", "2", "--jobs", "2")) == 0
    assert stamps == [(run_dir(two, "real", s) / "result.json").stat().st_mtime_ns for s in (0, 1)]


def test_cli_rejects_bad_jobs():
    with pytest.raises(SystemExit, match="--jobs must be at least 1"):
        main(["--methods", "real", "--jobs", "0"])
    with pytest.raises(SystemExit, match="with --launcher torchrun every run already uses"):
        main(["--methods", "real", "--jobs", "2", "--launcher", "torchrun"])


def test_a_failing_job_stops_the_ablation_but_keeps_the_runs_under_way(tmp_path):
    out = tmp_path / "out"
    # seed 1's folder holds a run of another recipe, so its worker fails at once
    folder = run_dir(out, "real", 1)
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({**asdict(replace(TINY, seed=1)), "lr": 0.5}))
    with pytest.raises(SystemExit, match=r"holds a run of another configuration \(lr: 0\.5 there"):
        main(_cli_args(out, "--epochs", "2", "--jobs", "2", "--threads", "1"))
    assert json.loads((run_dir(out, "real", 0) / "result.json").read_text())["config"]["seed"] == 0
    assert not (folder / "result.json").exists()
    assert json.loads((folder / "config.json").read_text())["lr"] == 0.5
