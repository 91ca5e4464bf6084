"""Complex recurrent layers (Trabelsi et al. 2018 use complex LSTMs for TIMIT; no DCN code).

``mode='cell'`` (recommended) is a genuinely complex cell: complex weights, the usual gate
equations with split sigmoid/tanh and complex element-wise products. ``mode='split'`` is the
tutorial / complexPyTorch heuristic: two real ``nn.LSTM``/``nn.GRU`` (``lstm_re``/``lstm_im``,
``gru_re``/``gru_im``) combined as ``(f_r(Re x) − f_i(Im x)) + i (f_r(Im x) + f_i(Re x))`` — a
nonlinear map, hence not a complex operator.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from .activation import complex_sigmoid, complex_tanh
from .dense import complex_linear
from .dropout import complex_dropout
from .init import complex_rayleigh_
from .utils import as_complex

__all__ = ["ComplexLSTMCell", "ComplexGRUCell", "ComplexLSTM", "ComplexGRU"]


class _ComplexCell(nn.Module):
    _gates = 4

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None
    ) -> None:
        super().__init__()
        if input_size <= 0 or hidden_size <= 0:
            raise ValueError(
                f"input_size={input_size} and hidden_size={hidden_size} must be positive"
            )
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        factory = {"device": device, "dtype": dtype}
        rows = self._gates * hidden_size
        for name, cols in (("ih", input_size), ("hh", hidden_size)):
            for part in ("real", "imag"):
                self.register_parameter(
                    f"weight_{name}_{part}", nn.Parameter(torch.empty(rows, cols, **factory))
                )
                value = nn.Parameter(torch.empty(rows, **factory)) if bias else None
                self.register_parameter(f"bias_{name}_{part}", value)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Rayleigh (Glorot) complex weights, zero biases."""
        complex_rayleigh_(self.weight_ih_real, self.weight_ih_imag, "glorot")
        complex_rayleigh_(self.weight_hh_real, self.weight_hh_imag, "glorot")
        if self.bias:
            for name in ("ih", "hh"):
                nn.init.zeros_(getattr(self, f"bias_{name}_real"))
                nn.init.zeros_(getattr(self, f"bias_{name}_imag"))

    def _affine(self, name: str, x: Tensor) -> Tensor:
        weight = torch.complex(
            getattr(self, f"weight_{name}_real"), getattr(self, f"weight_{name}_imag")
        )
        bias = None
        if self.bias:
            bias = torch.complex(
                getattr(self, f"bias_{name}_real"), getattr(self, f"bias_{name}_imag")
            )
        return complex_linear(x, weight.to(x.dtype), None if bias is None else bias.to(x.dtype))

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, bias={self.bias}"


class ComplexLSTMCell(_ComplexCell):
    """One complex LSTM step: ``x (N, In)``, ``(h, c) (N, H)`` complex -> ``(h', c')``.

    ``g = W_ih x + b_ih + W_hh h + b_hh`` split into ``(i, f, c̃, o)``; ``i, f, o = σ_split``,
    ``c̃ = tanh_split``; ``c' = f ⊙ c + i ⊙ c̃``, ``h' = o ⊙ tanh_split(c')``.
    """

    _gates = 4

    def forward(self, x: Tensor, state: tuple[Tensor, Tensor] | None = None):
        x = as_complex(x)
        if state is None:
            zeros = x.new_zeros(x.shape[0], self.hidden_size)
            state = (zeros, zeros)
        h, c = state
        gates = self._affine("ih", x) + self._affine("hh", h)
        i, f, g, o = gates.chunk(4, dim=-1)
        c_next = complex_sigmoid(f) * c + complex_sigmoid(i) * complex_tanh(g)
        h_next = complex_sigmoid(o) * complex_tanh(c_next)
        return h_next, c_next


class ComplexGRUCell(_ComplexCell):
    """One complex GRU step (torch's gate equations with split σ/tanh): ``x (N, In)``,
    ``h (N, H)`` -> ``h'``; ``r, z = σ(W_i x + W_h h)``, ``n = tanh(W_in x + r ⊙ W_hn h)``,
    ``h' = (1 − z) ⊙ n + z ⊙ h``."""

    _gates = 3

    def forward(self, x: Tensor, h: Tensor | None = None) -> Tensor:
        x = as_complex(x)
        if h is None:
            h = x.new_zeros(x.shape[0], self.hidden_size)
        x_r, x_z, x_n = self._affine("ih", x).chunk(3, dim=-1)
        h_r, h_z, h_n = self._affine("hh", h).chunk(3, dim=-1)
        r = complex_sigmoid(x_r + h_r)
        z = complex_sigmoid(x_z + h_z)
        n = complex_tanh(x_n + r * h_n)
        return (1 - z) * n + z * h


