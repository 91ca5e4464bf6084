"""Model zoo: GetModel names, exact parameter counts of spec §5.5, strict loading of
state_dicts in the original's key format and equal outputs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from phc.get_model import LEGACY_MODEL_NAMES, MODEL_NAMES, GetModel
from phc.models import phcresnet, small_resnets

from paramlab.testing import assert_close_scaled, assert_forward_pure, count_parameters

# (name, quat_data, n, num_classes) -> trainable parameters measured on the original.
SPEC_COUNTS = {
    ("resnet18", False, 4, 10): 11_173_962,
    ("qresnet18", True, 4, 10): 2_804_682,
    ("phcresnet18", True, 2, 10): 5_599_594,
    ("phcresnet18", True, 4, 10): 2_810_762,
    ("resnet50", False, 4, 10): 23_520_842,
    ("qresnet50", True, 4, 10): 5_935_562,
    ("phcresnet50", True, 2, 10): 11_824_498,
    ("phcresnet50", True, 4, 10): 5_965_514,
    ("resnet18large", False, 4, 10): 10_877_062,
    ("qresnet18large", True, 4, 10): 2_730_298,
    ("phcresnet18large", True, 2, 10): 5_450_906,
    ("phcresnet18large", False, 3, 10): 3_640_594,
    ("phcresnet18large", True, 4, 10): 2_736_258,
    ("resnet50large", False, 4, 10): 22_538_086,
    ("qresnet50large", True, 4, 10): 5_688_682,
    ("phcresnet50large", True, 2, 10): 11_331_446,
    ("phcresnet50large", False, 3, 10): 7_587_841,
    ("phcresnet50large", True, 4, 10): 5_717_766,
    ("resnet152large", False, 4, 10): 52_578_694,
    ("qresnet152large", True, 4, 10): 13_184_074,
    ("phcresnet152large", True, 2, 10): 26_648_102,
    ("phcresnet152large", False, 3, 10): 17_847_235,
    ("phcresnet152large", True, 4, 10): 13_451_334,
    ("resnet152large", False, 4, 100): 52_625_224,
    ("qresnet152large", True, 4, 100): 13_230_604,
    ("phcresnet152large", True, 2, 100): 26_833_952,
    ("phcresnet152large", False, 3, 100): 18_033_085,
    ("phcresnet152large", True, 4, 100): 13_637_184,
    ("vgg16", False, 4, 10): 15_253_578,
    ("qvgg16", True, 4, 10): 3_827_658,
    ("phcvgg16", True, 2, 10): 7_636_610,
    ("phcvgg16", True, 4, 10): 3_828_618,
    ("vgg19large", False, 4, 10): 29_806_930,
    ("qvgg19large", True, 4, 10): 7_470_478,
    ("phcvgg19large", True, 2, 10): 14_916_178,
    ("phcvgg19large", False, 3, 10): 9_952_744,
    ("phcvgg19large", True, 4, 10): 7_471_630,
    ("resnet18large", False, 4, 100): 10_923_592,
    ("phcvgg19large", True, 4, 100): 7_518_160,
}

LEGACY_COUNTS = {
    ("resnet20", 3, None): 272_474,
    ("qresnet20", 4, None): 69_818,
    ("phmresnet20", 4, 2): 138_370,
    ("phmresnet20", 4, 4): 71_946,
    ("resnet56", 3, None): 855_770,
    ("qresnet56", 4, None): 217_658,
    ("phmresnet56", 4, 4): 223_434,
    ("phmresnet20large", 3, 3): 855_073,
    ("resnet110large", 3, None): 16_714_930,
    ("qresnet110large", 4, None): 4_217_260,
    ("phmresnet110large", 4, 4): 4_235_908,
}


def test_model_table_has_the_21_original_names():
    assert len(MODEL_NAMES) == 21
    for family in ("resnet18", "resnet50", "resnet18large", "resnet50large", "resnet152large"):
        assert {family, "q" + family, "phc" + family} <= set(MODEL_NAMES)
    for family in ("vgg16", "vgg19large"):
        assert {family, "q" + family, "phc" + family} <= set(MODEL_NAMES)
    with pytest.raises(ValueError, match="Model not implemented"):
        GetModel("resnet21", False, 4)
    assert "resnet20" in LEGACY_MODEL_NAMES  # main.py's default model string


@pytest.mark.parametrize("key", sorted(SPEC_COUNTS), ids=lambda k: "-".join(map(str, k)))
def test_parameter_counts_equal_the_original(key):
    name, quat_data, n, num_classes = key
    with torch.device("meta"):
        model = GetModel(name, quat_data, n, num_classes)
    assert count_parameters(model) == SPEC_COUNTS[key]


@pytest.mark.parametrize("key", sorted(LEGACY_COUNTS, key=str), ids=lambda k: f"{k[0]}-{k[2]}")
def test_legacy_small_resnet_counts(key):
    name, channels, n = key
    with torch.device("meta"):
        model = getattr(small_resnets, name)(channels, n)
    assert count_parameters(model) == LEGACY_COUNTS[key]


def test_n3_standard_widths_raise_clear_error():
    with pytest.raises(ValueError, match="out_channels=64 must be divisible by n=3"):
        GetModel("phcresnet18", False, 3)


def test_fix_152_block_flag_switches_to_bottleneck():
    with torch.device("meta"):
        fixed = GetModel("resnet152large", False, 4, 10, fix_152_block=True)
    assert type(fixed.layer1[0]).__name__ == "Bottleneck"
    assert fixed.linear.in_features == 516 * 4


def test_example_key_shapes_of_phcresnet50large():
    with torch.device("meta"):
        state = GetModel("phcresnet50large", True, 4).state_dict()
    assert tuple(state["conv1.F"].shape) == (4, 15, 1, 3, 3)
    assert tuple(state["layer4.2.conv3.F"].shape) == (4, 516, 129, 1, 1)
    assert tuple(state["linear.weight"].shape) == (10, 2064)
    assert "layer1.0.shortcut.0.A" in state and "layer1.0.shortcut.1.running_var" in state


@pytest.mark.parametrize(
    "flavour,build,widths,blocks,channels,n,pool",
    [
        ("phc", lambda: small_resnets.phmresnet20(4, 4), (16, 32, 64), (3, 3, 3), 4, 4, "global"),
        (
            "phc",
            lambda: small_resnets.phmresnet20large(3, 3),
            (24, 72, 216),
            (3, 3, 3),
            3,
            3,
            "global",
        ),
        ("quaternion", lambda: small_resnets.qresnet20(4), (16, 32, 64), (3, 3, 3), 4, 4, "global"),
        ("real", lambda: small_resnets.resnet20(3), (16, 32, 64), (3, 3, 3), 3, 4, "global"),
        (
            "phc",
            lambda: phcresnet.PHCResNet18(4, 2),
            (64, 128, 256, 512),
            (2, 2, 2, 2),
            4,
            2,
            "fixed4",
        ),
    ],
    ids=["phmresnet20-n4", "phmresnet20large-n3", "qresnet20", "resnet20", "phcresnet18-n2"],
)
def test_original_state_dict_loads_strictly_and_gives_same_outputs(
    ref, flavour, build, widths, blocks, channels, n, pool
):
    original = ref.ResNet(flavour, widths, blocks, channels, 10, n=n, pool=pool)
    state = original.random_state_dict(seed=1)
    model = build()
    assert list(model.state_dict()) == list(state)
    model.load_state_dict(state, strict=True)
    model.eval()
    x = torch.randn(2, channels, 32, 32, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert_close_scaled(model(x), original.forward(state, x), rtol=1e-4)


def test_models_forward_shapes_and_purity():
    np.random.seed(0)
    torch.manual_seed(0)
    model = small_resnets.phmresnet20(4, 2)
    x = torch.randn(2, 4, 16, 16)
    assert model(x).shape == (2, 10)
    assert_forward_pure(model, x)
    with torch.no_grad():
        assert GetModel("qvgg16", True, 2)(torch.randn(1, 4, 32, 32)).shape == (1, 10)


def test_num_classes_honoured_everywhere():
    for name in MODEL_NAMES:
        quat = not name.startswith(("resnet", "vgg"))
        with torch.device("meta"):
            model = GetModel(name, quat, 4, 100)
        last = model.linear if hasattr(model, "linear") else model.classifier[6]
        assert last.out_features == 100, name


def _vgg_layout(config, channels, conv_keys, fc_keys, first, hidden, num_classes):
    """Key -> shape of the original VGG state_dicts, generated from the config list."""
    shapes, index, cin = {}, 0, channels
    for v in config:
        if v == "M":
            index += 1
            continue
        shapes.update({f"features.{index}.{k}": s for k, s in conv_keys(cin, v).items()})
        for name, shape in (("weight", (v,)), ("bias", (v,)), ("running_mean", (v,)),
                            ("running_var", (v,)), ("num_batches_tracked", ())):  # fmt: skip
            shapes[f"features.{index + 1}.{name}"] = shape
        index, cin = index + 3, v
    for position, (fin, fout) in ((1, (first, hidden)), (4, (hidden, hidden))):
        shapes.update({f"classifier.{position}.{k}": s for k, s in fc_keys(fin, fout).items()})
    shapes["classifier.6.weight"] = (num_classes, hidden)
    shapes["classifier.6.bias"] = (num_classes,)
    return shapes


D = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
E_LARGE = [24, 24, "M", 72, 72, "M", *[216] * 4, "M", *[648] * 4, "M", *[648] * 4, "M"]


@pytest.mark.parametrize("name", ["phcvgg16", "qvgg16", "vgg16", "phcvgg19large"])
def test_vgg_state_dict_layout_is_the_originals(name):
    n = 4
    phc_conv = lambda i, o: {"bias": (o,), "A": (n, n, n), "F": (n, o // n, i // n, 3, 3)}  # noqa: E731
    q_conv = lambda i, o: {**{f"{c}_weight": (o // 4, i // 4, 3, 3) for c in "rijk"}, "bias": (o,)}  # noqa: E731, E501
    real_conv = lambda i, o: {"weight": (o, i, 3, 3), "bias": (o,)}  # noqa: E731
    phm_fc = lambda i, o: {"bias": (o,), "A": (n, n, n), "S": (n, o // n, i // n)}  # noqa: E731
    q_fc = lambda i, o: {**{f"{c}_weight": (i // 4, o // 4) for c in "rijk"}, "bias": (o,)}  # noqa: E731
    real_fc = lambda i, o: {"weight": (o, i), "bias": (o,)}  # noqa: E731
    expected = {
        "phcvgg16": _vgg_layout(D, 4, phc_conv, phm_fc, 512, 512, 10),
        "qvgg16": _vgg_layout(D, 4, q_conv, q_fc, 512, 512, 10),
        "vgg16": _vgg_layout(D, 3, real_conv, real_fc, 512, 512, 10),
        "phcvgg19large": _vgg_layout(E_LARGE, 4, phc_conv, phm_fc, 648, 516, 10),
    }[name]
    with torch.device("meta"):
        state = GetModel(name, True, n).state_dict()
    assert {k: tuple(v.shape) for k, v in state.items()} == expected
    assert list(state) == list(expected)
