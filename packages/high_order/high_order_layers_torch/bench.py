"""Benchmark cases of ``paramlab bench`` (entry point ``paramlab.bench``): the high-order fc and
conv layers against the PyPI ``high-order-layers-torch`` (the original) at equal outputs and
against the dense ``nn.Linear`` / ``nn.Conv2d`` of the same input and output shape.

The peer has the same import name as this package, so it cannot be installed beside it: the
bench session installs it into a folder of its own (``pip install --no-deps --target DIR
high-order-layers-torch==2.6.0``, ``PARAMLAB_BENCH_PEERS=DIR``) and
:func:`paramlab.bench.peers.import_shadowed` loads it in the same process under the name
``_peer_high_order_layers_torch``. Without it, the peer cases are not offered.

Before a peer is timed, ours and the peer get the same random weights (state_dict, strict) and
their outputs are compared, so both compute the same function. Shapes: spec §15's fc 784→100
at batch 128 (n=5, S=4 for the piecewise kinds) and conv 3→16 with 5x5 kernels on
64×3×32×32 (n=3, S=2); and the suite-wide conv shapes of every parameterization, 3x3 kernels
(padding 1) on 32x32 inputs against a bias-free ``nn.Conv2d`` of the same shape: 32→32 at
batch 64 and 128. The peer joins the 32→32 groups only (the group label says so at 64→64):
there its piecewise steps take seconds, which would take the suite past its time budget.
Every case times a forward and backward pass on inputs in [−1, 1] that require a gradient,
except the one group marked "forward only" (no autograd).
"""

from __future__ import annotations

import warnings
from types import ModuleType

import torch
from torch import Tensor, nn

from high_order_layers_torch.layers import high_order_convolution_layers, high_order_fc_layers
from paramlab.bench import BenchCase, Sweep, forward_backward, forward_only
from paramlab.bench.peers import find_shadowed_package, import_shadowed

__all__ = [
    "CONV_KINDS",
    "FC_KINDS",
    "SQUARE_SHAPES",
    "build",
    "cases",
    "load_peer",
    "peer_available",
    "square_conv",
    "sweeps",
]

SUITE = "high_order"
IMPORT_NAME = "high_order_layers_torch"
PEER_DISTRIBUTION = "high-order-layers-torch"
PEER_ALIAS = "_peer_high_order_layers_torch"

FC = {"in_features": 784, "out_features": 100}
FC_BATCH = 128
FC_KINDS = {
    "continuous": {"n": 5, "segments": 4},
    "discontinuous": {"n": 5, "segments": 4},
    "polynomial": {"n": 5},
    "fourier": {"n": 5},
}
CONV = {"in_channels": 3, "out_channels": 16, "kernel_size": 5}
CONV_INPUT = (64, 3, 32, 32)
# The suite-wide conv shapes timed here, (channels, batch): 3x3, padding 1, C→C on 32x32.
SQUARE_SHAPES = ((32, 64), (32, 128), (64, 64), (64, 128))
SQUARE_SIZE = 32
# Shapes whose groups leave the peer out (its steps take seconds).
PEERLESS_SQUARES = {(64, 64), (64, 128)}
CONV_KINDS = {
    "continuous2d": {"n": 3, "segments": 2},
    "discontinuous2d": {"n": 3, "segments": 2},
    "polynomial2d": {"n": 3},
    "fourier2d": {"n": 3},
}


def peer_available() -> bool:
    """Whether a peer installation other than this package can be found."""
    return find_shadowed_package(IMPORT_NAME, PEER_DISTRIBUTION) is not None


def load_peer() -> ModuleType:
    """The peer's ``layers`` module (imported once, under ``_peer_high_order_layers_torch``)."""
    directory = find_shadowed_package(IMPORT_NAME, PEER_DISTRIBUTION)
    if directory is None:
        raise ModuleNotFoundError(
            f"no {PEER_DISTRIBUTION} installation besides this package; install it with "
            f"pip install --no-deps --target DIR {PEER_DISTRIBUTION} and set "
            "PARAMLAB_BENCH_PEERS=DIR"
        )
    return import_shadowed(IMPORT_NAME, directory, PEER_ALIAS, submodules=("layers",)).layers


def square_conv(channels: int) -> dict:
    """The conv keywords of a suite-wide shape: channels→channels, 3x3, padding 1."""
    return {"in_channels": channels, "out_channels": channels, "kernel_size": 3, "padding": 1}


