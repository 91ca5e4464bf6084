#!/usr/bin/env sh
# Sweep of the permutation-invariant MNIST example (run from the package folder): n = 2..6 for
# polynomial, continuous, discontinuous and Fourier links, sophia/lion, max_abs/layer_norm,
# no periodicity, hidden width 128. Extra Hydra overrides (e.g. dataset=digits) are appended.
set -e
for layer in polynomial continuous discontinuous fourier; do
  python3 examples/invariant_mnist.py -m mlp.n=2,3,4,5,6 mlp.hidden.width=128 \
    mlp.layer_type=$layer mlp.segments=2 optimizer=sophia,lion \
    mlp.normalize=max_abs,layer_norm periodicity=null "$@"
done
