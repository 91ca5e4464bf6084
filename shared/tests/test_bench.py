"""paramlab.bench: timing, memory, ratios, reports, and that the core cases compare equals."""

import importlib
import json
import sys
import time

import pytest
import torch

from paramlab.bench import (
    BenchCase,
    Sweep,
    allocation_profile,
    forward_backward,
    forward_only,
    time_step,
)
from paramlab.bench.core_cases import _ComplexConv, broadcast_then_sum
from paramlab.bench.core_cases import cases as core_cases
from paramlab.bench.peers import PEERS_ENV, find_shadowed_package, import_shadowed
from paramlab.bench.report import to_markdown, write_reports
from paramlab.bench.run import main, run_cases
from paramlab.bench.scaling import plot_sweep, run_sweep, sweep_markdown, sweep_slug
from paramlab.bench.timing import time_interleaved
from paramlab.kron import kron_sum
from paramlab.markdown import update_marked_section


def test_time_step_reports_median_and_repeats():
    calls = []
    timing = time_step(lambda: calls.append(1), threads=1, min_run_time=0.01)
    assert timing.median > 0 and timing.iqr >= 0 and timing.repeats >= 1
    assert len(calls) > timing.repeats  # the warm-up calls are not timed


def test_interleaved_timing_alternates_the_steps_round_by_round():
    order = []

    def sleeper(name, seconds):
        def step():
            order.append(name)
            time.sleep(seconds)

        return step

    fast, slow = time_interleaved(
        [sleeper("fast", 0.001), sleeper("slow", 0.02)], threads=1, min_run_time=0.06
    )
    assert slow.median > fast.median > 0 and slow.iqr >= 0
    assert fast.repeats >= slow.repeats >= 3
    timed = order[4:]  # after each step's warm-up and estimate
    switches = sum(a != b for a, b in zip(timed, timed[1:], strict=False))
    assert switches >= 2 * 3 - 1  # at least three rounds of both


def test_long_steps_are_timed_without_hidden_warm_ups(monkeypatch):
    import paramlab.bench.timing as timing

    monkeypatch.setattr(timing, "LONG_STEP", 0.015)
    calls = {"short": 0, "long": 0}

    def sleeper(name, seconds):
        def step():
            calls[name] += 1
            time.sleep(seconds)

        return step

    short, long = time_interleaved(
        [sleeper("short", 0.001), sleeper("long", 0.03)], threads=1, min_run_time=0.03
    )
    # a warm-up, one call for the estimate, then one call per round and nothing else
    assert long.repeats == 3 and calls["long"] == 1 + 1 + 3
    assert calls["short"] > 2 + short.repeats  # Timer.timeit warms up inside every round
    assert 0.03 <= long.median < 0.3


def test_long_steps_run_several_calls_per_round_on_the_wall_clock(monkeypatch):
    import paramlab.bench.timing as timing

    monkeypatch.setattr(timing, "LONG_STEP", 0.015)
    calls = []

    def step():
        calls.append(1)
        time.sleep(0.02)

    (result,) = time_interleaved([step], threads=1, min_run_time=0.3)
    # five rounds of about 0.3 / 5 / 0.02 = 3 calls each, after a warm-up and an estimate
    assert result.repeats % 5 == 0 and result.repeats >= 10
    assert len(calls) == 2 + result.repeats
    assert 0.02 <= result.median < 0.2


def test_allocation_profile_sees_a_large_temporary():
    size = 1 << 20

    def allocate():
        torch.ones(size, dtype=torch.uint8).sum()

    profile = allocation_profile(allocate)
    assert profile.largest_bytes >= size
    assert profile.peak_bytes >= size
    assert allocation_profile(lambda: None).peak_bytes < size


def test_forward_backward_returns_gradients_without_accumulating():
    layer = torch.nn.Linear(3, 2)
    step = forward_backward(layer, torch.randn(4, 3))
    step()
    step()
    assert layer.weight.grad is None


def test_unknown_role_is_rejected():
    with pytest.raises(ValueError, match="role='fastest' must be one of"):
        BenchCase("s", "g", "l", "fastest", setup=lambda: lambda: None)


def _case(role: str, group: str = "g") -> BenchCase:
    return BenchCase("s", group, role, role, setup=lambda: lambda: None)


def _fixed_timings(monkeypatch, seconds: list[float]) -> None:
    """Replace the clock: the cases' steps take these seconds, in order."""
    import paramlab.bench.run as run_module
    from paramlab.bench.timing import Timing

    durations = iter(seconds)
    monkeypatch.setattr(
        run_module,
        "time_interleaved",
        lambda steps, threads, min_run_time: [Timing(next(durations), 0, 3) for _ in steps],
    )


