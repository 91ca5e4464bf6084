"""The VAE example's image sampler (spec §10.8): a Lightning callback that logs decoded latent
draws to TensorBoard after every training epoch."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch
from hydra import compose, initialize


def _config(overrides=()):
    with initialize(config_path="../config", version_base=None):
        return compose("variational_autoencoder", overrides=list(overrides))


class _Recorder:
    def __init__(self):
        self.calls = []

    def add_image(self, tag, image, global_step=None):
        self.calls.append((tag, image, global_step))


def test_sampler_logs_a_grid_of_decoded_draws():
    from examples.variational_autoencoder import ImageSampler, Net

    torch.manual_seed(0)
    net = Net(_config())
    net.train()
    norms = [m for m in net.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    before = [m.running_mean.clone() for m in norms]
    recorder = _Recorder()
    trainer = SimpleNamespace(logger=SimpleNamespace(experiment=recorder), global_step=7)

    torch.manual_seed(1)
    ImageSampler().on_train_epoch_end(trainer, net)

    assert len(recorder.calls) == 1
    tag, image, step = recorder.calls[0]
    assert tag == "img" and step == 7
    # five 3×32×32 images side by side, 2-pixel borders: 3 × (32 + 4) × (5·34 + 2)
    assert image.shape == (3, 36, 172)
    assert image.min() >= 0 and image.max() <= 1
    torch.manual_seed(1)
    net.eval()
    with torch.no_grad():
        z = torch.randn(5, net.model.latent_dim)
        decoded = net.model.decode(z)
    expected = (decoded[2] * 0.5 + 0.5).clamp(0, 1)  # third image: columns 2 + 2·34 …
    torch.testing.assert_close(image[:, 2:34, 70:102], expected)
    for m, mean in zip(norms, before, strict=True):
        torch.testing.assert_close(m.running_mean, mean, rtol=0, atol=0)


def test_sampler_restores_training_mode_and_skips_loggers_without_images():
    from examples.variational_autoencoder import ImageSampler, Net

    net = Net(_config())
    net.train()
    recorder = _Recorder()
    ImageSampler().on_train_epoch_end(
        SimpleNamespace(logger=SimpleNamespace(experiment=recorder), global_step=0), net
    )
    assert net.training and len(recorder.calls) == 1
    csv_like = SimpleNamespace(logger=SimpleNamespace(experiment=object()), global_step=0)
    ImageSampler().on_train_epoch_end(csv_like, net)  # nothing to write to: no error
    ImageSampler().on_train_epoch_end(SimpleNamespace(logger=None, global_step=0), net)


def test_vae_run_writes_sampled_images_to_tensorboard(tmp_path, monkeypatch):
    pytest.importorskip("tensorboard")
    from examples.variational_autoencoder import vae
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    monkeypatch.chdir(tmp_path)
    torch.manual_seed(0)
    cfg = _config(
        ["dataset=digits", "max_epochs=1", "limit_train_batches=1", "batch_size=64"]
        + ["accelerator=cpu"]
    )
    result = vae(cfg)
    assert set(result[0]) >= {"test_loss", "test_Reconstruction_Loss", "test_KLD"}
    runs = list((tmp_path / "tb_logs" / "vae").glob("version_*"))
    assert len(runs) == 1
    events = EventAccumulator(str(runs[0]), size_guidance={"images": 0})
    events.Reload()
    assert "img" in events.Tags()["images"]
    (entry,) = events.Images("img")
    assert (entry.height, entry.width, entry.step) == (36, 172, 1)
