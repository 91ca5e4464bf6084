"""Download and extract the L3DAS21 archives from Zenodo record 4642005.

As the original ``download_dataset.py``: ``L3DAS_<task>_<set_type>.zip`` is fetched from
``https://zenodo.org/record/4642005/files/`` into the current directory (skipped when the zip
is already there), extracted into ``<cwd>/<output_path>`` (always, the original's "already
extracted" check never matches) and deleted. Added: the archive's md5 is read from the
record's metadata (``https://zenodo.org/api/records/4642005``), the download goes to
``<zip>.part`` and is renamed to ``<zip>`` only after its checksum matches, so an interrupted
or corrupted download never looks complete; without network it stops at once with a message
naming the URL. urllib replaces the ``wget`` package.
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from paramlab.data import DatasetCorruptError, DatasetError

__all__ = [
    "API_URL",
    "SET_TYPES",
    "URL",
    "DownloadError",
    "archive_name",
    "download_l3das_dataset",
    "expected_checksum",
    "extract_dataset",
]

URL = "https://zenodo.org/record/4642005/files/"
API_URL = "https://zenodo.org/api/records/4642005"
SET_TYPES = {"Task1": ("train100", "train360", "dev"), "Task2": ("train", "dev")}
TIMEOUT = 30
CHUNK = 1 << 20


class DownloadError(DatasetError, OSError):
    """The archive could not be fetched (no network, HTTP error); names the URL needed."""

    def __init__(self, url: str, path: str | os.PathLike, reason: str) -> None:
        message = (
            f"cannot download {url}: {reason}. This needs network access to zenodo.org; "
            f"otherwise download {url} by hand (record https://zenodo.org/record/4642005) into "
            f"{Path(path).parent} and run the command again."
        )
        super().__init__(message, "L3DAS21", path)
        self.url = url


def _open_url(url: str, timeout: float = TIMEOUT):
    """The network layer (a file-like HTTP response); replaced in tests."""
    return urllib.request.urlopen(url, timeout=timeout)


def archive_name(task: str, set_type: str) -> str:
    """``L3DAS_<task>_<set_type>.zip``; ``ValueError`` for a task / set the record lacks."""
    if task not in SET_TYPES or set_type not in SET_TYPES[task]:
        choices = "; ".join(f"{t}: {', '.join(s)}" for t, s in SET_TYPES.items())
        raise ValueError(f"--task {task} --set_type {set_type} is not in the record ({choices})")
    return f"L3DAS_{task}_{set_type}.zip"


def expected_checksum(name: str, destination: str | os.PathLike) -> tuple[str, str]:
    """(algorithm, hex digest) of archive ``name`` from the Zenodo record's metadata."""
    try:
        with _open_url(API_URL) as response:
            record = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = f"record metadata {API_URL}: {error}"
        raise DownloadError(URL + name, destination, reason) from None
    files = record.get("files", [])
    entries = files.get("entries", {}).values() if isinstance(files, dict) else files
    for entry in entries:
        if entry.get("key") == name and ":" in str(entry.get("checksum", "")):
            algorithm, digest = entry["checksum"].split(":", 1)
            return algorithm, digest
    raise DownloadError(URL + name, destination, f"{name} is not listed in {API_URL}")


def download_l3das_dataset(task: str, set_type: str, folder: str | os.PathLike = ".") -> Path:
    """Fetch ``L3DAS_<task>_<set_type>.zip`` into ``folder`` (default: the CWD) and verify it.

    Returns the zip's path. An existing zip is kept (the original's skip). Otherwise the bytes
    go to ``<zip>.part``; a checksum mismatch deletes it and raises ``DatasetCorruptError``.
    """
    name = archive_name(task, set_type)
    target = Path(folder) / name
    if target.exists():
        print("Existing folder\n")
        return target
    print("Downloading")
    algorithm, digest = expected_checksum(name, target)
    partial = target.with_name(name + ".part")
    hasher = hashlib.new(algorithm)
    try:
        with _open_url(URL + name) as response, open(partial, "wb") as handle:
            while chunk := response.read(CHUNK):
                hasher.update(chunk)
                handle.write(chunk)
    except (urllib.error.URLError, OSError) as error:
        raise DownloadError(URL + name, target, str(error)) from None
    if hasher.hexdigest() != digest:
        partial.unlink()
        raise DatasetCorruptError(
            "L3DAS21",
            target,
            f"{algorithm} of the downloaded bytes is {hasher.hexdigest()}, expected {digest}",
            "The partial file was deleted; run the download again.",
        )
    os.replace(partial, target)
    print("\n")
    return target


def extract_dataset(
    task: str, set_type: str, output_path: str | os.PathLike, folder: str | os.PathLike = "."
) -> Path:
    """Extract ``<folder>/L3DAS_<task>_<set_type>.zip`` into ``<folder>/<output_path>``; delete
    the zip."""
    archive = Path(folder) / archive_name(task, set_type)
    destination = Path(folder) / output_path
    print("Extracting the archive")
    try:
        with zipfile.ZipFile(archive, "r") as zip_ref:
            zip_ref.extractall(destination)
    except zipfile.BadZipFile as error:
        raise DatasetCorruptError("L3DAS21", archive, f"not a valid zip ({error})") from None
    print("Done")
    archive.unlink()
    return destination
