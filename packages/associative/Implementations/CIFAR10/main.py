"""Training of CIFAR-10 using CSG augmented CNNs (original authors: Hamed Omidvar & Vahideh
Akhlaghi, UC San Diego, 2020).

    python main.py --lr 0.1 --iter 1            # DenseNet-BC-40-48 with CSG, as the original
    python main.py --model resnet20 --dataset digits --iter 1 --min_epochs 1

The network is ``--model`` (default ``densenet_cifar``, the original's hard-coded choice), built
from the modules in ``models/`` so their CODE_SIZE / SLICE_SHAPE constants apply unless
``--code_size`` / ``--slice_shape`` are given. Writes ./checkpoint/ckpt.t7 and ./results/*.txt.
"""

import sys

from associative.train_cifar import default_builders, main
from models import (
    densenet,
    densenet_bcsg,
    densenet_crelu,
    densenet_sep,
    mobilenetv2,
    mobilenetv2_bcsg,
    resnet,
    resnet_crelu,
    resnet_sep,
    shufflenetv2,
    shufflenetv2_bcsg,
)

MODELS = default_builders(
    {
        "resnet": resnet,
        "densenet": densenet,
        "densenet_bcsg": densenet_bcsg,
        "mobilenetv2": mobilenetv2,
        "mobilenetv2_bcsg": mobilenetv2_bcsg,
        "shufflenetv2": shufflenetv2,
        "shufflenetv2_bcsg": shufflenetv2_bcsg,
        "resnet_sep": resnet_sep,
        "resnet_crelu": resnet_crelu,
        "densenet_crelu": densenet_crelu,
        "densenet_sep": densenet_sep,
    }
)

if __name__ == "__main__":
    sys.exit(main(MODELS, default_model="densenet_cifar"))
