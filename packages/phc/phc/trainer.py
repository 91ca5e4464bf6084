"""``Trainer``: the original ``training.py`` loop and schedule, on ``paramlab.train``.

Per epoch: train (zero_grad, forward, cross-entropy [+ 0.001·Σ|A| over PHC convs with
``l1_reg``], backward, step); put the net in eval mode and run the eval loader *with* autograd
enabled (as the original), computing loss and accuracy; ``scheduler.step()`` once; print
``[Epoch: e][Train Loss: x][Val Loss: y][Val Acc: z][Time: t]`` and log ``train loss``,
``val loss``, ``val acc``. As in the original, the loss averages divide by the *last batch
index* (sum/i, not sum/count) and the printed "Val Loss" is the train sum divided by the last
eval index (``fix_val_loss_print=True`` prints the eval loss instead); ``get_iter_time`` prints
per-iteration times and stops after the first epoch. After the last epoch the state_dict goes to
``<checkpoint_folder>/<ModelClassName>.pt``; :meth:`Trainer.test` reloads it and prints
``Accuracy <ClassName> on the test images: <acc> %``.

Added: every epoch also writes a resumable training state (model, optimizer, scheduler, RNGs,
epoch) atomically to ``<checkpoint_folder>/<ModelClassName>_state.pt``; ``train(...,
resume=path)`` continues from one (bit-identically on CPU). Metrics go to
``<checkpoint_folder>/metrics.csv`` and, when asked, to wandb.
"""

from __future__ import annotations

import os
import time

import numpy as np
import torch
from torch import nn

from paramlab.train import (
    capture_training_state,
    load_checkpoint,
    restore_training_state,
    save_checkpoint,
)
from phc.layers import PHConv1d, PHConv2d, PHConv3d

__all__ = ["Trainer", "l1_regularization"]


def l1_regularization(net: nn.Module) -> torch.Tensor:
    """Σ|A| over every PHC convolution of ``net`` (the original's intended ``l1_reg`` term)."""
    total = torch.zeros(())
    for layer in net.modules():
        if isinstance(layer, PHConv1d | PHConv2d | PHConv3d):
            total = total.to(layer.A.device) + layer.A.abs().sum()
    return total


