"""``Implementations/Imagenet-1000/main.py``'s recipe on a tiny ImageFolder tree."""

import numpy as np
import pytest
import torch
from associative.models import imagenet_resnet
from associative.train_imagenet import build_parser, main
from PIL import Image

from paramlab.data import DatasetNotFoundError

BUILDERS = {"resnet18": imagenet_resnet.resnet18, "resnet101_org": lambda: None}


@pytest.fixture
def image_folder(tmp_path):
    rng = np.random.default_rng(0)
    for split in ("train", "val"):
        for label in ("n01", "n02"):
            folder = tmp_path / "imagenet" / split / label
            folder.mkdir(parents=True)
            for i in range(2):
                pixels = rng.integers(0, 256, (40, 48, 3)).astype(np.uint8)
                Image.fromarray(pixels).save(folder / f"{i}.png")
    return tmp_path / "imagenet"


def test_flags_and_defaults():
    args = build_parser(list(BUILDERS), "resnet101_org").parse_args([])
    assert (args.lr, args.iter, args.data_dir, args.model) == (
        0.1,
        20,
        "/path-to-imagenet-datasets/",
        "resnet101_org",
    )
    assert (args.steps, args.batch_size, args.workers) == ("30,30,30,10", 256, 32)


def test_one_step_checkpoint_results_resume_and_csg(image_folder, tmp_path, capsys):
    base = ["--model", "resnet18", "--data_dir", str(image_folder), "--workers", "0"]
    base += ["--batch_size", "4", "--steps", "1,1", "--max_steps", "1", "--seed", "0"]
    assert main(BUILDERS, "resnet101_org", base + ["--results_root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "NUMBER OF TRAINABLE PARAMETERS: 7527976" in out
    (folder,) = tmp_path.glob("results_resnet18_*")
    checkpoint = torch.load(folder / "ckpt.t7", weights_only=True)
    assert set(checkpoint) == {"net", "acc", "epoch"} and checkpoint["epoch"] == 0
    for name in ("train_acc", "train_loss", "test_acc", "test_loss"):
        assert len((folder / f"{name}.txt").read_text().split("; ")) == 2
    argv = base + ["--results_dir", str(folder), "-r", "-cl", "--max_steps", "2"]
    assert main(BUILDERS, "resnet101_org", argv) == 0
    out = capsys.readouterr().out
    assert "Epoch: 0" in out and "NO GRAD FOR: CSG.weight" in out
    assert f"NUMBER OF TRAINABLE PARAMETERS: {7_527_976 - 294_912}" in out


def test_missing_imagenet_raises(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="ImageNet-1000"):
        main(BUILDERS, "resnet101_org", ["--data_dir", str(tmp_path)])
