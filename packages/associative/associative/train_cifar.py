"""The CIFAR-10 recipe of ``Implementations/CIFAR10/main.py``.

Three phases of SGD (momentum 0.9, weight decay 5e-4); phase i runs ``max(int(iter) // 2**i,
min_epochs)`` epochs (``min_epochs`` = 50 in the original) and phases 1 and 2 start with the
learning rate divided by 10 (only while it is above 1e-5). Every epoch trains, tests, appends
``"<value>; "`` to ``./results/{train_acc,train_loss,test_acc,test_loss,train_time,test_time}.txt``
and writes ``./checkpoint/ckpt.t7 = {'net', 'acc', 'epoch'}`` when the test accuracy improves.
Paths are relative to the working directory, as in the original.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import torch
from torch import nn, optim

from associative.checkpoints import load_csg, load_original
from associative.cifar import load_datasets
from associative.utils import progress_bar
from paramlab.train import load_checkpoint, save_checkpoint, seed_everything

__all__ = ["RESULT_FILES", "build_parser", "default_builders", "main", "phase_epochs"]

RESULT_FILES = ("train_acc", "train_loss", "test_acc", "test_loss", "train_time", "test_time")
CHECKPOINT = Path("checkpoint") / "ckpt.t7"
RESULTS = Path("results")


def phase_epochs(iters: float, min_epochs: int = 50) -> list[int]:
    """Epochs of the three phases: ``max(int(iters) // 2**i, min_epochs)`` for i = 0, 1, 2."""
    return [max(int(iters) // 2**i, min_epochs) for i in range(3)]


def _slice_shape(text: str) -> list[int]:
    try:
        shape = [int(v) for v in text.replace("x", ",").split(",")]
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not four integers like 12,12,3,3") from error
    if len(shape) != 4:
        raise argparse.ArgumentTypeError(f"{text!r} must have four integers like 12,12,3,3")
    return shape


def build_parser(models: Sequence[str], default_model: str) -> argparse.ArgumentParser:
    """The original flags (same names and defaults) plus optional ones that default to the
    original behaviour."""
    parser = argparse.ArgumentParser(description="Training of CIFAR-10 using CSG augmented CNNs")
    parser.add_argument("--lr", default=0.05, type=float, help="learning rate")
    parser.add_argument(
        "--iter", default=100, type=float, help="epochs of the first phase (halved per phase)"
    )
    parser.add_argument("--resume", "-r", action="store_true", help="resume from checkpoint")
    parser.add_argument(
        "--csg_mode", "-cl", action="store_true", help="load a pre-trained CSG and freeze it"
    )
    parser.add_argument("--reg_mode", "-rm", action="store_true", help="regular mode (no effect)")
    added = parser.add_argument_group("added (the defaults reproduce the original)")
    added.add_argument("--model", default=default_model, choices=list(models), help="network")
    added.add_argument("--code_size", type=int, default=None, help="CODE_SIZE override")
    added.add_argument(
        "--slice_shape",
        type=_slice_shape,
        default=None,
        help="SLICE_SHAPE override, e.g. 16,16,3,3",
    )
    added.add_argument("--growth_rate", type=int, default=None, help="DenseNet growth rate")
    added.add_argument("--batch_size", type=int, default=128, help="train batch size")
    added.add_argument("--test_batch_size", type=int, default=100, help="test batch size")
    added.add_argument("--workers", type=int, default=2, help="data loader workers")
    added.add_argument(
        "--dataset", default="cifar10", choices=["cifar10", "digits"], help="digits: embedded"
    )
    added.add_argument("--data_root", default=None, help="data root (else $PARAMLAB_DATA)")
    added.add_argument(
        "--min_epochs", type=int, default=50, help="least epochs per phase (original: 50)"
    )
    added.add_argument(
        "--max_steps", type=int, default=None, help="stop after this many optimizer steps"
    )
    added.add_argument("--seed", type=int, default=None, help="seed every RNG (default: no)")
    added.add_argument(
        "--csg_checkpoint",
        default=str(CHECKPOINT),
        help="checkpoint -cl reads the CSG from (flat or {'net': ...}; module./CLG/fp16 handled)",
    )
    return parser


def _count_trainable(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters() if p.requires_grad)


def _append_results(values: Mapping[str, float]) -> None:
    for name, value in values.items():
        with open(RESULTS / f"{name}.txt", "a+") as f:
            f.write(str(value) + "; ")


def main(
    builders: Mapping[str, Callable[[argparse.Namespace], nn.Module]],
    default_model: str,
    argv: Sequence[str] | None = None,
) -> int:
    """Run the recipe; ``builders[name](args)`` builds the network chosen by ``--model``."""
    args = build_parser(list(builders), default_model).parse_args(argv)
    if args.seed is not None:
        seed_everything(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    best_acc, start_epoch = 0.0, 0

    print("-----> PRE-PROCESSING THE DATA")
    trainset, testset = load_datasets(args.dataset, args.data_root)
    trainloader = torch.utils.data.DataLoader(
        trainset, batch_size=args.batch_size, shuffle=True, num_workers=args.workers
    )
    testloader = torch.utils.data.DataLoader(
        testset, batch_size=args.test_batch_size, shuffle=False, num_workers=args.workers
    )
    print("-----> REG MODE:", str(args.reg_mode))

    print("-----> MODEL INITIALIZATION")
    model = builders[args.model](args).to(device)
    net: nn.Module = model
    if device == "cuda":
        net = torch.nn.DataParallel(model)
        torch.backends.cudnn.benchmark = True

    if args.resume:
        print("==> Resuming from checkpoint..")
        if not CHECKPOINT.is_file():
            raise SystemExit(f"Error: no checkpoint found at {CHECKPOINT} (nothing to resume)")
        checkpoint = load_checkpoint(CHECKPOINT, map_location=device)
        model.load_state_dict(load_original(checkpoint), strict=True)
        best_acc = checkpoint["acc"]
        start_epoch = checkpoint["epoch"]
        print("BEST ACC:", best_acc)

    if args.csg_mode:
        print("==> Loading CSG from checkpoint..")
        if not Path(args.csg_checkpoint).is_file():
            raise SystemExit(f"Error: no checkpoint with a CSG found at {args.csg_checkpoint}")
        load_csg(model, args.csg_checkpoint)

    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4)
    print("NUMBER OF TRAINABLE PARAMETERS:", _count_trainable(net))
    for name, param in net.named_parameters():
        if param.requires_grad:
            print(name, param.data.shape, "==>>", param.numel())

    RESULTS.mkdir(exist_ok=True)
    if not args.resume:
        for path in RESULTS.iterdir():
            if path.is_file():
                path.unlink()

    steps = 0

    def out_of_steps() -> bool:
        return args.max_steps is not None and steps >= args.max_steps

    def train(epoch: int) -> tuple[float, float, float]:
        nonlocal steps
        t_0 = time.time()
        print(f"\nEpoch: {epoch}")
        net.train()
        train_loss, correct, total = 0.0, 0, 0
        for batch_idx, (inputs, targets) in enumerate(trainloader):
            if out_of_steps():
                break
            inputs, targets = inputs.to(device), targets.to(device)
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = criterion(outputs, targets)
            loss.backward()
            optimizer.step()
            steps += 1
            train_loss += loss.item()
            correct += outputs.argmax(1).eq(targets).sum().item()
            total += targets.size(0)
            last = len(trainloader) - 1 if out_of_steps() else batch_idx  # close a cut-short bar
            progress_bar(
                last,
                len(trainloader),
                f"Loss: {train_loss / (batch_idx + 1):.3f} | Acc: {100.0 * correct / total:.3f}%"
                f" ({correct}/{total})",
            )
        return 100.0 * correct / max(total, 1), train_loss / args.batch_size, time.time() - t_0

    def test(epoch: int) -> tuple[float, float, float]:
        nonlocal best_acc
        t_0 = time.time()
        net.eval()
        test_loss, correct, total = 0.0, 0, 0
        with torch.no_grad():
            for batch_idx, (inputs, targets) in enumerate(testloader):
                inputs, targets = inputs.to(device), targets.to(device)
                outputs = net(inputs)
                test_loss += criterion(outputs, targets).item()
                correct += outputs.argmax(1).eq(targets).sum().item()
                total += targets.size(0)
                progress_bar(
                    batch_idx,
                    len(testloader),
                    f"Loss: {test_loss / (batch_idx + 1):.3f} | "
                    f"Acc: {100.0 * correct / total:.3f}% ({correct}/{total})",
                )
        acc = 100.0 * correct / total
        if acc > best_acc:
            print("Saving..")
            save_checkpoint(CHECKPOINT, {"net": net.state_dict(), "acc": acc, "epoch": epoch})
            best_acc = acc
        return acc, test_loss / args.batch_size, time.time() - t_0

    epoch = start_epoch
    for phase, epochs in enumerate(phase_epochs(args.iter, args.min_epochs)):
        for group in optimizer.param_groups:
            if group["lr"] > 0.00001 and phase != 0:
                group["lr"] = group["lr"] / 10
            print("Learning Rate:", group["lr"])
        for _ in range(epochs):
            if out_of_steps():
                break
            train_acc, train_loss, train_time = train(epoch)
            test_acc, test_loss, test_time = test(epoch)
            values = (train_acc, train_loss, test_acc, test_loss, train_time, test_time)
            _append_results(dict(zip(RESULT_FILES, values, strict=True)))
            epoch += 1
    print(f"BEST TEST ACC: {best_acc}")
    return 0


def default_builders(modules: Mapping[str, object]) -> dict[str, Callable]:
    """``--model`` name -> builder(args) over the given model modules (the original file names:
    ``resnet``, ``densenet``, ``densenet_bcsg``, ``mobilenetv2``, ``mobilenetv2_bcsg``,
    ``shufflenetv2``, ``shufflenetv2_bcsg``; optionally the baselines ``resnet_sep``,
    ``resnet_crelu``, ``densenet_crelu``, ``densenet_sep``), so their module-level constants
    apply."""

    def csg(args) -> dict:
        kwargs = {}
        if args.code_size is not None:
            kwargs["code_size"] = args.code_size
        if args.slice_shape is not None:
            kwargs["slice_shape"] = args.slice_shape
        return kwargs

    def dense(args) -> dict:
        return {} if args.growth_rate is None else {"growth_rate": args.growth_rate}

    resnet, densenet = modules["resnet"], modules["densenet"]
    builders: dict[str, Callable] = {
        "densenet_cifar": lambda a: densenet.densenet_cifar(a.reg_mode, **dense(a), **csg(a)),
        "densenet_cifar_org": lambda a: densenet.densenet_cifar_org(a.reg_mode, **dense(a)),
        "densenet_cifar_bcsg": lambda a: modules["densenet_bcsg"].densenet_cifar(
            a.reg_mode, **dense(a), **csg(a)
        ),
    }
    for depth in (20, 32, 44, 56, 110):
        builders[f"resnet{depth}"] = lambda a, d=depth: getattr(resnet, f"resnet{d}")(**csg(a))
        builders[f"resnet{depth}_org"] = lambda a, d=depth: getattr(resnet, f"resnet{d}_org")()
    for name in ("mobilenetv2", "mobilenetv2_bcsg"):
        builders[name] = lambda a, n=name: modules[n].MobileNetV2(**csg(a))
    builders["mobilenetv2_org"] = lambda a: modules["mobilenetv2"].MobileNetV2(org=True)
    for name in ("shufflenetv2", "shufflenetv2_bcsg"):
        builders[name] = lambda a, n=name: modules[n].ShuffleNetV2(0.5, **csg(a))
    builders["shufflenetv2_org"] = lambda a: modules["shufflenetv2"].ShuffleNetV2(0.5, org=True)
    baselines = {
        "resnet56_sep": ("resnet_sep", "resnet56"),
        "resnet56_crelu": ("resnet_crelu", "resnet56"),
        "densenet_cifar_crelu": ("densenet_crelu", "densenet_cifar_crelu"),
        "densenet_cifar_sep": ("densenet_sep", "densenet_cifar"),
    }
    for name, (module, factory) in baselines.items():
        if module in modules:
            builders[name] = lambda a, m=module, f=factory: getattr(modules[m], f)()
    return builders
