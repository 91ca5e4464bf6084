from ck_g_cnn.nn.normalisation.normalisation import BatchNorm, InstanceNorm, LayerNorm

__all__ = ["BatchNorm", "InstanceNorm", "LayerNorm"]
