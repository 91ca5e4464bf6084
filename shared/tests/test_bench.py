"""paramlab.bench: timing, memory, ratios, reports, and that the core cases compare equals."""

import json

import pytest
import torch

from paramlab.bench import BenchCase, allocation_profile, forward_backward, time_step
from paramlab.bench.core_cases import _ComplexConv, broadcast_then_sum
from paramlab.bench.core_cases import cases as core_cases
from paramlab.bench.report import to_markdown, write_reports
from paramlab.bench.run import main, run_cases
from paramlab.kron import kron_sum
from paramlab.markdown import update_marked_section


def test_time_step_reports_median_and_repeats():
    calls = []
    timing = time_step(lambda: calls.append(1), threads=1, min_run_time=0.01)
    assert timing.median > 0 and timing.iqr >= 0 and timing.repeats >= 1
    assert len(calls) > timing.repeats  # the warm-up calls are not timed


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
        run_module, "time_step", lambda step, threads, min_run_time: Timing(next(durations), 0, 3)
    )


def test_ratios_relate_each_case_to_its_group_floor_and_original(monkeypatch):
    cases = [_case("floor"), _case("ours"), _case("original"), _case("ours", group="alone")]
    _fixed_timings(monkeypatch, [0.002, 0.004, 0.008, 0.001])
    floor, ours, original, alone = run_cases(cases, threads=1, min_run_time=0.05)
    assert floor.vs_floor is None and original.vs_original is None
    assert ours.vs_floor == pytest.approx(2.0)
    assert ours.vs_original == pytest.approx(0.5)
    assert ours.median_ms == pytest.approx(4.0)
    assert alone.vs_floor is None and alone.vs_original is None


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
