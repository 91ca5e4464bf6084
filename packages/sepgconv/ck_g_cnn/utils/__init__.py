from ck_g_cnn.utils.nn_utils import fix_seed, set_group_elem

__all__ = ["fix_seed", "set_group_elem"]
