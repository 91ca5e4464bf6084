"""``GetModel``: the image-classification model table (21 names), as ``GetModel.py`` of the
original, with its two broken entries working (``phcresnet18``, ``phcresnet18large``) and every
model honouring ``num_classes`` (the original ignores it for the non-Large models, which then
crash on CIFAR100; with 10 classes the models are identical).

PHC models take ``channels = 4 if quat_data else 3``; quaternion models always 4; real models 3.
"""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

from phc.models import phcresnet, phcvgg, qresnet, qvgg, resnet, small_resnets, vgg

__all__ = ["LEGACY_MODEL_NAMES", "MODEL_NAMES", "GetModel", "model_flavour"]


def _table(
    fix_152_block: bool, layer_kwargs: dict
) -> dict[str, Callable[[bool, int, int], nn.Module]]:
    kw = layer_kwargs

    def ch(quat_data: bool) -> int:
        return 4 if quat_data else 3

    return {
        "resnet18": lambda q, n, nc: resnet.ResNet18(nc),
        "qresnet18": lambda q, n, nc: qresnet.QResNet18(4, nc),
        "phcresnet18": lambda q, n, nc: phcresnet.PHCResNet18(ch(q), n, nc, **kw),
        "resnet50": lambda q, n, nc: resnet.ResNet50(nc),
        "qresnet50": lambda q, n, nc: qresnet.QResNet50(4, nc),
        "phcresnet50": lambda q, n, nc: phcresnet.PHCResNet50(ch(q), n, nc, **kw),
        "resnet18large": lambda q, n, nc: resnet.ResNet18Large(nc),
        "qresnet18large": lambda q, n, nc: qresnet.QResNet18Large(4, nc),
        "phcresnet18large": lambda q, n, nc: phcresnet.PHCResNet18Large(ch(q), n, nc, **kw),
        "resnet50large": lambda q, n, nc: resnet.ResNet50Large(nc),
        "qresnet50large": lambda q, n, nc: qresnet.QResNet50Large(4, nc),
        "phcresnet50large": lambda q, n, nc: phcresnet.PHCResNet50Large(ch(q), n, nc, **kw),
        "resnet152large": lambda q, n, nc: resnet.ResNet152Large(nc, fix_152_block),
        "qresnet152large": lambda q, n, nc: qresnet.QResNet152Large(4, nc, fix_152_block),
        "phcresnet152large": lambda q, n, nc: phcresnet.PHCResNet152Large(ch(q), n, nc, **kw),
        "vgg16": lambda q, n, nc: vgg.vgg16_bn(3, nc),
        "qvgg16": lambda q, n, nc: qvgg.qvgg16_bn(4, nc),
        "phcvgg16": lambda q, n, nc: phcvgg.phcvgg16_bn(ch(q), n, nc, **kw),
        "vgg19large": lambda q, n, nc: vgg.vgg19large_bn(3, nc),
        "qvgg19large": lambda q, n, nc: qvgg.qvgg19large_bn(4, nc),
        "phcvgg19large": lambda q, n, nc: phcvgg.phcvgg19large_bn(ch(q), n, nc, **kw),
    }


def _legacy_table(layer_kwargs: dict) -> dict[str, Callable[[bool, int, int], nn.Module]]:
    """The small-ResNet entries that are commented out in the original's GetModel, enabled
    with the channels those lines pass (real 3, quaternion 4, PHM 4 or 3 by ``quat_data``)."""
    sr, kw = small_resnets, layer_kwargs

    def ch(quat_data: bool) -> int:
        return 4 if quat_data else 3

    return {
        "resnet20": lambda q, n, nc: sr.resnet20(3, n, nc),
        "resnet20large": lambda q, n, nc: sr.resnet20large(3, n, nc),
        "qresnet20": lambda q, n, nc: sr.qresnet20(4, n, nc),
        "qresnet20large": lambda q, n, nc: sr.qresnet20large(4, n, nc),
        "phmresnet20": lambda q, n, nc: sr.phmresnet20(ch(q), n, nc, **kw),
        "phmresnet20large": lambda q, n, nc: sr.phmresnet20large(ch(q), n, nc, **kw),
        "resnet56": lambda q, n, nc: sr.resnet56(3, n, nc),
        "qresnet56": lambda q, n, nc: sr.qresnet56(4, n, nc),
        "phmresnet56": lambda q, n, nc: sr.phmresnet56(ch(q), n, nc, **kw),
        "resnet110large": lambda q, n, nc: sr.resnet110large(3, n, nc),
        "qresnet110large": lambda q, n, nc: sr.qresnet110large(4, n, nc),
        "phmresnet110large": lambda q, n, nc: sr.phmresnet110large(ch(q), n, nc, **kw),
    }


MODEL_NAMES: tuple[str, ...] = tuple(_table(False, {}))
LEGACY_MODEL_NAMES: tuple[str, ...] = tuple(_legacy_table({}))


def model_flavour(name: str) -> str:
    """'phc', 'quaternion' or 'real' for a GetModel name."""
    if name.startswith(("phc", "phm")):
        return "phc"
    return "quaternion" if name.startswith("q") else "real"


def GetModel(
    str_model: str,
    quat_data: bool,
    n: int,
    num_classes: int = 10,
    fix_152_block: bool = False,
    **layer_kwargs,
) -> nn.Module:
    """Build the model called ``str_model`` (prints ``Model: <name>`` as the original).

    ``fix_152_block`` gives the real / quaternion ``*resnet152large`` their intended
    ``Bottleneck`` blocks; ``layer_kwargs`` (``use_bias_in_forward``, ``kron``) reach every PHC
    layer. Unknown names raise ``ValueError`` as in the original. The legacy small ResNets
    (``LEGACY_MODEL_NAMES``: ``resnet20``, ``phmresnet20``, ... — commented out in the
    original's GetModel) are also accepted and honour ``num_classes`` too.
    """
    print("Model:", str_model)
    print()
    table = {**_table(fix_152_block, layer_kwargs), **_legacy_table(layer_kwargs)}
    if str_model not in table:
        raise ValueError(
            f"Model not implemented: {str_model!r}; check allowed models: {', '.join(table)}"
        )
    return table[str_model](bool(quat_data), n, num_classes)
