"""Original-format state_dicts (spec §8) load strictly and give the original's outputs.

The original computation is written out below independently of the package: the key names and
shapes of spec §8.1, the kernel ``(code @ W.T).view(ceil(O/S0)*S0, ceil(I/S1)*S1, k, k)[:O, :I]``
and the forward passes of spec §5.1-5.2, with the CSG weight repeated under every block.
"""

import math

import pytest
import torch
import torch.nn.functional as F
from associative import convert_state_dict, load_csg, load_original
from associative.checkpoints import CheckpointFormatError
from associative.models import cifar_resnet, densenet

from paramlab.testing import assert_close_scaled, assert_state_dict_roundtrip

S12 = (12, 12, 3, 3)


def add_bn(state, name, c, gen):
    state[f"{name}.weight"] = 1 + 0.1 * torch.randn(c, generator=gen)
    state[f"{name}.bias"] = 0.1 * torch.randn(c, generator=gen)
    state[f"{name}.running_mean"] = 0.1 * torch.randn(c, generator=gen)
    state[f"{name}.running_var"] = 1 + 0.1 * torch.rand(c, generator=gen)
    state[f"{name}.num_batches_tracked"] = torch.tensor(7)


def n_slices(i, o, s):
    return math.ceil(i / s[0]) * math.ceil(o / s[1])


def original_kernel(code, weight, i, o, s):
    g = code @ weight.T
    return g.view(math.ceil(o / s[0]) * s[0], math.ceil(i / s[1]) * s[1], s[2], s[3])[:o, :i]


