"""AdaHessian (spec §11, ``optimizer=adahessian``): the Hutchinson estimate, one step against
hand-computed values, and the examples' optimizer factory choosing it."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
from high_order_layers_torch.adahessian import Adahessian, hutchinson_diagonal
from high_order_layers_torch.modules import needs_create_graph, select_optimizer
from omegaconf import OmegaConf

CONFIG = Path(__file__).resolve().parents[1] / "config" / "optimizer" / "adahessian.yaml"


def _gradients(loss, params):
    return list(torch.autograd.grad(loss, params, create_graph=True))


def test_hutchinson_converges_to_the_hessian_diagonal():
    """f(x) = ½ xᵀ A x: H = A, and the mean of z ⊙ (A z) tends to diag(A) with a standard
    deviation per entry of sqrt(Σ_{j≠i} A_ij²) per sample."""
    generator = torch.Generator().manual_seed(0)
    a = torch.tensor(
        [
            [4.0, 1.0, -2.0, 0.5],
            [1.0, 3.0, 0.0, 1.5],
            [-2.0, 0.0, 2.0, -1.0],
            [0.5, 1.5, -1.0, 1.0],
        ],
        dtype=torch.float64,
    )
    x = torch.randn(4, dtype=torch.float64, requires_grad=True)
    (grad,) = _gradients(0.5 * x @ a @ x, [x])
    samples = 4000
    total = torch.zeros(4, dtype=torch.float64)
    for _ in range(samples):
        (estimate,) = hutchinson_diagonal([x], [grad], generator)
        total += estimate
    spread = ((a**2).sum(1) - a.diagonal() ** 2).sqrt()
    assert torch.all((total / samples - a.diagonal()).abs() < 5 * spread / math.sqrt(samples))
    # a diagonal Hessian is recovered exactly by every sample
    (grad,) = _gradients((torch.tensor([1.0, 2.0, 3.0]) * x[:3] ** 2).sum(), [x])
    (estimate,) = hutchinson_diagonal([x], [grad], generator)
    torch.testing.assert_close(estimate, torch.tensor([2.0, 4.0, 6.0, 0.0], dtype=torch.float64))


def _quadratic(params, curvatures, offsets):
    """Σ ½ a p² + b p: gradient a p + b, Hessian diag(a)."""
    return sum(
        (0.5 * a * p**2 + b * p).sum() for p, a, b in zip(params, curvatures, offsets, strict=True)
    )


def test_one_step_against_hand_computed_values():
    """First step: m̂ = g, v̂ = D̄², so p ← p − lr·(g / (D̄^k + eps) + wd·p), with D̄ = |a| per
    entry for 1-, 2- and 3-d parameters and the spatial mean of |a| for a 4-d kernel."""
    torch.manual_seed(1)
    shapes = [(5,), (3, 4), (2, 3, 5), (3, 2, 3, 3)]
    params = [torch.randn(shape, requires_grad=True) for shape in shapes]
    curvatures = [torch.rand(shape) * 3 - 1 for shape in shapes]  # both signs
    offsets = [torch.randn(shape) for shape in shapes]
    lr, eps, wd, k = 0.3, 1e-3, 0.05, 0.5
    start = [p.detach().clone() for p in params]
    optimizer = Adahessian(
        params, lr=lr, betas=(0.8, 0.95), eps=eps, weight_decay=wd, hessian_power=k
    )
    _quadratic(params, curvatures, offsets).backward(create_graph=True)
    optimizer.step()
    for p, p0, a, b in zip(params, start, curvatures, offsets, strict=True):
        g = a * p0 + b
        d = a.abs()
        if p.dim() == 4:
            d = d.mean(dim=(2, 3), keepdim=True).expand_as(a)
        expected = p0 - lr * (g / (d**k + eps) + wd * p0)
        torch.testing.assert_close(p.detach(), expected, rtol=1e-5, atol=1e-6)
        state = optimizer.state[p]
        assert set(state) == {"step", "exp_avg", "exp_hessian_diag_sq"} and state["step"] == 1
        torch.testing.assert_close(state["exp_avg"], 0.2 * g)
        torch.testing.assert_close(state["exp_hessian_diag_sq"], 0.05 * d**2)
        assert p.grad.grad_fn is None  # the graph is released


def test_power_one_is_a_newton_step():
    """hessian_power 1, lr 1: one step lands on the minimum −b/a of a convex quadratic."""
    a, b = torch.tensor([0.5, 2.0, 8.0]), torch.tensor([1.0, -3.0, 2.0])
    p = torch.zeros(3, requires_grad=True)
    optimizer = Adahessian([p], lr=1.0, eps=1e-8, hessian_power=1.0)
    _quadratic([p], [a], [b]).backward(create_graph=True)
    optimizer.step()
    torch.testing.assert_close(p.detach(), -b / a)


def test_second_step_uses_the_moments():
    a, b = torch.tensor([2.0]), torch.tensor([1.0])
    p = torch.tensor([1.0], requires_grad=True)
    beta1, beta2, lr, eps = 0.9, 0.99, 0.1, 1e-4
    optimizer = Adahessian([p], lr=lr, betas=(beta1, beta2), eps=eps, hessian_power=1.0)
    values, m, v = [1.0], 0.0, 0.0
    for step in (1, 2):
        optimizer.zero_grad()
        _quadratic([p], [a], [b]).backward(create_graph=True)
        optimizer.step()
        g = 2.0 * values[-1] + 1.0
        m, v = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * 4.0
        denom = math.sqrt(v) / math.sqrt(1 - beta2**step) + eps
        values.append(values[-1] - lr * (m / (1 - beta1**step)) / denom)
    assert p.item() == pytest.approx(values[-1], rel=1e-6)


def test_without_create_graph_the_error_says_what_to_do():
    p = torch.ones(3, requires_grad=True)
    optimizer = Adahessian([p])
    (p**3).sum().backward()
    with pytest.raises(RuntimeError, match=r"backward\(create_graph=True\)"):
        optimizer.step()


def test_arguments_are_validated():
    p = [torch.ones(1, requires_grad=True)]
    with pytest.raises(ValueError, match="hessian_power=1.5 must be in"):
        Adahessian(p, hessian_power=1.5)
    with pytest.raises(ValueError, match=r"betas\[1\]=1.0 must be in"):
        Adahessian(p, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="lr=0.0 must be positive"):
        Adahessian(p, lr=0.0)


def test_seed_gives_reproducible_private_draws():
    def run():
        p = torch.tensor([1.0, -2.0], requires_grad=True)
        optimizer = Adahessian([p], seed=3)
        (p[0] * p[1] + p[0] ** 2).backward(create_graph=True)
        torch.manual_seed(0)
        optimizer.step()
        return p.detach(), torch.rand(1)

    (first, after_first), (second, after_second) = run(), run()
    torch.testing.assert_close(first, second)
    torch.testing.assert_close(after_first, after_second)  # the global generator is untouched


def test_examples_factory_chooses_adahessian():
    cfg = OmegaConf.load(CONFIG)
    params = [torch.nn.Parameter(torch.ones(2))]
    optimizer, scheduler = select_optimizer(params, cfg)
    assert isinstance(optimizer, Adahessian) and scheduler is None
    group = optimizer.param_groups[0]
    assert (group["lr"], group["betas"], group["eps"]) == (1.0, (0.9, 0.999), 1e-4)
    assert (group["weight_decay"], group["hessian_power"]) == (0.0, 1.0)
    assert needs_create_graph("adahessian") and not needs_create_graph("adam")


def test_xor_example_trains_with_adahessian(tmp_path, monkeypatch):
    """Automatic optimisation: the module's backward hook builds the gradients' graph."""
    monkeypatch.chdir(tmp_path)
    from examples.xor import plot_approximation, xor_target, xTest

    torch.manual_seed(0)
    predictions = plot_approximation(
        [{"name": "Continuous 3", "n": 3, "layer": "continuous"}],
        segments=2,
        epochs=2,
        plot=False,
        optimizer="adahessian",
        lr=0.5,
    )
    assert float(torch.nn.functional.mse_loss(predictions[0], xor_target(xTest))) < 0.2


def test_function_example_trains_with_adahessian(tmp_path, monkeypatch):
    """Manual optimisation (manual_backward) with the original's AdaHessian settings."""
    monkeypatch.chdir(tmp_path)
    from examples.function_example import plot_approximation, yTest

    torch.manual_seed(0)
    losses = plot_approximation(
        "continuous",
        [{"name": "Continuous", "n": 3}],
        segments=5,
        epochs=1,
        plot_result=False,
        opt="adahessian",
    )
    assert losses[0] < 0.7 * float(yTest.var())  # better than the best constant


@pytest.mark.parametrize("optimizer, keeps_graph", [("adahessian", True), ("adam", False)])
def test_image_examples_backward_keeps_the_graph_for_adahessian(optimizer, keeps_graph):
    """ImageClassifier (mnist, invariant_mnist, block_mnist, the autoencoders) routes both
    automatic and manual back-propagation through its ``backward`` hook."""
    from examples.invariant_mnist import Net
    from hydra import compose, initialize

    with initialize(config_path="../config", version_base=None):
        cfg = compose("invariant_mnist", [f"optimizer={optimizer}", "mlp.layer_type=continuous"])
    net = Net(cfg)
    loss = torch.nn.functional.cross_entropy(net(torch.rand(4, 1, 28, 28) * 2 - 1), torch.arange(4))
    net.backward(loss)
    weight = net.layer.input_layer.w
    assert weight.grad is not None and (weight.grad.grad_fn is not None) == keeps_graph
    optimizer_built = net.configure_optimizers()
    if keeps_graph:
        assert isinstance(optimizer_built, Adahessian)
        optimizer_built.step()  # the 3-d weights that torch-optimizer could not step
        assert weight.grad.grad_fn is None
