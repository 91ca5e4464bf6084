"""Sound event detection on L3DAS21 Task 2 (the HyperNets ``sound-event-detection`` part).

Modules: :mod:`~phc.sed.scenes` / :mod:`~phc.sed.make_scenes` (synthetic scenes in the released
format), :mod:`~phc.sed.features` (audio reading, STFT features), :mod:`~phc.sed.labels` (label
CSVs, frame matrices, event lists), :mod:`~phc.sed.dataset` (preprocessing, safe pickle reading),
:mod:`~phc.sed.models` (SEDNet variants), :mod:`~phc.sed.metric` (location-sensitive detection),
:mod:`~phc.sed.training` (train / evaluate), :mod:`~phc.sed.download` (Zenodo archives).
Submodules are imported on demand so that the scene generator does not build any model code.
"""
