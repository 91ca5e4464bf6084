from ck_g_cnn.nn.activation.activation import ELU, ReLU

__all__ = ["ELU", "ReLU"]
