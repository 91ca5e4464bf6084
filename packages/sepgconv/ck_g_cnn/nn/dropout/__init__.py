from ck_g_cnn.nn.dropout.dropout import Dropout

__all__ = ["Dropout"]
