"""The ImageNet-1000 recipe of ``Implementations/Imagenet-1000/main.py``.

SGD (momentum 0.9, weight decay 1e-4) for ``steps = [30, 30, 30, 10]`` epochs at lr, lr/10,
lr/100, lr/1000; RandomResizedCrop(224) + flip for training, Resize(256) + CenterCrop(224) for
testing. Every epoch writes ``<result folder>/ckpt.t7 = {'net', 'acc', 'epoch'}`` and appends
``"<value>; "`` to ``train_acc/train_loss/test_acc/test_loss.txt``; the result folder is
``<results_root>/results_<model>_<timestamp>`` unless ``--results_dir`` names one (needed to
resume: the original made a fresh timestamped folder every run, so it could never resume).
"""

from __future__ import annotations

import argparse
import datetime
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import torch
from PIL import ImageFile
from torch import nn, optim
from torchvision import datasets, transforms

from associative.checkpoints import load_csg, load_original
from paramlab.data import DatasetNotFoundError
from paramlab.train import load_checkpoint, save_checkpoint, seed_everything

__all__ = ["IMAGENET_MEAN", "IMAGENET_STD", "build_parser", "main"]

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]
HOW_TO_OBTAIN = (
    "register at https://image-net.org, download ILSVRC2012 and arrange train/ and val/ as "
    "ImageFolder trees (one sub-folder per class)"
)


def build_parser(models: Sequence[str], default_model: str) -> argparse.ArgumentParser:
    """The original flags (same names and defaults) plus optional ones."""
    parser = argparse.ArgumentParser(description="PyTorch IMAGENET-1000 Training")
    parser.add_argument("--lr", default=0.1, type=float, help="learning rate")
    parser.add_argument("--iter", default=20, type=float, help="unused, as in the original")
    parser.add_argument("--resume", "-r", action="store_true", help="resume from checkpoint")
    parser.add_argument("--reg_mode", "-rm", action="store_true", help="regular mode (no effect)")
    parser.add_argument(
        "--clg_mode", "-cl", action="store_true", help="load the CSG of ckpt.t7 and freeze it"
    )
    parser.add_argument(
        "--data_dir", default="/path-to-imagenet-datasets/", type=str, help="train/ and val/"
    )
    added = parser.add_argument_group("added (the defaults reproduce the original)")
    added.add_argument("--model", default=default_model, choices=list(models), help="network")
    added.add_argument("--results_root", default="/path-to-results-folder/", help="parent folder")
    added.add_argument("--results_dir", default=None, help="result folder (to resume a run)")
    added.add_argument("--steps", default="30,30,30,10", help="epochs per learning-rate step")
    added.add_argument("--batch_size", type=int, default=256)
    added.add_argument("--test_batch_size", type=int, default=100)
    added.add_argument("--workers", type=int, default=32)
    added.add_argument("--max_steps", type=int, default=None, help="stop after this many steps")
    added.add_argument("--seed", type=int, default=None, help="seed every RNG (default: no)")
    return parser


def _image_folders(data_dir: Path) -> tuple[datasets.ImageFolder, datasets.ImageFolder]:
    normalize = transforms.Normalize(mean=IMAGENET_MEAN, std=IMAGENET_STD)
    train_tf = transforms.Compose(
        [
            transforms.RandomResizedCrop(224),
            transforms.RandomHorizontalFlip(),
            transforms.ToTensor(),
            normalize,
        ]
    )
    test_tf = transforms.Compose(
        [transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(), normalize]
    )
    for split in ("train", "val"):
        if not (data_dir / split).is_dir():
            raise DatasetNotFoundError("ImageNet-1000", data_dir / split, HOW_TO_OBTAIN)
    return (
        datasets.ImageFolder(str(data_dir / "train"), train_tf),
        datasets.ImageFolder(str(data_dir / "val"), test_tf),
    )


def _result_folder(args: argparse.Namespace) -> Path:
    if args.results_dir is not None:
        return Path(args.results_dir)
    root = Path(args.results_root)
    if not root.is_dir():
        raise SystemExit(f"Error: results root {root} does not exist (pass --results_root)")
    stamp = str(datetime.datetime.today()).replace(":", "_").replace(" ", "_").replace(".", "_")
    return root / f"results_{args.model}_{stamp}"


