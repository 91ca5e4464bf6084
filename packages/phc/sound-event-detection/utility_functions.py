"""Task 2 utilities under their original names (importable from this folder, as the original)."""

from phc.sed.features import spectrum_fast
from phc.sed.labels import csv_to_matrix_task2, gen_submission_list_task2, segment_task2
from phc.sed.training import load_model, save_model

__all__ = [
    "csv_to_matrix_task2",
    "gen_submission_list_task2",
    "load_model",
    "save_model",
    "segment_task2",
    "spectrum_fast",
]
