"""Build ``digits.npz`` from the copy of the UCI optical digits that scikit-learn ships.

Run once, from any folder, in an environment that has scikit-learn and numpy::

    python datasets/digits/make_digits.py

scikit-learn reads ``sklearn/datasets/data/digits.csv.gz`` from inside its own wheel, so no
network is used. The output is byte-for-byte reproducible (fixed zip timestamps, fixed split
seed): its sha256 must equal ``paramlab.data.digits.DIGITS_SHA256``.
"""

import argparse
import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

N_TEST = 360
SPLIT_SEED = 0


def build_arrays() -> dict[str, np.ndarray]:
    """images (1797, 8, 8) uint8 in 0..16, labels (1797,) uint8, split (1797,) uint8 (1 = test)."""
    bunch = load_digits()
    images = bunch.images.astype(np.uint8)
    labels = bunch.target.astype(np.uint8)
    if not np.array_equal(images, bunch.images) or images.max() > 16:
        raise ValueError("digits pixels must be integers in 0..16")
    _, test_index = train_test_split(
        np.arange(len(labels)), test_size=N_TEST, stratify=labels, random_state=SPLIT_SEED
    )
    split = np.zeros(len(labels), dtype=np.uint8)
    split[test_index] = 1
    return {"images": images, "labels": labels, "split": split}


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """A standard ``.npz`` (readable by ``np.load``) with fixed zip timestamps."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue(), compresslevel=9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("digits.npz"))
    args = parser.parse_args()
    arrays = build_arrays()
    write_npz(args.out, arrays)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    train = arrays["images"][arrays["split"] == 0].astype(np.float64) / 16.0
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")
    print(f"sha256 {digest}")
    print(f"train pixel mean {train.mean():.6f} std {train.std():.6f}")
    print(f"train/test sizes {int((arrays['split'] == 0).sum())}/{int(arrays['split'].sum())}")


if __name__ == "__main__":
    main()