def build(
    kind: str,
    layer_type: str,
    options: dict,
    library: ModuleType | None = None,
    features: tuple[int, int] = (FC["in_features"], FC["out_features"]),
    conv: dict | None = None,
):
    """One layer (``kind`` "fc" or "conv") of ``library`` (default: ours), random weights.

    ``features`` is the fc layer's (in, out), ``conv`` the conv layer's keywords (default: spec
    §15's 3→16 5x5).

    Every parameter is drawn from U(−1, 1) / fan-in with seed 0, so the same call gives the same
    weights in ours and in the peer (their state_dicts have the same keys and shapes).
    """
    fc_factory, conv_factory = (
        (high_order_fc_layers, high_order_convolution_layers)
        if library is None
        else (library.high_order_fc_layers, library.high_order_convolution_layers)
    )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="non-inplace resize is deprecated")
        if kind == "fc":
            in_features, out_features = features
            layer = fc_factory(
                layer_type=layer_type, in_features=in_features, out_features=out_features, **options
            )
        else:
            layer = conv_factory(layer_type=layer_type, **(conv or CONV), **options)
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for parameter in layer.parameters():
            fan_in = parameter[0].numel() if parameter.dim() > 1 else 1
            values = torch.rand(parameter.shape, generator=gen) * 2 - 1
            parameter.copy_(values / fan_in)
    return layer


def layer_input(
    kind: str,
    batch: int = FC_BATCH,
    in_features: int = FC["in_features"],
    image: tuple[int, int, int, int] = CONV_INPUT,
) -> Tensor:
    """Seeded input in [−1, 1]: (batch, in_features) for fc, ``image`` for conv."""
    gen = torch.Generator().manual_seed(1)
    shape = (batch, in_features) if kind == "fc" else image
    return (torch.rand(shape, generator=gen) * 2 - 1).requires_grad_()


def floor(kind: str, conv: dict | None = None) -> nn.Module:
    """The dense layer with the same input and output shape (``conv``: as :func:`build`; the
    suite-wide shapes get no bias, like the high-order convs)."""
    torch.manual_seed(0)
    if kind == "fc":
        return nn.Linear(FC["in_features"], FC["out_features"])
    if conv is None:
        return nn.Conv2d(CONV["in_channels"], CONV["out_channels"], CONV["kernel_size"])
    return nn.Conv2d(**conv, bias=False)


def assert_same_outputs(ours: nn.Module, peer: nn.Module, x: Tensor) -> None:
    """The peer, loaded with ours' state_dict, gives ours' outputs (float32 tolerance)."""
    with torch.no_grad():
        expected, actual = ours(x), peer(x)
    scale = float(expected.detach().abs().max()) or 1.0
    torch.testing.assert_close(actual, expected, rtol=1e-4, atol=1e-5 * scale)


def _peer_step(kind, layer_type, options, batch, features, make_step, conv, image):
    ours = build(kind, layer_type, options, features=features, conv=conv)
    peer = build(kind, layer_type, options, load_peer(), features=features, conv=conv)
    peer.load_state_dict(ours.state_dict(), strict=True)
    x = layer_input(kind, batch, features[0], image)
    assert_same_outputs(ours, peer, x)
    return make_step(peer, x)


def _group_cases(
    kind: str,
    layer_type: str,
    options: dict,
    batch: int,
    group: str,
    peer: bool,
    features: tuple[int, int] = (FC["in_features"], FC["out_features"]),
    make_step=forward_backward,
    conv: dict | None = None,
    image: tuple[int, int, int, int] = CONV_INPUT,
):
    shape = {"batch": batch, **options}
    if conv is not None:
        shape["channels"] = conv["in_channels"]

    def ours_step():
        layer = build(kind, layer_type, options, features=features, conv=conv)
        return make_step(layer, layer_input(kind, batch, features[0], image))

    found = [
        BenchCase(
            SUITE,
            group,
            f"{layer_type} (ours)",
            "ours",
            ours_step,
            shape=shape,
        )
    ]
    if peer:
        found.append(
            BenchCase(
                SUITE,
                group,
                f"{layer_type} ({PEER_DISTRIBUTION} 2.6.0)",
                "peer",
                lambda: _peer_step(
                    kind, layer_type, options, batch, features, make_step, conv, image
                ),
                shape=shape,
            )
        )
    return found


