"""L3DAS21 metrics under their original names (importable from this folder, as the original).

Task 2: ``location_sensitive_detection`` and ``compute_seld_metrics``. Task 1: ``task1_metric``
loads its speech-recognition model (``facebook/wav2vec2-base-960h``) on first use, not at import,
so importing this module works offline.
"""

from phc.sed.labels import sound_classes_dict_task2
from phc.sed.metric import compute_seld_metrics, location_sensitive_detection, task1_metric

__all__ = [
    "compute_seld_metrics",
    "location_sensitive_detection",
    "sound_classes_dict_task2",
    "task1_metric",
]