def test_ratios_relate_each_case_to_its_group_floor_original_and_peer(monkeypatch):
    cases = [
        _case("floor"),
        _case("ours"),
        _case("original"),
        _case("peer"),
        _case("ours", group="alone"),
    ]
    _fixed_timings(monkeypatch, [0.002, 0.004, 0.008, 0.016, 0.001])
    floor, ours, original, peer, alone = run_cases(cases, threads=1, min_run_time=0.05)
    assert floor.vs_floor is None and original.vs_original is None and peer.vs_peer is None
    assert ours.vs_floor == pytest.approx(2.0)
    assert ours.vs_original == pytest.approx(0.5)
    assert ours.vs_peer == pytest.approx(0.25)
    assert ours.median_ms == pytest.approx(4.0)
    assert alone.vs_floor is None and alone.vs_original is None and alone.vs_peer is None


def test_reports_and_readme_section(tmp_path):
    results = run_cases([_case("floor")], threads=1, min_run_time=0.01)
    machine = {"cpu": "test cpu", "cores": 2, "threads": 1, "torch": "x", "python": "y"}
    md, js = write_reports(results, machine, tmp_path / "out")
    assert "| g | floor | floor |" in md.read_text()
    assert json.loads(js.read_text())["machine"]["cpu"] == "test cpu"

    readme = tmp_path / "README.md"
    readme.write_text("before\n<!-- bench:start -->\nold\n<!-- bench:end -->\nafter\n")
    update_marked_section(readme, "bench", to_markdown(results, machine))
    text = readme.read_text()
    assert "old" not in text and "test cpu" in text
    assert text.startswith("before\n") and text.endswith("after\n")
    readme.write_text("no markers\n")
    with pytest.raises(ValueError, match="no '<!-- bench:start -->'"):
        update_marked_section(readme, "bench", "x")


def test_bench_reference_is_the_same_weight_as_ours():
    gen = torch.Generator().manual_seed(0)
    A, F = torch.randn(4, 4, 4, generator=gen), torch.randn(4, 3, 2, 3, 3, generator=gen)
    torch.testing.assert_close(broadcast_then_sum(A, F), kron_sum(A, F))


def test_complex_forms_in_the_bench_compute_the_same_conv():
    torch.manual_seed(0)
    x = [torch.randn(2, 4, 6, 6, dtype=torch.float64) for _ in range(2)]
    weights = _ComplexConv(4, "four").double().state_dict()
    split = {}
    for form in ("four", "gauss", "block", "native"):
        conv = _ComplexConv(4, form).double()
        conv.load_state_dict(weights)
        out = conv(*x)
        split[form] = torch.cat([out.real, out.imag], dim=1) if out.is_complex() else out
    for form in ("gauss", "block", "native"):
        torch.testing.assert_close(split[form], split["four"])


def test_core_cases_cover_floor_original_and_quick_mode():
    quick, full = core_cases(quick=True), core_cases(quick=False)
    assert len(quick) < len(full)
    roles = {(c.group, c.role) for c in full}
    assert all((g, "original") in roles for g, _ in roles if g.startswith("PHC weight build"))
    assert all((g, "floor") in roles for g, _ in roles if g.startswith("complex conv"))


def test_cli_rejects_bad_arguments_and_unknown_suites():
    with pytest.raises(SystemExit, match="--threads must be"):
        main(["--threads", "0"])
    with pytest.raises(SystemExit, match="no cases for suites"):
        main(["--suite", "nonexistent"])


def test_forward_backward_skips_parameters_the_forward_does_not_use():
    layer = torch.nn.Linear(3, 2)
    layer.unused = torch.nn.Parameter(torch.ones(1))
    forward_backward(layer, torch.randn(4, 3))()


def _write_package(root, name, body, submodules=None):
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(body)
    for sub, text in (submodules or {}).items():
        (folder / f"{sub}.py").write_text(text)
    return folder


