"""Evaluation: accuracy over a whole loader."""

import torch

from paramlab.train import progress

__all__ = ["test"]


def test(model, test_set, device, loss=None, limit=None, logger=None, step=0, show_progress=None):
    """Accuracy of ``model`` on ``test_set``; prints and logs it (and the mean batch loss)."""
    correct = total = batches = 0
    total_loss = 0.0
    model.eval()
    with torch.no_grad():
        for images, labels in progress(test_set, desc="test", enabled=show_progress):
            images, labels = images.to(device), labels.to(device)
            out = model(images)
            total += labels.size(0)
            correct += (out.argmax(1) == labels).sum().item()
            batches += 1
            if loss is not None:
                total_loss += loss(out, labels).item()
            if limit and total > limit:
                break
    print(f"test set accuracy on {total} samples: {100 * correct / total}")
    if logger is not None:
        logger.log({"test_accuracy": correct / total, "test_loss": total_loss / batches}, step)
    return correct / total
