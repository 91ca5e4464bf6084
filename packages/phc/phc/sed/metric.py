"""The L3DAS21 Task 2 metric: location-sensitive detection counts and the F-score.

:func:`location_sensitive_detection` reproduces the counting of the HyperNets fork by default
(class-only matching; its quirks change the reported numbers, see the function). With
``fixed=True`` every prediction matches at most one true event of its class, frames are
counted once, and (with ``use_location``) a match also needs the Cartesian distance below
``spatial_threshold``, as the location-aware L3DAS21 challenge metric intended.
"""

from __future__ import annotations

import os
import sys

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = [
    "compute_seld_metrics",
    "f_score",
    "location_sensitive_detection",
    "task1_metric",
]

_EPS = sys.float_info.epsilon


def f_score(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    """(F, precision, recall) with the original's ε = ``sys.float_info.epsilon`` guards."""
    precision = tp / (tp + fp + _EPS)
    recall = tp / (tp + fn + _EPS)
    return 2 * ((precision * recall) / (precision + recall + _EPS)), precision, recall


def _by_frame(events, n_frames: int) -> list[list]:
    buckets: list[list] = [[] for _ in range(n_frames)]
    for event in events:
        buckets[int(event[0])].append(event)
    return buckets


def _matches_fixed(t, p, spatial_threshold, use_location) -> int:
    """Maximum one-to-one matching of same-class events (within the distance if asked)."""
    cost = np.ones((len(t), len(p)))
    for i, true_event in enumerate(t):
        for j, pred_event in enumerate(p):
            if int(true_event[1]) != int(pred_event[1]):
                continue
            if use_location:
                distance = np.linalg.norm(
                    np.asarray(true_event[-3:], dtype=float) - pred_event[-3:]
                )
                if not distance < spatial_threshold:
                    continue
            cost[i, j] = 0.0
    rows, cols = linear_sum_assignment(cost)
    return int((cost[rows, cols] == 0).sum())


def _matches_original(t, p, spatial_threshold, use_location) -> int:
    """True events having at least one same-class prediction (shared predictions allowed)."""
    matched = 0
    for true_event in t:
        for pred_event in p:
            if int(true_event[1]) != int(pred_event[1]):
                continue
            if use_location:
                distance = np.linalg.norm(
                    np.asarray(true_event[-3:], dtype=float) - pred_event[-3:]
                )
                if not distance < spatial_threshold:
                    continue
            matched += 1
            break
    return matched


def location_sensitive_detection(
    pred,
    true,
    n_frames: int = 100,
    spatial_threshold: float = 2.0,
    from_csv: bool = False,
    verbose: bool = False,
    *,
    fixed: bool = False,
    use_location: bool = False,
) -> tuple[int, int, int, float]:
    """(TP, FP, FN, F) of one recording from event lists of rows ``[frame, class(, x, y, z)]``.

    Default (the HyperNets fork, location check removed): per frame with true events t and
    predictions p, a true event is matched when *any* prediction of the frame has its class
    (several true events may share one prediction). Frames with only predictions add |p| to
    FP, frames with only truths add |t| to FN, and then *every* frame adds TP += matched,
    FN += |t| − matched, FP += |p| − matched — so prediction-only frames count their FPs
    twice, truth-only frames their FNs twice, and FP decreases when several same-class true
    events share fewer predictions. ``use_location`` adds the L3DAS21 distance check.
    ``fixed=True``: one-to-one matching, each frame counted once (FP, FN ≥ 0).
    With ``from_csv`` the lists are paths of header-less CSV files. Frame numbers must be
    < ``n_frames``.
    """
    if from_csv:
        pred = np.loadtxt(pred, delimiter=",", ndmin=2)
        true = np.loadtxt(true, delimiter=",", ndmin=2)
    matcher = _matches_fixed if fixed else _matches_original
    tp = fp = fn = 0
    for t, p in zip(_by_frame(true, n_frames), _by_frame(pred, n_frames), strict=True):
        matched = 0
        if not t:
            if not fixed:
                fp += len(p)
        elif not p:
            if not fixed:
                fn += len(t)
        else:
            matched = matcher(t, p, spatial_threshold, use_location)
        tp += matched
        fn += len(t) - matched
        fp += len(p) - matched
    score, precision, recall = f_score(tp, fp, fn)
    if verbose:
        print(f"F score: {score}\nPrecision: {precision}\nRecall: {recall}")
        print(f"TP: {tp}\nFP: {fp}\nFN: {fn}")
    return tp, fp, fn, score


def compute_seld_metrics(
    predicted_folder,
    truth_folder,
    n_frames: int = 100,
    spatial_threshold: float = 0.3,
    *,
    fixed: bool = False,
    use_location: bool = False,
) -> float:
    """F-score over folders of header-less ``frame,class(,x,y,z)`` CSVs with matching names.

    The original unpacked three of the four returned counts and crashed; fixed here.
    """
    tp = fp = fn = 0
    for name in sorted(os.listdir(predicted_folder)):
        if ".csv" not in name:
            continue
        counts = location_sensitive_detection(
            os.path.join(predicted_folder, name),
            os.path.join(truth_folder, name),
            n_frames,
            spatial_threshold,
            from_csv=True,
            fixed=fixed,
            use_location=use_location,
        )
        tp, fp, fn = tp + counts[0], fp + counts[1], fn + counts[2]
    score, precision, recall = f_score(tp, fp, fn)
    print(f"F score: {score}\nPrecision: {precision}\nRecall: {recall}")
    return score


_WAV2VEC = {}


def task1_metric(clean_speech, denoised_speech, sr: int = 16000):
    """Task 1 metric (STOI + (1 − WER)) / 2 of one example; returns (metric, WER, STOI).

    Needs ``transformers``, ``jiwer`` and ``pystoi`` (not dependencies of this package) and
    downloads ``facebook/wav2vec2-base-960h`` on first use — never at import time.
    """
    import jiwer
    from pystoi import stoi
    from transformers import Wav2Vec2ForMaskedLM, Wav2Vec2Tokenizer

    if not _WAV2VEC:
        name = "facebook/wav2vec2-base-960h"
        _WAV2VEC["tokenizer"] = Wav2Vec2Tokenizer.from_pretrained(name)
        _WAV2VEC["model"] = Wav2Vec2ForMaskedLM.from_pretrained(name)
    import torch

    def transcribe(speech) -> str:
        values = _WAV2VEC["tokenizer"](speech, return_tensors="pt").input_values
        ids = torch.argmax(_WAV2VEC["model"](values).logits, dim=-1)
        return _WAV2VEC["tokenizer"].batch_decode(ids)[0]

    try:
        wer = jiwer.wer(transcribe(clean_speech), transcribe(denoised_speech))
    except ValueError:
        return None, None, None
    stoi_value = np.clip(stoi(clean_speech, denoised_speech, sr, extended=False), 0.0, 1.0)
    wer = np.clip(wer, 0.0, 1.0)
    return (stoi_value + (1.0 - wer)) / 2.0, wer, stoi_value
