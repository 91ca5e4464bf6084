"""The original file paths stay importable and give the library's classes."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch
from phc import layers as phc_layers
from phc.get_model import GetModel
from phc.models import small_resnets

PACKAGE = Path(__file__).resolve().parents[1]


def _load(relative: str):
    path = PACKAGE / relative
    name = "phc_original_path_" + relative.replace("/", "_").replace("-", "_").removesuffix(".py")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ph_layers_module_has_the_lowercase_phm_linear():
    module = _load("layers/ph_layers.py")
    assert module.PHMLinear is phc_layers.PHMLinearLegacy
    assert module.PHConv2d is phc_layers.PHConv
    assert list(module.PHMLinear(2, 4, 4).state_dict()) == ["bias", "a", "s"]
    assert list(module.PHConv3D(2, 4, 4, 3).state_dict()) == ["bias", "A", "F"]


@pytest.mark.parametrize(
    "relative,names",
    [
        ("image-classification/hypercomplex_layers.py", ["PHConv", "PHMConv", "PHMLinear",
                                                        "QuaternionConv", "QuaternionLinear"]),
        ("image-classification/hypercomplex_ops.py", ["quaternion_init", "quaternion_conv"]),
        ("image-classification/GetModel.py", ["GetModel"]),
        ("image-classification/training.py", ["Trainer"]),
        ("image-classification/utils/readFile.py", ["readFile"]),
        ("image-classification/utils/dataloaders.py", ["CIFAR10_dataloader", "SVHN_dataloader"]),
        ("image-classification/models/phc/phcresnet.py", ["PHCResNet18Large", "PHCResNet50"]),
        ("image-classification/models/phc/phcvgg.py", ["phcvgg16_bn", "phcvgg19large_bn"]),
        ("image-classification/models/quat/qresnet.py", ["QResNet152Large"]),
        ("image-classification/models/quat/qvgg.py", ["qvgg16_bn"]),
        ("image-classification/models/real/resnet.py", ["ResNet18", "ResNet152Large"]),
        ("image-classification/models/real/vgg.py", ["vgg16_bn", "vgg19large_bn"]),
        ("image-classification/models/small-resnets/phmresnet.py", ["phmresnet20", "PHMResNet"]),
        ("image-classification/models/small-resnets/qresnet.py", ["qresnet20", "QResNet"]),
        ("image-classification/models/small-resnets/resnet.py", ["resnet20", "ResNet"]),
    ],
)  # fmt: skip
def test_original_modules_export_their_names(relative, names):
    module = _load(relative)
    for name in names:
        assert hasattr(module, name), name


def test_models_run_in_float64():
    torch.manual_seed(0)
    model = small_resnets.phmresnet20(4, 2).double().eval()
    with torch.no_grad():
        out = model(torch.randn(2, 4, 8, 8))  # float32 input, cast by the PHC stem
    assert out.dtype == torch.float64 and out.shape == (2, 10)
    with torch.device("meta"):
        assert type(GetModel("resnet20", False, 4)).__name__ == "SmallResNet"
