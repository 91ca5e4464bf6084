"""Train and evaluate a CK-G-CNN: ``python run_experiment.py --model ckgresnet --group SE2 ...``
(the flags of ``config.py``). Saves the state dict to the original's generated file name."""

import torch
from ck_g_cnn.utils import build_group, build_model
from config import config
from test_model import test
from train_model import train

from datasets import get_dataloader
from paramlab.train import CheckpointError, MetricsLogger, load_checkpoint


def load_weights(net, path, trust_pickle):
    """Load a state dict (our checkpoints or a plain state dict); an original whole-model pickle
    only with ``--trust_pickled_model``."""
    try:
        state = load_checkpoint(path)
    except CheckpointError:
        if not trust_pickle:
            raise SystemExit(
                f"{path} is not a weights-only checkpoint (an original whole-model pickle?); "
                "re-run with --trust_pickled_model to unpickle it (this executes its code)"
            ) from None
        state = torch.load(path, map_location="cpu", weights_only=False).state_dict()
    net.load_state_dict(state.get("state_dict", state), strict=True)


def make_optimizer(net):
    if config["optim"] == "adam":
        return torch.optim.Adam(
            net.parameters(), lr=config["learning_rate"], weight_decay=config["weight_decay"]
        )
    if config["optim"] == "sgd":
        return torch.optim.SGD(
            net.parameters(),
            lr=config["learning_rate"],
            weight_decay=config["weight_decay"],
            momentum=config["momentum"],
            nesterov=config["nesterov"],
        )
    return torch.optim.Adadelta(
        net.parameters(), lr=config["learning_rate"], weight_decay=config["weight_decay"]
    )


def main():
    use_cuda = torch.cuda.is_available() and config["cuda"]
    device = torch.device("cuda:0" if use_cuda else "cpu")
    group = build_group(config["group"], config["max_scale"]).to(device)
    net = build_model(config, group).to(device)
    if config["model_load_path"]:
        load_weights(net, config["model_load_path"], config["trust_pickled_model"])
    loader = dict(
        dataset=config["dataset"],
        batch_size=config["batch_size"],
        root=config["data_root"],
        augment=config["augment"],
        num_workers=config["num_workers"],
        fix_mnist_rot_scaling=config["fix_mnist_rot_scaling"],
    )
    train_set = get_dataloader(train=True, max_samples=config["max_train_samples"], **loader)
    test_set = get_dataloader(train=False, max_samples=config["max_test_samples"], **loader)
    optim = make_optimizer(net)
    criterion = torch.nn.CrossEntropyLoss().to(device)
    if config["learning_rate_steps"]:
        scheduler = torch.optim.lr_scheduler.MultiStepLR(
            optim, milestones=config["learning_rate_steps"], gamma=config["learning_rate_gamma"]
        )
    elif config["learning_rate_cosine"]:
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optim, T_max=config["epochs"])
    else:
        scheduler = None
    config["trainable_parameters"] = sum(p.numel() for p in net.parameters() if p.requires_grad)
    print(f"starting training for dataset: {config['dataset']}")
    print(f"number of trainable parameters: {config['trainable_parameters']}")
    print(net)
    name = config["model_save_path"][2:-3]
    logger = MetricsLogger(
        config["log_dir"] or f"./runs/{name}",
        wandb="auto" if config["wandb"] else False,
        wandb_project=config["wandb_project_name"],
        run_name=config["wandb_run_name"] or None,
        config={k: str(v) for k, v in config.items()},
        wandb_kwargs={"group": config["dataset"].value},
    )
    show = False if config["no_progress"] else None
    with logger:
        best, times = train(
            net,
            optim,
            scheduler,
            criterion,
            train_set,
            device,
            epochs=config["epochs"],
            print_interval=config["print_interval"],
            model_save_path=config["model_save_path"],
            test_fn=lambda step: test(net, test_set, device, criterion, None, logger, step, show),
            logger=logger,
            config=config,
            show_progress=show,
        )
        if not times:  # --epochs 0: evaluate the (loaded) model once
            best = test(net, test_set, device, criterion, None, logger, 0, show)
    print(f"best test accuracy: {100 * best}")
    if times:
        print(f"mean training time per epoch: {sum(times) / len(times):.1f} s")
    print(f"saved model state to {config['model_save_path']}")


if __name__ == "__main__":
    main()
