"""``GetModel(str_model, quat_data, n, num_classes=10)``: the model table of the original."""

from phc.get_model import LEGACY_MODEL_NAMES, MODEL_NAMES, GetModel

__all__ = ["LEGACY_MODEL_NAMES", "MODEL_NAMES", "GetModel"]