class _ComplexRNN(nn.Module):
    _cell: type[_ComplexCell] = ComplexLSTMCell
    _real: type[nn.Module] = nn.LSTM
    _split_names = ("lstm_re", "lstm_im")
    _has_cell_state = True

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        mode: str = "cell",
    ) -> None:
        super().__init__()
        if mode not in ("cell", "split"):
            raise ValueError(f"mode={mode!r} must be 'cell' or 'split'")
        if num_layers < 1:
            raise ValueError(f"num_layers={num_layers} must be >= 1")
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"dropout={dropout} must be in [0, 1]")
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = dropout
        self.bidirectional = bidirectional
        self.mode = mode
        directions = 2 if bidirectional else 1
        if mode == "split":
            for name in self._split_names:
                real = self._real(
                    input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional
                )
                self.add_module(name, real)
        else:
            self.cells = nn.ModuleList(
                self._cell(
                    input_size if layer == 0 else hidden_size * directions, hidden_size, bias
                )
                for layer in range(num_layers)
                for _ in range(directions)
            )

    def _split_forward(self, x: Tensor, state):
        f_r, f_i = (getattr(self, name) for name in self._split_names)
        if state is not None:
            state = state if self._has_cell_state else (state,)
            parts = [(s.real.contiguous(), s.imag.contiguous()) for s in state]
            s_r = tuple(p[0] for p in parts)
            s_i = tuple(p[1] for p in parts)
            s_r = s_r if self._has_cell_state else s_r[0]
            s_i = s_i if self._has_cell_state else s_i[0]
        else:
            s_r = s_i = None
        rr, st_rr = f_r(x.real, s_r)
        ii, st_ii = f_i(x.imag, s_i)
        ri, st_ri = f_r(x.imag, s_r)
        ir, st_ir = f_i(x.real, s_i)
        out = torch.complex(rr - ii, ri + ir)
        if self._has_cell_state:
            final = tuple(
                torch.complex(a - b, c + d)
                for a, b, c, d in zip(st_rr, st_ii, st_ri, st_ir, strict=True)
            )
        else:
            final = torch.complex(st_rr - st_ii, st_ri + st_ir)
        return out, final

    def forward(self, x: Tensor, state=None):
        """``(T, N, In)`` (``batch_first``: ``(N, T, In)``) complex -> ``(output, state)`` shaped
        like torch's; ``state`` is ``(h, c)`` (LSTM) or ``h`` (GRU), each
        ``(num_layers·directions, N, H)`` complex."""
        x = as_complex(x)
        if self.mode == "split":
            return self._split_forward(x, state)
        seq = x.transpose(0, 1) if self.batch_first else x
        steps, batch = seq.shape[0], seq.shape[1]
        directions = 2 if self.bidirectional else 1
        total = self.num_layers * directions
        zeros = seq.new_zeros(total, batch, self.hidden_size)
        if state is None:
            h0, c0 = zeros, zeros
        elif self._has_cell_state:
            h0, c0 = state
        else:
            h0, c0 = state, zeros
        h_n, c_n = [], []
        layer_input = seq
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                cell = self.cells[index]
                h, c = h0[index], c0[index]
                order = range(steps - 1, -1, -1) if direction else range(steps)
                outs = [None] * steps
                for t in order:
                    if self._has_cell_state:
                        h, c = cell(layer_input[t], (h, c))
                    else:
                        h = cell(layer_input[t], h)
                    outs[t] = h
                outputs.append(torch.stack(outs))
                h_n.append(h)
                c_n.append(c)
            layer_input = torch.cat(outputs, dim=-1)
            if layer < self.num_layers - 1 and self.dropout > 0:
                layer_input = complex_dropout(layer_input, self.dropout, self.training)
        output = layer_input.transpose(0, 1) if self.batch_first else layer_input
        h_n = torch.stack(h_n)
        if self._has_cell_state:
            return output, (h_n, torch.stack(c_n))
        return output, h_n

    def extra_repr(self) -> str:
        return (
            f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
            f"batch_first={self.batch_first}, bidirectional={self.bidirectional}, "
            f"mode={self.mode!r}"
        )


class ComplexLSTM(_ComplexRNN):
    """Multi-layer complex LSTM (``mode='cell'``: :class:`ComplexLSTMCell` per layer and
    direction; ``mode='split'``: two real LSTMs, complexPyTorch's heuristic)."""


class ComplexGRU(_ComplexRNN):
    """Multi-layer complex GRU (``mode='cell'``: :class:`ComplexGRUCell`; ``'split'``: two real
    GRUs ``gru_re``/``gru_im``)."""

    _cell = ComplexGRUCell
    _real = nn.GRU
    _split_names = ("gru_re", "gru_im")
    _has_cell_state = False
