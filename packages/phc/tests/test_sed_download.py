"""download_dataset.py with the network layer replaced: no real network is used."""

import hashlib
import importlib.util
import io
import json
import urllib.error
import zipfile
from pathlib import Path

import pytest
from phc.sed import download
from phc.sed.download import API_URL, URL, DownloadError

from paramlab.data import DatasetCorruptError

SCRIPT = Path(__file__).resolve().parents[1] / "sound-event-detection" / "download_dataset.py"


def run_script(argv):
    spec = importlib.util.spec_from_file_location("sed_download_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(argv)


def _zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("L3DAS_Task2_dev/labels/label_split0_ov1_0.csv", "File,Start\n")
        archive.writestr("L3DAS_Task2_dev/data/readme.txt", "x")
    return buffer.getvalue()


class FakeZenodo:
    """Serves the record metadata and one archive; records the URLs asked for."""

    def __init__(self, payload, checksum=None, fail_after=None):
        self.payload = payload
        self.checksum = checksum or hashlib.md5(payload).hexdigest()
        self.fail_after = fail_after
        self.urls = []

    def __call__(self, url, timeout=30):
        self.urls.append(url)
        if url == API_URL:
            record = {"files": [{"key": "L3DAS_Task2_dev.zip", "checksum": f"md5:{self.checksum}"}]}
            return io.BytesIO(json.dumps(record).encode())
        assert url == URL + "L3DAS_Task2_dev.zip"
        if self.fail_after is None:
            return io.BytesIO(self.payload)
        fail_after = self.fail_after

        class Interrupted(io.BytesIO):
            def read(self, size=-1):
                if self.tell() >= fail_after:
                    raise urllib.error.URLError("connection reset")
                return super().read(min(size, fail_after))

        return Interrupted(self.payload)


def test_offline_fails_at_once_naming_the_url(tmp_path, monkeypatch):
    def offline(url, timeout=30):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(download, "_open_url", offline)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        run_script(["--task", "Task2", "--set_type", "dev", "--output_path", "DATASETS/Task2"])
    message = str(info.value.code)
    assert "https://zenodo.org/record/4642005/files/L3DAS_Task2_dev.zip" in message
    assert "name resolution" in message
    assert list(tmp_path.iterdir()) == []


def test_download_verify_extract_delete(tmp_path, monkeypatch):
    fake = FakeZenodo(_zip_bytes())
    monkeypatch.setattr(download, "_open_url", fake)
    monkeypatch.setattr(download, "CHUNK", 7)
    monkeypatch.chdir(tmp_path)
    run_script(["--task", "Task2", "--set_type", "dev", "--output_path", "DATASETS/Task2"])
    assert fake.urls == [API_URL, URL + "L3DAS_Task2_dev.zip"]
    extracted = tmp_path / "DATASETS" / "Task2" / "L3DAS_Task2_dev" / "labels"
    assert (extracted / "label_split0_ov1_0.csv").read_text() == "File,Start\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["DATASETS"]  # zip deleted


def test_checksum_mismatch_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(download, "_open_url", FakeZenodo(_zip_bytes(), checksum="0" * 32))
    with pytest.raises(DatasetCorruptError, match="expected 0000"):
        download.download_l3das_dataset("Task2", "dev", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_interrupted_download_never_looks_complete(tmp_path, monkeypatch):
    monkeypatch.setattr(download, "_open_url", FakeZenodo(_zip_bytes(), fail_after=50))
    with pytest.raises(DownloadError, match="connection reset"):
        download.download_l3das_dataset("Task2", "dev", tmp_path)
    assert not (tmp_path / "L3DAS_Task2_dev.zip").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["L3DAS_Task2_dev.zip.part"]
    # The next run starts over and completes.
    monkeypatch.setattr(download, "_open_url", FakeZenodo(_zip_bytes()))
    path = download.download_l3das_dataset("Task2", "dev", tmp_path)
    assert path.read_bytes() == _zip_bytes()
    assert not (tmp_path / "L3DAS_Task2_dev.zip.part").exists()


def test_existing_zip_is_kept_without_network(tmp_path, monkeypatch):
    (tmp_path / "L3DAS_Task2_dev.zip").write_bytes(_zip_bytes())

    def no_network(url, timeout=30):
        raise AssertionError("no download expected")

    monkeypatch.setattr(download, "_open_url", no_network)
    assert download.download_l3das_dataset("Task2", "dev", tmp_path).is_file()
    download.extract_dataset("Task2", "dev", "out", tmp_path)
    assert (tmp_path / "out" / "L3DAS_Task2_dev" / "data" / "readme.txt").is_file()


def test_bad_zip_and_unknown_set(tmp_path):
    (tmp_path / "L3DAS_Task2_train.zip").write_bytes(b"truncated")
    with pytest.raises(DatasetCorruptError, match="not a valid zip"):
        download.extract_dataset("Task2", "train", "out", tmp_path)
    with pytest.raises(ValueError, match="--set_type train100"):
        download.archive_name("Task2", "train100")
    assert download.archive_name("Task1", "train360") == "L3DAS_Task1_train360.zip"


def test_record_without_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(
        download, "_open_url", lambda url, timeout=30: io.BytesIO(b'{"files": {"entries": {}}}')
    )
    with pytest.raises(DownloadError, match="not listed"):
        download.download_l3das_dataset("Task2", "train", tmp_path)
