"""SEDNet variants: parameter counts of the spec table, original state_dicts loading strictly and
giving the outputs of an independent functional reference of the original forward pass."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from phc.layers import remap_legacy_keys
from phc.sed.models import (
    ARCHITECTURES,
    Full_PHMSednet_augmented,
    PHMSednet_augmented,
    QSednet_augmented,
    Sednet_augmented,
    Seldnet_augmented,
    Seldnet_vanilla,
    build_sednet,
    canonical_architecture,
)
from phc.sed.models import count_parameters as cnn_parameters
from torch import nn

from paramlab.testing import assert_close_scaled, assert_forward_pure, count_parameters

# Spec §7.3, measured on the original: total parameters for 4 / 8 / 16 input channels.
SPEC_COUNTS = {
    "sednet_augmented": (8_555_626, 8_557_930, 8_562_538),
    "qsednet": (7_392_682, 7_393_258, 7_394_410),
    "phmsednet_n2": (7_780_362, 7_781_514, 7_783_818),
    "phmsednet_n4": (7_392_938, 7_393_514, 7_394_666),
    "phmsednet_n8": (None, 7_201_194, 7_201_770),
    "phmsednet_n16": (None, None, 7_118_762),
    "full_phmsednet_n4": (5_427_050, 5_427_626, 5_428_778),
    "sednet_vanilla": (3_378_218, 3_380_522, 3_385_130),
}
SPEC_CNN = {
    ("sednet_augmented", 4): 1_553_472,
    ("qsednet", 4): 390_528,
    ("phmsednet_n2", 4): 778_208,
    ("phmsednet_n4", 4): 390_784,
    ("phmsednet_n8", 8): 199_040,
    ("phmsednet_n16", 16): 116_608,
    ("full_phmsednet_n4", 4): 390_784,
}
GRU_PARAMS, HEAD_PARAMS, FULL_PHM_HEAD = 4_334_592, 2_667_562, 701_674


def _meta_model(architecture, channels):
    with torch.device("meta"):
        return build_sednet(architecture, 4800, input_channels=channels)


@pytest.mark.parametrize("architecture", sorted(SPEC_COUNTS))
def test_parameter_counts_equal_spec(architecture):
    for channels, expected in zip((4, 8, 16), SPEC_COUNTS[architecture], strict=True):
        if expected is None:
            with pytest.raises(ValueError, match="divisible"):
                _meta_model(architecture, channels)
            continue
        model = _meta_model(architecture, channels)
        assert count_parameters(model) == expected, (architecture, channels)
        if architecture != "sednet_vanilla":
            assert count_parameters(model.rnn) == GRU_PARAMS
            head = FULL_PHM_HEAD if architecture.startswith("full") else HEAD_PARAMS
            assert count_parameters(model.sed) == head
        if (architecture, channels) in SPEC_CNN:
            assert cnn_parameters(model) == SPEC_CNN[architecture, channels]


def test_names_and_aliases():
    assert Sednet_augmented is Seldnet_augmented
    assert canonical_architecture("seldnet_augmented") == "sednet_augmented"
    assert canonical_architecture("phmseldnet_n8") == "phmsednet_n8"
    assert canonical_architecture("qseldnet") == "qsednet"
    assert set(ARCHITECTURES) == set(SPEC_COUNTS)
    with pytest.raises(ValueError, match="must be one of"):
        canonical_architecture("seldnet_huge")
    assert isinstance(
        build_sednet("seldnet_augmented", 16, input_channels=4, **SMALL), Seldnet_augmented
    )


# A small configuration keeping the original's hard-coded GRU input of 1024:
# 16 frequency bins pooled by 2·2 -> 4 rows × 256 filters.
SMALL = {
    "freq_dim": 16,
    "pool_size": [[2, 2], [2, 2], [1, 1], [1, 1]],
    "cnn_filters": [16, 16, 32, 256],
    "rnn_size": 8,
    "n_rnn": 2,
    "fc_size": 16,
}


def original_kron(A, F_):
    """The original's broadcast-then-sum Σ_i A_i ⊗ F_i."""
    n, o, i = F_.shape[:3]
    k = F_.shape[3:]
    ones = (1,) * len(k)
    product = A.reshape(n, n, 1, n, 1, *ones) * F_.reshape(n, 1, o, 1, i, *k)
    return product.reshape(n, n * o, n * i, *k).sum(0)