class Trainer:
    """The original's trainer; ``device`` replaces ``use_cuda``/``gpu_num`` when given."""

    def __init__(
        self,
        net,
        optimizer,
        scheduler,
        epochs,
        quat_data,
        n,
        use_cuda=True,
        gpu_num=0,
        print_every=100,
        checkpoint_folder="./checkpoints",
        saveModelsPerEpoch=True,
        get_iter_time=False,
        get_inf_time=False,
        optim_name="SGD",
        lr=0.1,
        momentum=0.9,
        weight_decay=5e-4,
        eval_percentage=0.20,
        l1_reg=False,
        project_name="phm-resnet-noaug",
        device=None,
        logger=None,
        fix_val_loss_print=False,
    ) -> None:
        self.optimizer = optimizer
        self.scheduler = scheduler
        self.epochs = epochs
        self.criterion = nn.CrossEntropyLoss()
        self.checkpoints_folder = checkpoint_folder
        self.eval_percentage = eval_percentage
        self.get_iter_time = get_iter_time
        self.get_inf_time = get_inf_time
        self.optim_name = optim_name
        self.lr = lr
        self.momentum = momentum
        self.weight_decay = weight_decay
        self.l1_reg = l1_reg
        self.logger = logger
        self.fix_val_loss_print = fix_val_loss_print
        if device is None:
            device = torch.device(f"cuda:{gpu_num}" if use_cuda else "cpu")
        self.device = torch.device(device)
        print("Running on", self.device)
        self.net = net.to(self.device)
        self.step = 0

    @property
    def checkpoint_path(self) -> str:
        """``<folder>/<ModelClassName>.pt`` (the original's name, double slash included)."""
        return self.checkpoints_folder + "/" + self.net.__class__.__name__ + ".pt"

    @property
    def state_path(self) -> str:
        """Where the resumable training state is written after every epoch."""
        return self.checkpoints_folder + "/" + self.net.__class__.__name__ + "_state.pt"

    def _log(self, metrics: dict) -> None:
        if self.logger is not None:
            self.logger.log(metrics, step=self.step)

    def train(self, train_loader, eval_loader, test_loader=None, resume=None) -> None:
        """Run the remaining epochs (all, or those after the state in ``resume``)."""
        start_epoch = 0
        if resume is not None:
            counters = restore_training_state(
                load_checkpoint(resume, map_location=self.device),
                self.net,
                self.optimizer,
                self.scheduler,
            )
            start_epoch, self.step = counters["epoch"], counters["step"]
            print(f"Resumed from {resume} at epoch {start_epoch}")
        for epoch in range(start_epoch, self.epochs):
            start = time.time()
            running_loss_train = 0.0
            running_loss_eval = 0.0
            total = correct = 0.0
            acc = 0.0
            iter_time = []
            i = j = 0  # the last batch indices, which the original divides by
            for index, (inputs, labels) in enumerate(train_loader):
                i = index
                inputs, labels = inputs.to(self.device), labels.to(self.device)
                self.optimizer.zero_grad()
                if self.get_iter_time:
                    start_iter_time = time.time()
                outputs = self.net(inputs)
                loss = self.criterion(outputs, labels)
                if self.l1_reg:
                    loss = loss + 0.001 * l1_regularization(self.net)
                loss.backward()
                self.optimizer.step()
                self.step += 1
                if self.get_iter_time:
                    computed_time = time.time() - start_iter_time
                    print(f"[Time per iter: {computed_time:f}]")
                    iter_time.append(computed_time)
                running_loss_train += loss.item()
            end = time.time()
            if self.get_iter_time:
                print("[Avg time per iter and std]")
                print(np.mean(np.asarray(iter_time)))
                print(np.std(np.asarray(iter_time)))
                break
            self.net.eval()
            for index, (inputs, labels) in enumerate(eval_loader):
                j = index
                inputs, labels = inputs.to(self.device), labels.to(self.device)
                eval_outputs = self.net(inputs)
                running_loss_eval += self.criterion(eval_outputs, labels).item()
                predicted = eval_outputs.detach().argmax(1)
                total += labels.size(0)
                correct += (predicted == labels).sum().item()
                acc = 100 * correct / total
            self.scheduler.step()
            # The original divides by the last index (a ZeroDivisionError for one batch).
            train_loss = running_loss_train / max(i, 1)
            val_loss = running_loss_eval / max(j, 1)
            printed_val = val_loss if self.fix_val_loss_print else running_loss_train / max(j, 1)
            print(
                f"[Epoch: {epoch + 1}][Train Loss: {train_loss:f}][Val Loss: {printed_val:f}]"
                f"[Val Acc: {acc:f}][Time: {end - start:f}]"
            )
            self._log({"train loss": train_loss})
            self._log({"val loss": val_loss})
            self._log({"val acc": acc})
            self.net.train()
            save_checkpoint(
                self.state_path,
                capture_training_state(
                    self.net, self.optimizer, self.scheduler, epoch=epoch + 1, step=self.step
                ),
            )
        print("Finished Training")
        save_checkpoint(self.checkpoint_path, self.net.state_dict())

    def test(self, test_loader, get_params=False) -> float:
        """Reload the saved state_dict and return (and print) the test accuracy in percent."""
        print("Testing net...")
        self.net.eval()
        self.net.load_state_dict(load_checkpoint(self.checkpoint_path, map_location=self.device))
        correct = total = 0
        inference_time = None
        with torch.no_grad():
            for images, labels in test_loader:
                images, labels = images.to(self.device), labels.to(self.device)
                start_inf_time = time.time()
                outputs = self.net(images)
                inference_time = time.time() - start_inf_time
                total += labels.size(0)
                correct += (outputs.argmax(1) == labels).sum().item()
        if self.get_inf_time and inference_time is not None:
            print(f"Inference time: {inference_time:f}")
        accuracy = 100 * correct / total if total else 0.0
        name = self.net.__class__.__name__
        print(f"Accuracy {name} on the test images: {accuracy:f} %")
        self._log({"Test Accuracy": accuracy})
        return accuracy


def default_workers(value) -> int:
    """``--n_workers``: ``max`` → ``os.cpu_count()``, else an int (the original kept a string)."""
    if value == "max":
        return os.cpu_count() or 1
    return int(value)
