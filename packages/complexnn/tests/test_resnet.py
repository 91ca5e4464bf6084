"""DCN ResNet: topology, parameter counts of the paper configurations, training smoke test
(spec §6, §13.20–21)."""

from __future__ import annotations

import pytest
import torch
from complexnn import ComplexConv2d, count_real_buffers, count_real_parameters
from complexnn.models import ComplexResidualBlock, DCNResNet
from complexnn.models.resnet import SPECTRAL_POOL_SCHEMES

PAPER = {
    ("complex", "WS"): (12, 16),
    ("complex", "DN"): (10, 23),
    ("complex", "IB"): (11, 19),
    ("real", "WS"): (9, 14),
    ("real", "DN"): (7, 23),
    ("real", "IB"): (8, 18),
}


def expected_counts(model: str, sf: int, n: int, k: int) -> tuple[int, int]:
    """(trainable, running) real scalars from the spec's counting rules (§6.3)."""
    if model == "complex":
        conv3 = lambda cin, cout: 9 * cin * 2 * cout  # noqa: E731
        conv1 = lambda c: c * 2 * c  # noqa: E731
        bn, bn_run, stem_in, c = 5, 5, 3, sf
        head_in = 8 * sf
    else:
        conv3 = lambda cin, cout: 9 * cin * cout  # noqa: E731
        conv1 = lambda c: c * c  # noqa: E731
        bn, bn_run, stem_in, c = 2, 2, 6, 2 * sf
        head_in = 4 * c
    trainable, running = 18 + 12, 12
    trainable += conv3(stem_in, c) + bn * c
    running += bn_run * c
    widths = [c] * n + [c] + [2 * c] * (n - 1) + [2 * c] + [4 * c] * (n - 1)
    for w in widths:
        trainable += 2 * bn * w + 2 * conv3(w, w)
        running += 2 * bn_run * w
    trainable += conv1(c) + conv1(2 * c)
    trainable += head_in * k + k
    return trainable, running


@pytest.mark.parametrize("k", [10, 100])
@pytest.mark.parametrize("key", list(PAPER))
def test_paper_configuration_parameter_counts(key, k):
    model, _ = key
    sf, n = PAPER[key]
    net = DCNResNet(model, sf, n, num_classes=k, comp_init="torch")
    trainable, running = expected_counts(model, sf, n, k)
    assert count_real_parameters(net) == trainable
    assert count_real_parameters(net) + count_real_buffers(net) == trainable + running
    if k == 10:
        assert 1_600_000 <= trainable <= 1_750_000


@pytest.mark.parametrize("k", [10, 100])
def test_cli_default_parameter_count(k):
    net = DCNResNet("complex", 11, 10, num_classes=k, comp_init="torch")
    trainable, _ = expected_counts("complex", 11, 10, k)
    assert count_real_parameters(net) == trainable
    assert trainable < 1_000_000


def test_depth_and_layer_inventory():
    n = 3
    net = DCNResNet("complex", 2, n)
    convs = [m for m in net.modules() if isinstance(m, ComplexConv2d)]
    assert sum(m.kernel_size == (3, 3) for m in convs) == 6 * n + 1
    assert sum(m.kernel_size == (1, 1) for m in convs) == 2
    assert all(m.bias_real is None for m in convs)
    assert sum(isinstance(m, ComplexResidualBlock) for m in net.modules()) == 3 * n
    real_convs = [m for m in net.modules() if type(m) is torch.nn.Conv2d]
    assert len(real_convs) == 2


def test_projection_block_concatenates_shortcut_first():
    block = ComplexResidualBlock(3, projection=True).double().eval()
    with torch.no_grad():
        block.conv2.weight_real.zero_()
        block.conv2.weight_imag.zero_()
    x = torch.randn(2, 3, 8, 8, dtype=torch.complex128)
    out = block(x)
    assert out.shape == (2, 6, 4, 4)
    torch.testing.assert_close(out[:, :3], block.shortcut(x))
    assert torch.count_nonzero(out[:, 3:]) == 0


@pytest.mark.parametrize("model", ["complex", "real"])
@pytest.mark.parametrize("scheme", SPECTRAL_POOL_SCHEMES)
def test_forward_backward_every_scheme(model, scheme):
    net = DCNResNet(model, 2, 1, num_classes=5, spectral_pool_scheme=scheme)
    x = torch.randn(2, 3, 32, 32)
    logits = net(x)
    assert logits.shape == (2, 5) and logits.dtype == torch.float32
    logits.sum().backward()
    assert net.classifier.weight.grad is not None


def test_spectral_param_and_activations():
    for act in ("modrelu", "zrelu", "cardioid"):
        net = DCNResNet("complex", 2, 1, act=act, spectral_param=True)
        net(torch.randn(2, 3, 16, 16)).sum().backward()
    assert count_real_parameters(DCNResNet("complex", 2, 1, spectral_param=True)) == (
        count_real_parameters(DCNResNet("complex", 2, 1))
    )


def test_few_sgd_steps_reduce_loss():
    """DCN's recipe: Nesterov SGD at the warm-up LR 0.01 with global-norm clipping 1.0."""
    torch.manual_seed(0)
    net = DCNResNet("complex", 2, 1, num_classes=4)
    x = torch.randn(16, 3, 16, 16)
    y = torch.randint(0, 4, (16,))
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    losses = []
    for _ in range(6):
        loss = torch.nn.functional.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]


def test_weight_decay_parameters_cover_kernels_only():
    net = DCNResNet("complex", 2, 1)
    decayed = {id(p) for p in net.weight_decay_parameters()}
    named = dict(net.named_parameters())
    assert id(named["classifier.weight"]) in decayed
    assert id(named["classifier.bias"]) not in decayed
    assert id(named["learn_imag.conv1.weight"]) in decayed
    assert id(named["conv1.weight_imag"]) in decayed
    assert not any(id(p) in decayed for k, p in named.items() if "bn" in k)


def test_imaginary_stem_variants():
    x = torch.randn(2, 3, 16, 16)
    learn = DCNResNet("complex", 2, 1)
    zero = DCNResNet("complex", 2, 1, imag_stem="zero")
    fft = DCNResNet("complex", 2, 1, imag_stem="fft")
    assert count_real_parameters(learn) - count_real_parameters(zero) == 18 + 12
    for net in (zero, fft):
        assert net(x).shape == (2, 10)
    with pytest.raises(ValueError, match="imag_stem"):
        DCNResNet("real", 2, 1, imag_stem="fft")