def test_a_peer_with_our_import_name_loads_beside_ours(tmp_path, monkeypatch):
    name = "shadowed_demo_pkg"
    ours_root, peers_root = tmp_path / "ours", tmp_path / "peers"
    _write_package(ours_root, name, "WHO = 'ours'\n", {"layers": "WHO = 'ours layers'\n"})
    _write_package(
        peers_root,
        name,
        "WHO = 'peer'\n",
        # an absolute import of its own name, as high-order-layers-torch does
        {"layers": f"from {name} import WHO as PARENT\nWHO = 'peer layers'\n"},
    )
    monkeypatch.syspath_prepend(str(ours_root))
    ours = importlib.import_module(f"{name}.layers")
    monkeypatch.setenv(PEERS_ENV, str(peers_root))
    try:
        assert find_shadowed_package(name, "no-such-distribution") == peers_root / name
        peer = import_shadowed(name, peers_root / name, f"_peer_{name}", submodules=["layers"])
        assert peer.WHO == "peer" and peer.layers.WHO == "peer layers"
        assert peer.layers.PARENT == "peer"
        assert sys.modules[f"_peer_{name}.layers"] is peer.layers
        assert importlib.import_module(f"{name}.layers") is ours and ours.WHO == "ours layers"
        assert import_shadowed(name, peers_root / name, f"_peer_{name}") is peer

        # the folder a plain import uses is never taken for the peer
        monkeypatch.setenv(PEERS_ENV, str(ours_root))
        assert find_shadowed_package(name, "no-such-distribution") is None
    finally:
        for key in [k for k in sys.modules if name in k]:
            del sys.modules[key]


def _tiny_case(label, n, role="ours"):
    return BenchCase(
        "tiny",
        "sweep",
        label,
        role,
        setup=lambda: lambda: torch.ones(n * 1024).sum(),
        shape={"n": n},
    )


def test_a_sweep_needs_its_key_in_every_case():
    with pytest.raises(ValueError, match="have no shape\\['size'\\]"):
        Sweep("tiny", "s", "size", [_tiny_case("a", 1)])


def test_sweep_points_plot_and_table(tmp_path):
    sweep = Sweep("tiny", "ones vs n", "n", [_tiny_case(lab, n) for lab in "ab" for n in (1, 64)])
    points = run_sweep(sweep, threads=1, min_run_time=0.01, show_progress=False)
    assert [(p.label, p.value) for p in points] == [("a", 1), ("a", 64), ("b", 1), ("b", 64)]
    big = {p.value: p.peak_bytes for p in points if p.label == "a"}
    assert big[64] >= 64 * 1024 * 4 > big[1]  # the step's own allocation is measured
    image = plot_sweep(sweep, points, tmp_path / f"{sweep_slug(sweep)}.png")
    assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = sweep_markdown(sweep, points, image.name)
    assert f"![tiny: ones vs n]({image.name})" in table
    assert "| n | a | b |" in table and "| 64 |" in table


def test_cli_scaling_writes_plots_linked_from_results_and_readme(tmp_path, monkeypatch):
    module = tmp_path / "tiny_bench_provider.py"
    module.write_text(
        "import torch\n"
        "from paramlab.bench import BenchCase, Sweep\n"
        "def _case(label, role, n):\n"
        "    return BenchCase('tiny', 'g', label, role,\n"
        "                     setup=lambda: lambda: torch.ones(n).sum(), shape={'n': n})\n"
        "def cases(quick):\n"
        "    return [_case('dense', 'floor', 8), _case('ours', 'ours', 8)]\n"
        "def sweeps(quick):\n"
        "    return [Sweep('tiny', 'ones', 'n', [_case('ours', 'ours', n) for n in (4, 8)])]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    readme = tmp_path / "README.md"
    readme.write_text("<!-- bench:start -->\n<!-- bench:end -->\n")
    out = tmp_path / "bench"
    args = ["--suite", "tiny", "--cases", "tiny_bench_provider:cases", "--scaling"]
    args += ["--out", str(out), "--readme", str(readme), "--min-run-time", "0.01"]
    args += ["--threads", "1", "--no-progress"]
    try:
        assert main(args) == 0
    finally:
        sys.modules.pop("tiny_bench_provider", None)
    (plot,) = out.glob("*.png")
    assert f"]({plot.name})" in (out / "results.md").read_text()
    assert f"](bench/{plot.name})" in readme.read_text()
    payload = json.loads((out / "results.json").read_text())
    assert [p["value"] for p in payload["scaling"][0]["points"]] == [4, 8]
    assert {r["label"] for r in payload["results"]} == {"dense", "ours"}
    with pytest.raises(ValueError, match="module:function"):
        main(["--cases", "no_colon_here", "--suite", "tiny"])


def test_forward_only_runs_the_module_without_autograd():
    seen = []

    class Probe(torch.nn.Linear):
        def forward(self, x):
            seen.append(torch.is_grad_enabled())
            return super().forward(x)

    forward_only(Probe(3, 2), torch.randn(4, 3, requires_grad=True))()
    assert seen == [False]
