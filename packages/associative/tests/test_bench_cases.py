"""The bench compares three forms of one network: they must compute the same function."""

import torch
from associative.bench import cases, resnet20_variants

from paramlab.testing import assert_close_scaled


def test_the_three_forms_give_the_same_outputs():
    variants = resnet20_variants()
    images = torch.randn(4, 3, 32, 32, generator=torch.Generator().manual_seed(2))
    outputs = {}
    for role, model in variants.items():
        model.eval()
        with torch.no_grad():
            outputs[role] = model(images)
    assert_close_scaled(outputs["original"], outputs["ours"], rtol=1e-6)
    assert_close_scaled(outputs["floor"], outputs["ours"], rtol=1e-6)


def test_the_floor_holds_no_generator():
    variants = resnet20_variants()
    assert getattr(variants["floor"], "CSG", None) is None
    assert variants["ours"].batched_generation and not variants["original"].batched_generation


def test_cases_cover_ours_original_and_floor():
    quick = cases(quick=True)
    assert [case.role for case in quick] == ["ours", "original", "floor"]
    assert {case.shape["batch"] for case in cases(quick=False)} == {128}
