from ck_g_cnn.nn.pooling.group_max_pooling import AdaptiveGroupMaxPooling, GroupMaxPoolingRn

__all__ = ["AdaptiveGroupMaxPooling", "GroupMaxPoolingRn"]
