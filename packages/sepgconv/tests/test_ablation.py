"""The parameterizations registered for ``paramlab ablate``."""

import torch
from ck_g_cnn.ablation import parameterizations

from paramlab.ablation.backbone import ResNetBackbone


def test_backbone_runs_and_group_convs_are_equivariant():
    methods = {method.name: method for method in parameterizations()}
    assert set(methods) == {"ckgconv-separable", "ckgconv-nonseparable"}
    torch.manual_seed(0)
    model = ResNetBackbone(methods["ckgconv-separable"], depth=8, width=4).eval()
    x = torch.randn(2, 1, 16, 16)
    with torch.no_grad():
        logits = model(x)
    assert logits.shape == (2, 10) and torch.isfinite(logits).all()
    # a group-feature conv commutes with rotating the plane and shifting the group axis
    conv = methods["ckgconv-nonseparable"].conv(4, 4, 3, 1, 1, False)
    features = torch.randn(1, 4, 4, 8, 8)
    with torch.no_grad():
        rotated = conv(torch.rot90(torch.roll(features, -1, dims=2), 1, (-2, -1)))
        expected = torch.rot90(torch.roll(conv(features), -1, dims=2), 1, (-2, -1))
    assert torch.allclose(rotated, expected, atol=1e-5)
