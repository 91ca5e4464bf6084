"""Missing and corrupt data: the error names the dataset, the path and what to do."""

import hashlib
import shutil
from pathlib import Path

import pytest

from paramlab.data import (
    DatasetCorruptError,
    DatasetNotFoundError,
    load_digits,
    sha256_file,
    verify_file,
)

REPO = Path(__file__).resolve().parents[2]
DIGITS = REPO / "datasets" / "digits" / "digits.npz"


def copy_digits(root: Path) -> Path:
    (root / "digits").mkdir(parents=True)
    return Path(shutil.copy(DIGITS, root / "digits" / "digits.npz"))


def test_sha256_file_matches_hashlib(tmp_path):
    path = tmp_path / "blob.bin"
    payload = bytes(range(256)) * 5000
    path.write_bytes(payload)
    assert sha256_file(path, chunk_size=1000) == hashlib.sha256(payload).hexdigest()


def test_not_found_names_dataset_path_and_remedy(tmp_path):
    with pytest.raises(DatasetNotFoundError) as info:
        load_digits(root=tmp_path)
    message = str(info.value)
    assert "'digits'" in message
    assert str(tmp_path / "digits" / "digits.npz") in message
    assert "make_digits.py" in message
    assert "PARAMLAB_DATA" in message
    assert isinstance(info.value, FileNotFoundError)
    assert info.value.path == tmp_path / "digits" / "digits.npz"


def test_truncated_file(tmp_path):
    path = copy_digits(tmp_path)
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(DatasetCorruptError, match=r"truncated: 1000 bytes, expected 45112") as info:
        load_digits(root=tmp_path)
    assert str(path) in str(info.value)
    assert "'digits' is corrupt" in str(info.value)


def test_wrong_checksum_same_size(tmp_path):
    path = copy_digits(tmp_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(DatasetCorruptError, match="sha256 mismatch") as info:
        load_digits(root=tmp_path)
    assert sha256_file(path) in str(info.value)


def test_verify_file_accepts_the_right_file(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"abc")
    digest = hashlib.sha256(b"abc").hexdigest()
    assert verify_file(path, dataset="x", sha256=digest, size=3, how_to_obtain="-") == path
    with pytest.raises(DatasetCorruptError, match="wrong size: 3 bytes, expected 2"):
        verify_file(path, dataset="x", sha256=digest, size=2, how_to_obtain="-")
