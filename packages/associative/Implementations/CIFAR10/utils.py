"""progress_bar / format_time / init_params / get_mean_and_std (thin module over
``associative.utils``; works without a terminal)."""

from associative.utils import format_time, get_mean_and_std, init_params, progress_bar

__all__ = ["format_time", "get_mean_and_std", "init_params", "progress_bar"]