def original_hamilton(r, i, j, k):
    rows = [[r, -i, -j, -k], [i, r, -k, j], [j, k, r, -i], [k, -j, i, r]]
    return torch.cat([torch.cat(row, dim=1) for row in rows], dim=0)


def original_state_dict(kind, channels, n=4, seed=0):
    """Random tensors under the original's keys and shapes (spec §8)."""
    g = torch.Generator().manual_seed(seed)
    state = {}

    def rand(*shape, scale=0.3):
        return torch.randn(*shape, generator=g) * scale

    in_chans = channels
    for b, out in enumerate(SMALL["cnn_filters"]):
        p = f"cnn.{b}.0."
        if kind == "real":
            state[p + "weight"] = rand(out, in_chans, 3, 3)
            state[p + "bias"] = rand(out)
        elif kind == "quaternion":
            for part in "rijk":
                state[p + f"{part}_weight"] = rand(out // 4, in_chans // 4, 3, 3)
            state[p + "bias"] = rand(out)
        else:
            state[p + "bias"] = rand(out)
            state[p + "A"] = rand(n, n, n)
            state[p + "F"] = rand(n, out // n, in_chans // n, 3, 3)
        q = f"cnn.{b}.1."
        state[q + "weight"] = 1 + rand(out, scale=0.1)
        state[q + "bias"] = rand(out, scale=0.1)
        state[q + "running_mean"] = rand(out, scale=0.1)
        state[q + "running_var"] = 1 + rand(out, scale=0.1).abs()
        state[q + "num_batches_tracked"] = torch.tensor(7)
        in_chans = out
    hidden = SMALL["rnn_size"]
    for layer in range(SMALL["n_rnn"]):
        size = 1024 if layer == 0 else 2 * hidden
        for suffix in ("", "_reverse"):
            state[f"rnn.weight_ih_l{layer}{suffix}"] = rand(3 * hidden, size, scale=0.05)
            state[f"rnn.weight_hh_l{layer}{suffix}"] = rand(3 * hidden, hidden)
            state[f"rnn.bias_ih_l{layer}{suffix}"] = rand(3 * hidden)
            state[f"rnn.bias_hh_l{layer}{suffix}"] = rand(3 * hidden)
    fc = SMALL["fc_size"]
    for index, (i, o) in zip((0, 2, 4), ((2 * hidden, fc), (fc, fc), (fc, fc)), strict=True):
        if kind == "full":
            state[f"sed.{index}.bias"] = rand(o)
            state[f"sed.{index}.A"] = rand(n, n, n)
            state[f"sed.{index}.S"] = rand(n, o // n, i // n)
        else:
            state[f"sed.{index}.weight"] = rand(o, i)
            state[f"sed.{index}.bias"] = rand(o)
    state["sed.7.weight"] = rand(42, fc)
    state["sed.7.bias"] = rand(42)
    return state


def reference_forward(state, kind, x, time_pooled):
    """The original forward written with functional ops from the state_dict alone."""
    h = x
    for b, pool in enumerate(SMALL["pool_size"]):
        p = f"cnn.{b}.0."
        if kind == "real":
            h = F.conv2d(h, state[p + "weight"], state[p + "bias"], padding=1)
        elif kind == "quaternion":
            weight = original_hamilton(*(state[p + f"{c}_weight"] for c in "rijk"))
            h = F.conv2d(h, weight, state[p + "bias"], padding=1)
        else:  # PHC: the bias is not added
            h = F.conv2d(h, original_kron(state[p + "A"], state[p + "F"]), None, padding=1)
        q = f"cnn.{b}.1."
        h = F.batch_norm(
            h,
            state[q + "running_mean"],
            state[q + "running_var"],
            state[q + "weight"],
            state[q + "bias"],
            training=False,
            eps=1e-5,
        )
        h = F.max_pool2d(F.relu(h), pool)
    h = h.permute(0, 3, 1, 2).reshape(x.shape[0], time_pooled, -1)
    gru = nn.GRU(1024, SMALL["rnn_size"], SMALL["n_rnn"], batch_first=True, bidirectional=True)
    gru.load_state_dict({k[4:]: v for k, v in state.items() if k.startswith("rnn.")})
    h, _ = gru(h)
    for index in (0, 2, 4):
        if kind == "full":
            weight = original_kron(state[f"sed.{index}.A"], state[f"sed.{index}.S"])
        else:
            weight = state[f"sed.{index}.weight"]
        h = F.relu(F.linear(h, weight, state[f"sed.{index}.bias"]))
    return torch.sigmoid(F.linear(h, state["sed.7.weight"], state["sed.7.bias"]))


@pytest.mark.parametrize(
    ("cls", "kind", "channels", "n"),
    [
        (Sednet_augmented, "real", 4, None),
        (QSednet_augmented, "quaternion", 8, None),
        (PHMSednet_augmented, "phc", 4, 4),
        (PHMSednet_augmented, "phc", 8, 8),
        (PHMSednet_augmented, "phc", 16, 16),
        (PHMSednet_augmented, "phc", 8, 2),
        (Full_PHMSednet_augmented, "full", 16, 4),
    ],
)
def test_original_state_dict_loads_strictly_and_matches(cls, kind, channels, n):
    time_dim = 12
    kwargs = {"n": n} if n else {}
    model = cls(time_dim, input_channels=channels, **SMALL, **kwargs).eval()
    state = original_state_dict(kind, channels, n=n or 4)
    assert list(model.state_dict()) == list(state)
    model.load_state_dict(state, strict=True)
    x = torch.randn(2, channels, 16, time_dim, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        out = model(x)
        expected = reference_forward(state, kind, x, time_dim // 4)
    assert out.shape == (2, time_dim // 4, 42)
    assert_close_scaled(out, expected, rtol=1e-5)


def test_legacy_phm_keys_remap_into_sednet():
    model = Full_PHMSednet_augmented(8, input_channels=4, n=4, **SMALL)
    state = original_state_dict("full", 4)
    legacy = {
        k.replace(".A", ".a").replace(".F", ".s").replace(".S", ".s"): v for k, v in state.items()
    }
    model.load_state_dict(remap_legacy_keys(legacy, model), strict=True)


def test_training_mode_forward_is_pure_and_double_works():
    model = build_sednet("phmsednet_n4", 8, input_channels=4, **SMALL)
    x = torch.randn(1, 4, 16, 8)
    assert_forward_pure(model, x)
    model.double().eval()
    assert model(x.double()).dtype == torch.float64


def test_default_shapes_one_prediction_per_eight_frames():
    model = build_sednet("phmsednet_n4", 16, input_channels=4, cnn_filters=[8, 16, 32, 512])
    x = torch.zeros(1, 4, 256, 16)
    assert model.eval()(x).shape == (1, 2, 42)


def test_vanilla_crashes_with_cli_rnn_size_and_runs_with_its_own():
    model = Seldnet_vanilla(16, input_channels=4, pool_time=True)
    assert model.eval()(torch.zeros(1, 4, 256, 16)).shape == (1, 2, 42)
    broken = Seldnet_vanilla(16, input_channels=4, pool_time=True, rnn_size=256)
    with pytest.raises(RuntimeError):
        broken(torch.zeros(1, 4, 256, 16))


def test_quaternion_init_follows_numpy_global_seed():
    np.random.seed(3)
    first = QSednet_augmented(8, input_channels=4, **SMALL).state_dict()
    np.random.seed(3)
    second = QSednet_augmented(8, input_channels=4, **SMALL).state_dict()
    assert all(torch.equal(first[k], second[k]) for k in first if "cnn" in k)