def main(
    builders: Mapping[str, Callable[[], nn.Module]],
    default_model: str,
    argv: Sequence[str] | None = None,
) -> int:
    """Run the recipe; ``builders[name]()`` builds the network chosen by ``--model``."""
    args = build_parser(list(builders), default_model).parse_args(argv)
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    if args.seed is not None:
        seed_everything(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    steps = [int(v) for v in args.steps.split(",")]
    trainset, testset = _image_folders(Path(args.data_dir))
    folder = _result_folder(args)
    print("NETWORK>>>>>>>>>>>>>>>>", folder)
    folder.mkdir(exist_ok=True)
    trainloader = torch.utils.data.DataLoader(
        trainset, batch_size=args.batch_size, shuffle=True, num_workers=args.workers
    )
    testloader = torch.utils.data.DataLoader(
        testset, batch_size=args.test_batch_size, shuffle=False, num_workers=args.workers
    )
    print("====> REG MODE:", str(args.reg_mode))
    print("==> Building model..")
    model = builders[args.model]().to(device)
    net: nn.Module = model
    if device == "cuda":
        net = torch.nn.DataParallel(model)
        torch.backends.cudnn.benchmark = True

    start_epoch = 0
    checkpoint_path = folder / "ckpt.t7"
    if args.resume:
        print("==> Resuming from checkpoint..")
        checkpoint = load_checkpoint(checkpoint_path, map_location=device)
        model.load_state_dict(load_original(checkpoint), strict=True)
        start_epoch = checkpoint["epoch"]
        print("BEST ACC:", checkpoint["acc"])
    if args.clg_mode:
        print("==> Loading CLG from checkpoint..")
        load_csg(model, checkpoint_path)

    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=args.lr, momentum=0.9, weight_decay=1e-4)
    print(
        "NUMBER OF TRAINABLE PARAMETERS:",
        sum(p.numel() for p in net.parameters() if p.requires_grad),
    )
    for name, param in net.named_parameters():
        if param.requires_grad:
            print(name, param.data.shape, "==>>", param.numel())

    done_steps = 0

    def run_epoch(loader, training: bool) -> tuple[float, float]:
        nonlocal done_steps
        net.train(training)
        total_loss, correct, total = 0.0, 0, 0
        with torch.set_grad_enabled(training):
            for batch_idx, (inputs, targets) in enumerate(loader):
                if training and args.max_steps is not None and done_steps >= args.max_steps:
                    break
                inputs, targets = inputs.to(device), targets.to(device)
                outputs = net(inputs)
                loss = criterion(outputs, targets)
                if training:
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                    done_steps += 1
                total_loss += loss.item()
                correct += outputs.argmax(1).eq(targets).sum().item()
                total += targets.size(0)
                if batch_idx % 10 == 0:
                    print(
                        batch_idx,
                        len(loader),
                        f"Loss: {total_loss / (batch_idx + 1):.3f} | "
                        f"Acc: {100.0 * correct / total:.3f}% ({correct}/{total})",
                    )
        return 100.0 * correct / max(total, 1), total_loss / args.batch_size

    epoch = start_epoch
    for i, epochs in enumerate(steps):
        for group in optimizer.param_groups:
            if group["lr"] > 0.00001 and i != 0:
                group["lr"] = group["lr"] / 10
            print("Learning Rate:", group["lr"])
        for _ in range(epochs):
            if args.max_steps is not None and done_steps >= args.max_steps:
                break
            print(f"\nEpoch: {epoch}")
            train_acc, train_loss = run_epoch(trainloader, True)
            test_acc, test_loss = run_epoch(testloader, False)
            print("Saving..")
            state = {"net": net.state_dict(), "acc": test_acc, "epoch": epoch}
            save_checkpoint(checkpoint_path, state)
            values = {
                "train_acc": train_acc,
                "train_loss": train_loss,
                "test_acc": test_acc,
                "test_loss": test_loss,
            }
            for name, value in values.items():
                with open(folder / f"{name}.txt", "a+") as f:
                    f.write(str(value) + "; ")
            epoch += 1
    return 0
