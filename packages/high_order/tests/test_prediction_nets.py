"""modules.py's mixins (spec §8): ClassificationNet and RegressionNet are assembled from
ClassificationMixin / RegressionMixin and PredictionNetMixin, as in the original."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from high_order_layers_torch.adahessian import Adahessian
from high_order_layers_torch.modules import (
    ClassificationMixin,
    ClassificationNet,
    PredictionNetMixin,
    RegressionMixin,
    RegressionNet,
)
from omegaconf import OmegaConf


def _config(optimizer="adam"):
    return OmegaConf.create(
        {
            "net": {
                "model_type": "high_order",
                "layer_type": "continuous",
                "normalize": False,
                "n": 2,
                "n_in": 2,
                "n_out": None,
                "input": {"width": 4, "segments": 2},
                "hidden": {"width": 3, "layers": 1, "segments": 2},
                "output": {"width": 5, "segments": 2},
            },
            "data": {"classes": 5},
            "optimizer": {
                "name": optimizer,
                "lr": 1e-3,
                "patience": 5,
                "factor": 0.1,
                "gamma": 0.9,
                "scheduler": "plateau",
            },
        }
    )


def test_nets_are_built_from_the_mixins():
    assert issubclass(ClassificationNet, ClassificationMixin)
    assert issubclass(ClassificationNet, PredictionNetMixin)
    assert issubclass(RegressionNet, RegressionMixin) and issubclass(
        RegressionNet, PredictionNetMixin
    )
    net = ClassificationNet(_config())
    # the torchmetrics Accuracy adds no state_dict entries: only the model's
    assert all(key.startswith("model.") for key in net.state_dict())


def test_steps_compute_the_losses():
    torch.manual_seed(0)
    x = torch.rand(6, 4) * 2 - 1
    labels = torch.randint(0, 5, (6, 1))
    classifier = ClassificationNet(_config())
    expected = F.cross_entropy(classifier.model(x), labels.flatten())
    torch.testing.assert_close(classifier.training_step((x, labels), 0), expected)
    regressor = RegressionNet(_config())
    targets = torch.rand(6, 5)
    expected = F.mse_loss(regressor.model(x).flatten(), targets.flatten())
    torch.testing.assert_close(regressor.validation_step((x, targets), 0), expected)


@pytest.mark.parametrize("name", ["adam", "lion", "adahessian"])
def test_optimizers_from_the_config(name):
    chosen = ClassificationNet(_config(name)).configure_optimizers()
    if name == "adahessian":
        assert isinstance(chosen, Adahessian)
    else:
        optimizers, schedulers = chosen
        assert schedulers[0]["monitor"] == "train_loss"
        assert type(optimizers[0]).__name__ == {"adam": "Adam", "lion": "Lion"}[name]