def resnet_state(depth, org=False, code_size=72, s=S12, seed=0):
    gen = torch.Generator().manual_seed(seed)
    state = {}
    if not org:
        weight = torch.randn(math.prod(s), code_size, generator=gen) * 0.05
        state["CSG.weight"] = weight
    state["conv_1_3x3.weight"] = torch.randn(16, 3, 3, 3, generator=gen) * 0.3
    add_bn(state, "bn_1", 16, gen)
    inplanes = 16
    for stage, planes in enumerate((16, 32, 64), 1):
        for b in range((depth - 2) // 6):
            p = f"stage_{stage}.{b}."
            i = inplanes if b == 0 else planes
            if org:
                state[p + "conv_a.weight"] = torch.randn(planes, i, 3, 3, generator=gen) * 0.1
                add_bn(state, p + "bn_a", planes, gen)
                state[p + "conv_b.weight"] = torch.randn(planes, planes, 3, 3, generator=gen) * 0.1
                add_bn(state, p + "bn_b", planes, gen)
            else:
                state[p + "code"] = torch.randn(n_slices(i, planes, s), code_size, generator=gen)
                state[p + "code2"] = torch.randn(
                    n_slices(planes, planes, s), code_size, generator=gen
                )
                state[p + "CSG.weight"] = weight.clone()
                add_bn(state, p + "bn_a", planes, gen)
                add_bn(state, p + "bn_b", planes, gen)
        inplanes = planes
    state["classifier.weight"] = torch.randn(10, 64, generator=gen) * 0.1
    state["classifier.bias"] = torch.randn(10, generator=gen) * 0.1
    return state


def bn(state, name, x, training):
    return F.batch_norm(
        x,
        state[f"{name}.running_mean"],
        state[f"{name}.running_var"],
        state[f"{name}.weight"],
        state[f"{name}.bias"],
        training,
        0.1,
        1e-5,
    )


def resnet_forward(state, x, depth, training, org=False, s=S12):
    out = F.relu(bn(state, "bn_1", F.conv2d(x, state["conv_1_3x3.weight"], padding=1), training))
    inplanes = 16
    for stage, planes in enumerate((16, 32, 64), 1):
        for b in range((depth - 2) // 6):
            p = f"stage_{stage}.{b}."
            i, stride = (inplanes, (1 if stage == 1 else 2)) if b == 0 else (planes, 1)
            if org:
                k1, k2 = state[p + "conv_a.weight"], state[p + "conv_b.weight"]
            else:
                k1 = original_kernel(state[p + "code"], state[p + "CSG.weight"], i, planes, s)
                k2 = original_kernel(state[p + "code2"], state[p + "CSG.weight"], planes, planes, s)
            y = F.relu(bn(state, p + "bn_a", F.conv2d(out, k1, padding=1, stride=stride), training))
            y = bn(state, p + "bn_b", F.conv2d(y, k2, padding=1), training)
            if stride != 1 or i != planes:
                shortcut = F.avg_pool2d(out, 1, 2)
                shortcut = torch.cat([shortcut, shortcut * 0], 1)
            else:
                shortcut = out
            out = F.relu(shortcut + y)
        inplanes = planes
    out = F.avg_pool2d(out, 8).flatten(1)
    return F.linear(out, state["classifier.weight"], state["classifier.bias"])


def densenet_state(nblocks=2, k=12, s=S12, code_size=72, seed=0):
    gen = torch.Generator().manual_seed(seed)
    state = {"conv1.weight": torch.randn(2 * k, 3, 3, 3, generator=gen) * 0.3}
    weight = torch.randn(math.prod(s), code_size, generator=gen) * 0.05
    state["CSG.weight"] = weight
    c = 2 * k
    for d in (1, 2, 3):
        for j in range(nblocks):
            p = f"dense{d}.{j}."
            state[p + "code2"] = torch.randn(n_slices(4 * k, k, s), code_size, generator=gen)
            state[p + "CSG.weight"] = weight.clone()
            add_bn(state, p + "bn1", c, gen)
            state[p + "conv1.weight"] = torch.randn(4 * k, c, 1, 1, generator=gen) * 0.2
            add_bn(state, p + "bn2", 4 * k, gen)
            c += k
        add_bn(state, f"trans{d}.bn", c, gen)
        if d < 3:
            state[f"trans{d}.conv.weight"] = torch.randn(c // 2, c, 1, 1, generator=gen) * 0.2
            c //= 2
    state["linear.weight"] = torch.randn(10, c, generator=gen) * 0.1
    state["linear.bias"] = torch.randn(10, generator=gen) * 0.1
    return state


def densenet_forward(state, x, training, nblocks=2, k=12, s=S12):
    out = F.conv2d(x, state["conv1.weight"], padding=1)
    for d in (1, 2, 3):
        for j in range(nblocks):
            p = f"dense{d}.{j}."
            y = F.conv2d(F.relu(bn(state, p + "bn1", out, training)), state[p + "conv1.weight"])
            kernel = original_kernel(state[p + "code2"], state[p + "CSG.weight"], 4 * k, k, s)
            y = F.conv2d(F.relu(bn(state, p + "bn2", y, training)), kernel, padding=1)
            out = torch.cat([y, out], 1)
        out = F.relu(bn(state, f"trans{d}.bn", out, training))
        if d < 3:
            out = F.avg_pool2d(F.conv2d(out, state[f"trans{d}.conv.weight"]), 2)
        else:
            out = F.avg_pool2d(out, 8)
    return F.linear(out.flatten(1), state["linear.weight"], state["linear.bias"])


def check_eval_and_train(net, state, reference):
    net.load_state_dict(state, strict=True)
    x = torch.randn(4, 3, 32, 32, generator=torch.Generator().manual_seed(1))
    net.eval()
    with torch.no_grad():
        assert_close_scaled(net(x), reference({k: v.clone() for k, v in state.items()}, x, False))
    net.train()
    ref_state = {k: v.clone() for k, v in state.items()}
    with torch.no_grad():
        assert_close_scaled(net(x), reference(ref_state, x, True))
    ours = net.state_dict()
    for key in ref_state:
        if key.endswith(("running_mean", "running_var")):
            assert_close_scaled(ours[key], ref_state[key], msg=key)


@pytest.mark.parametrize("batched", [True, False])
def test_original_resnet20_state_dict_loads_strictly_and_matches(batched):
    net = cifar_resnet.resnet20()
    net.batched_generation = batched
    check_eval_and_train(net, resnet_state(20), lambda st, x, t: resnet_forward(st, x, 20, t))


def test_original_resnet_org_state_dict_loads_strictly_and_matches():
    net = cifar_resnet.resnet20_org()
    state = resnet_state(20, org=True)
    check_eval_and_train(net, state, lambda st, x, t: resnet_forward(st, x, 20, t, org=True))


def test_original_densenet_state_dict_loads_strictly_and_matches():
    net = densenet.DenseNet(densenet.Bottleneck, 2, growth_rate=12)
    check_eval_and_train(net, densenet_state(), densenet_forward)


def test_differing_csg_copies_are_refused():
    state = resnet_state(20)
    state["stage_2.1.CSG.weight"] = state["stage_2.1.CSG.weight"] + 1
    with pytest.raises(RuntimeError, match="every copy of the shared CSG weight"):
        cifar_resnet.resnet20().load_state_dict(state, strict=True)


def test_shipped_format_converts(tmp_path):
    """``module.`` prefixes (DataParallel), the old name ``CLG`` and float16, wrapped as
    {'net', 'acc', 'epoch'}, like Pretrained_Models/RN56-1616-128-FP16."""
    state = resnet_state(20, code_size=128, s=(16, 16, 3, 3))
    shipped = {
        "module." + k.replace("CSG", "CLG"): v.half() if v.is_floating_point() else v
        for k, v in state.items()
    }
    path = tmp_path / "ckpt_resnet_csg_half.t7"
    torch.save({"net": shipped, "acc": 92.57, "epoch": 174}, path)
    loaded = load_original(path)
    assert set(loaded) == set(state)
    assert all(v.dtype != torch.float16 for v in loaded.values())
    net = cifar_resnet.resnet20(code_size=128, slice_shape=[16, 16, 3, 3])
    rounded = {k: v.half().float() if v.is_floating_point() else v for k, v in state.items()}
    net.load_state_dict(loaded, strict=True)
    for key, value in net.state_dict().items():
        assert torch.equal(value, rounded[key]), key
    check_eval_and_train(
        net, loaded, lambda st, x, t: resnet_forward(st, x, 20, t, s=(16, 16, 3, 3))
    )
    assert convert_state_dict({"module.CLG.weight": torch.ones(1)}) == {"CSG.weight": torch.ones(1)}


def test_load_csg_flat_and_wrapped_then_freezes(tmp_path, capsys):
    source = cifar_resnet.resnet20()
    state = {"module." + k: v for k, v in source.state_dict().items()}
    for payload in (state, {"net": state, "acc": 50.0, "epoch": 3}):
        path = tmp_path / "ckpt.t7"
        torch.save(payload, path)
        target = cifar_resnet.resnet56()
        assert load_csg(target, path) == 93_312
        assert torch.equal(target.CSG.weight, source.CSG.weight)
        assert not target.CSG.weight.requires_grad
        assert all(not b.CSG.weight.requires_grad for b in target.stage_3)
    assert "NO GRAD FOR: CSG.weight" in capsys.readouterr().out
    with pytest.raises(CheckpointFormatError, match="CODE_SIZE and SLICE_SHAPE must match"):
        load_csg(cifar_resnet.resnet20(code_size=128, slice_shape=[16, 16, 3, 3]), path)
    with pytest.raises(CheckpointFormatError, match="no CSG weight"):
        load_csg(cifar_resnet.resnet20(), {"net": cifar_resnet.resnet20_org().state_dict()})


def test_state_dict_roundtrip_through_weights_only_load():
    torch.manual_seed(0)
    net = densenet.DenseNet(densenet.Bottleneck, 1, growth_rate=12)
    assert_state_dict_roundtrip(
        lambda: densenet.DenseNet(densenet.Bottleneck, 1, growth_rate=12),
        net,
        torch.randn(2, 3, 32, 32),
    )
