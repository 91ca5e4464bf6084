"""Training loop: per-batch log lines, checkpoints every 100 batches and every epoch, a test
pass and a scheduler step per epoch."""

import time

from paramlab.train import progress, save_checkpoint

__all__ = ["checkpoint_state", "train"]


def checkpoint_state(model, config) -> dict:
    """What is saved: the state dict and the plain-typed run configuration."""
    plain = {
        key: (value.value if hasattr(value, "value") else value)
        for key, value in config.items()
        if isinstance(value, (str, int, float, bool, list, type(None))) or hasattr(value, "value")
    }
    return {"state_dict": model.state_dict(), "config": plain}


def train(
    model,
    optim,
    scheduler,
    criterion,
    train_set,
    device,
    epochs=2,
    print_interval=100,
    model_save_path="./ckgcnn.pt",
    save_interval=100,
    test_fn=None,
    logger=None,
    config=None,
    show_progress=None,
):
    """Returns (best test accuracy, list of epoch training times in seconds)."""
    step, best_acc, epoch_times = 0, 0.0, []
    for epoch in range(epochs):
        model.train()
        start = time.perf_counter()
        for iteration, (samples, labels) in enumerate(
            progress(train_set, desc=f"epoch {epoch}", enabled=show_progress)
        ):
            optim.zero_grad()
            samples, labels = samples.to(device), labels.to(device)
            out = model(samples)
            loss = criterion(out, labels)
            loss.backward()
            optim.step()
            step += 1
            if iteration % print_interval == 0:
                accuracy = (out.argmax(1) == labels).float().mean().item()
                print(
                    f"epoch {epoch} - iteration {iteration} - batch loss {loss.item():.2f} "
                    f"- batch accuracy {accuracy:.2f}"
                )
                if logger is not None:
                    logger.log(
                        {"epoch": epoch, "loss": loss.item(), "batch_accuracy": accuracy}, step
                    )
            if iteration % save_interval == 0 and model_save_path:
                save_checkpoint(model_save_path, checkpoint_state(model, config or {}))
        epoch_times.append(time.perf_counter() - start)
        print(f"epoch {epoch} - training time {epoch_times[-1]:.1f} s")
        if model_save_path:
            save_checkpoint(model_save_path, checkpoint_state(model, config or {}))
        if test_fn is not None:
            accuracy = test_fn(step)
            if accuracy > best_acc:
                best_acc = accuracy
                if logger is not None:
                    logger.log({"best_accuracy": best_acc}, step)
        if scheduler is not None:
            scheduler.step()
    return best_acc, epoch_times
