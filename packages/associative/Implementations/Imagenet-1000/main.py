"""PyTorch IMAGENET-1000 training of the (CSG) ResNets.

    python main.py --data_dir /data/imagenet --results_root ./runs   # resnet101(org=True)
    python main.py --model resnet50 --data_dir ... --results_dir ./runs/r50 -r

``--model`` defaults to ``resnet101_org``, the original's hard-coded network; the networks come
from ``models/resnet.py`` so its CODE_SIZE / SLICE_SHAPE apply.
"""

import sys

from associative.train_imagenet import main
from models import resnet as rs

MODELS = {
    "resnet18": rs.resnet18,
    "resnet18_org": lambda: rs.resnet18(org=True),
    "resnet34": rs.resnet34,
    "resnet50": rs.resnet50,
    "resnet50_org": lambda: rs.resnet50(org=True),
    "resnet101": rs.resnet101,
    "resnet101_org": lambda: rs.resnet101(org=True),
    "resnet152": rs.resnet152,
    "resnext50_32x4d": rs.resnext50_32x4d,
    "resnext101_32x8d": rs.resnext101_32x8d,
    "wide_resnet50_2": rs.wide_resnet50_2,
    "wide_resnet101_2": rs.wide_resnet101_2,
}

if __name__ == "__main__":
    sys.exit(main(MODELS, default_model="resnet101_org"))
