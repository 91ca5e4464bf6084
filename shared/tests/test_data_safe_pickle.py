"""The data-only unpickler: plain data in, anything callable refused before it is imported."""

import io
import os
import pickle

import numpy as np
import pytest

from paramlab.data import UnsafePickleError, load_data_pickle


class Payload:
    def __reduce__(self):
        return (os.system, ("echo should-not-run > pwned.txt",))


def test_a_pickle_with_code_is_refused_and_not_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps({"data": Payload()}))
    with pytest.raises(UnsafePickleError, match=r"evil\.pkl: refusing to unpickle \w+\.system"):
        load_data_pickle(path)
    with open(path, "rb") as handle, pytest.raises(UnsafePickleError, match="not allowed"):
        load_data_pickle(handle)
    assert not (tmp_path / "pwned.txt").exists()


def test_a_refused_global_is_never_imported(tmp_path):
    path = tmp_path / "unknown.pkl"
    path.write_bytes(b"\x80\x02cparamlab_no_such_module\nthing\nq\x00.")
    with pytest.raises(UnsafePickleError, match="paramlab_no_such_module.thing"):
        load_data_pickle(path)


def test_data_pickle_round_trips_arrays_and_builtins(tmp_path):
    value = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": [1, (2, 3)], "c": np.int64(4)}
    path = tmp_path / "ok.pkl"
    path.write_bytes(pickle.dumps(value))
    for source in (path, str(path), io.BytesIO(path.read_bytes())):
        loaded = load_data_pickle(source)
        np.testing.assert_array_equal(loaded["a"], value["a"])
        assert loaded["a"].dtype == np.float32
        assert loaded["b"] == [1, (2, 3)] and loaded["c"] == 4


@pytest.mark.parametrize("module", [b"numpy.core.multiarray", b"numpy._core.multiarray"])
def test_both_numpy_module_spellings_load(module):
    # Protocol 2 names globals as text, so a pickle from either numpy generation can be made by
    # renaming the module of numpy's array-rebuilding function.
    value = [np.arange(5, dtype=np.int16), np.float64(2.5)]
    data = pickle.dumps(value, protocol=2)
    for spelling in (b"numpy.core.multiarray", b"numpy._core.multiarray"):
        data = data.replace(b"c" + spelling + b"\n", b"c" + module + b"\n")
    assert b"c" + module + b"\n_reconstruct\n" in data and b"c" + module + b"\nscalar\n" in data
    loaded = load_data_pickle(io.BytesIO(data))
    np.testing.assert_array_equal(loaded[0], value[0])
    assert loaded[0].dtype == np.int16 and loaded[1] == 2.5


def test_python2_strings_are_read_as_latin1():
    # A Python 2 ``str`` (SHORT_BINSTRING) with a non-ASCII byte, as in the CIFAR batches.
    data = b"\x80\x02}q\x00U\x05label" + b"q\x01U\x04caf\xe9q\x02s."
    assert load_data_pickle(io.BytesIO(data)) == {"label": "caf\xe9"}
    with pytest.raises(UnicodeDecodeError):
        load_data_pickle(io.BytesIO(data), encoding="ASCII")


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __reduce__(self):
        return (Point, (self.x, self.y))


def test_allow_adds_exactly_the_given_globals():
    data = pickle.dumps([Point(1, 2.5), np.arange(3)], protocol=2)
    key = (Point.__module__, "Point")
    with pytest.raises(UnsafePickleError, match=r"Point: not allowed"):
        load_data_pickle(io.BytesIO(data))

    class Stand:
        def __init__(self, x, y):
            self.args = (x, y)

    # the global resolves to the object given, never to the module the pickle names
    loaded = load_data_pickle(io.BytesIO(data), allow={key: Stand})
    assert isinstance(loaded[0], Stand) and loaded[0].args == (1, 2.5)
    np.testing.assert_array_equal(loaded[1], np.arange(3))
    evil = pickle.dumps([Point(1, 2), Payload()], protocol=2)
    with pytest.raises(UnsafePickleError, match=r"\w+\.system"):
        load_data_pickle(io.BytesIO(evil), allow={key: Point})