def _options_text(options: dict) -> str:
    return " ".join(
        f"{'S' if key == 'segments' else key}={value}" for key, value in options.items()
    )


def _square_cases(quick: bool, peer: bool) -> list[BenchCase]:
    """Every conv kind at the suite-wide shapes, with the bias-free nn.Conv2d floor."""
    found = []
    for channels, batch in SQUARE_SHAPES[:1] if quick else SQUARE_SHAPES:
        conv = square_conv(channels)
        image = (batch, channels, SQUARE_SIZE, SQUARE_SIZE)
        with_peer = peer and (channels, batch) not in PEERLESS_SQUARES
        for layer_type, options in CONV_KINDS.items():
            group = (
                f"{layer_type} {channels}→{channels} 3x3, B{batch}, "
                f"{SQUARE_SIZE}x{SQUARE_SIZE}, {_options_text(options)}"
            )
            if peer and not with_peer:
                group += f" (no {PEER_DISTRIBUTION}: seconds per step)"
            found += _group_cases(
                "conv", layer_type, options, batch, group, with_peer, conv=conv, image=image
            )
            found.append(
                BenchCase(
                    SUITE,
                    group,
                    "nn.Conv2d",
                    "floor",
                    lambda conv=conv, image=image: forward_backward(
                        floor("conv", conv), layer_input("conv", image=image)
                    ),
                    shape={"batch": batch, "channels": channels},
                )
            )
    return found


def cases(quick: bool) -> list[BenchCase]:
    """Every fc and conv kind of spec §15 with its floor and (if installed) the peer, the
    forward pass alone of the continuous fc case (the speed goal is stated for the forward),
    and every conv kind at the suite-wide shapes (3x3 on 32x32: 32→32 at batch 64 and 128,
    64→64 at batch 64; ``quick``: 32→32 at batch 64 only).
    """
    peer = peer_available()
    found = []
    for kind, kinds, dense in (("fc", FC_KINDS, "nn.Linear"), ("conv", CONV_KINDS, "nn.Conv2d")):
        for layer_type, options in kinds.items():
            if kind == "fc":
                where = f"784→100, B{FC_BATCH}"
            else:
                where = "3→16 5x5, 64×3×32×32"
            group = f"{layer_type} {where}, {_options_text(options)}"
            found += _group_cases(kind, layer_type, options, FC_BATCH, group, peer)
            found.append(
                BenchCase(
                    SUITE,
                    group,
                    dense,
                    "floor",
                    lambda kind=kind: forward_backward(floor(kind), layer_input(kind)),
                    shape={"batch": FC_BATCH if kind == "fc" else CONV_INPUT[0]},
                )
            )
    options = FC_KINDS["continuous"]
    group = f"continuous 784→100, B{FC_BATCH}, {_options_text(options)}, forward only"
    found += _group_cases(
        "fc", "continuous", options, FC_BATCH, group, peer, make_step=forward_only
    )
    found.append(
        BenchCase(
            SUITE,
            group,
            "nn.Linear",
            "floor",
            lambda: forward_only(floor("fc"), layer_input("fc")),
            shape={"batch": FC_BATCH},
        )
    )
    return found + _square_cases(quick, peer)


def sweeps(quick: bool) -> list[Sweep]:
    """Continuous fc 256→64 (batch 64, 32 when ``quick``; smaller than the table's case so the
    peer's points stay short): time and step memory against the polynomial order (n = 2, 3, 5,
    8 at S=4) and the segments (S = 1, 2, 4, 8 at n=3), ours and (if installed) the peer."""
    batch, features = (32 if quick else 64), (256, 64)
    peer = peer_available()
    found = []
    for key, values, fixed in (
        ("n", (2, 3, 5, 8), {"segments": 4}),
        ("segments", (1, 2, 4, 8), {"n": 3}),
    ):
        sweep_cases = []
        for value in values:
            options = {**fixed, key: value}
            sweep_cases += _group_cases(
                "fc", "continuous", options, batch, f"{key} sweep", peer, features
            )
        swept = "order n" if key == "n" else "segments S"
        title = f"continuous fc {features[0]}→{features[1]}, B{batch}: {swept}"
        found.append(Sweep(SUITE, title, key, sweep_cases))
    return found
