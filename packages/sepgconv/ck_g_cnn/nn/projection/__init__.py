from ck_g_cnn.nn.projection.projection import ChannelProjection

__all__ = ["ChannelProjection"]
