"""Data loaders and the TextArgs reader of the original ``utils/``."""
