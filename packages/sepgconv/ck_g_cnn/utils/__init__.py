"""Seeding, test-time group resolution and the run factory."""

from ck_g_cnn.utils.factory import FIX_FLAG_NAMES, MODELS, build_group, build_model
from ck_g_cnn.utils.nn_utils import fix_seed, set_group_elem

__all__ = ["FIX_FLAG_NAMES", "MODELS", "build_group", "build_model", "fix_seed", "set_group_elem"]
