"""Persistence (pickle, joblib, skops), thread-safe prediction, BLAS threads."""

import copy
import io
import json
import pickle
import struct
import warnings
import zipfile
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
import scipy.sparse
import skops.io as sio
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_validate
from sklearn.pipeline import make_pipeline
from threadpoolctl import threadpool_info

from skdeep import (
    MLPClassifier,
    MLPRegressor,
    PolynomialRegression,
    SequenceScaler,
    SimpleRNN,
    SimpleRNNClassifier,
)
from skdeep.io import load, save, trusted_types
from skdeep.nn.optimizers import Adam

rng = np.random.RandomState(0)
X2, X3 = rng.normal(size=(60, 4)), rng.normal(size=(60, 5, 2))
Y, LABELS = rng.normal(size=60), np.arange(60) % 3

MODELS = {
    "mlp": lambda: (
        MLPRegressor(hidden_layer_sizes=(6, 5), dropout=0.2, normalization="batch"),
        X2,
        Y,
    ),
    "classifier": lambda: (
        MLPClassifier(hidden_layer_sizes=(6,), solver="sgd"),
        X2,
        LABELS,
    ),
    "rnn": lambda: (SimpleRNN(hidden_layer_sizes=(4, 3)), X3, Y),
    "rnn-classifier": lambda: (
        SimpleRNNClassifier(hidden_layer_sizes=(4,)),
        X3,
        LABELS,
    ),
    "pipeline": lambda: (
        make_pipeline(SequenceScaler(), SimpleRNN(hidden_layer_sizes=(4,))),
        X3,
        Y,
    ),
}


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def fit(name):
    est, X, y = MODELS[name]()
    est.set_params(**{k: v for k, v in {"max_iter": 3, "random_state": 0}.items()}) if (
        hasattr(est, "max_iter")
    ) else est.set_params(**{f"{est.steps[-1][0]}__max_iter": 3})
    return est.fit(X, y), X, y


def continue_training(est, X, y):
    final = est[-1] if hasattr(est, "steps") else est
    Xt = est[:-1].transform(X) if hasattr(est, "steps") else X
    final.partial_fit(Xt, y)
    return est


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("how", ["pickle", "joblib", "skops"])
def test_round_trip_keeps_everything(name, how, tmp_path):
    est, X, y = fit(name)
    path = tmp_path / "model"
    if how == "pickle":
        restored = pickle.loads(pickle.dumps(est))
    elif how == "joblib":
        joblib.dump(est, path)
        restored = joblib.load(path)
    else:
        save(est, path)
        restored = load(path)
    np.testing.assert_array_equal(restored.predict(X), est.predict(X))
    # training continues as it would have without the round trip (to rounding:
    # a fresh array's memory alignment can change NumPy's summation order)
    continue_training(est, X, y)
    continue_training(restored, X, y)
    np.testing.assert_allclose(restored.predict(X), est.predict(X), rtol=1e-12)


def test_unpickled_views_and_nothing_redundant():
    est, X, y = fit("mlp")
    restored = pickle.loads(pickle.dumps(est))
    net = restored._network
    assert all(np.shares_memory(c, net.params) for c in restored.coefs_)
    assert np.shares_memory(restored.intercepts_[0], net.params)
    # the pickle holds the parameters once, not once more per view or gradient
    size = len(pickle.dumps(est))
    extra = np.zeros(10 * net.params.size)
    assert size < len(pickle.dumps((est, extra))) - extra.nbytes + 1000


def test_skops_lists_only_skdeep_types(tmp_path):
    for name in sorted(MODELS):
        est, _, _ = fit(name)
        path = tmp_path / f"{name}.skops"
        save(est, path)
        untrusted = sio.get_untrusted_types(file=path)
        assert untrusted and all(t.startswith("skdeep.") for t in untrusted)
        assert set(untrusted) <= trusted_types()


class ForeignOptimizer(Adam):
    """An optimizer defined outside skdeep."""


def test_load_refuses_foreign_types(tmp_path):
    est = MLPRegressor(hidden_layer_sizes=(3,), solver=ForeignOptimizer(), max_iter=2)
    est.fit(X2, Y)
    path = tmp_path / "foreign.skops"
    sio.dump(est, path)
    with pytest.raises(ValueError, match="not skdeep's own.*ForeignOptimizer"):
        load(path)


INVALID = "is not a valid skdeep model"


def small_model():
    est = MLPRegressor(hidden_layer_sizes=(3,), solver="lbfgs", max_iter=2)
    return est.fit(X2, Y)


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path / "model.skops"
    save(small_model(), path)
    return path


def read_members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_members(path, members):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def edit_schema(path, edit):
    """Rewrite the skops file ``path`` with ``edit(schema)`` as its schema
    (an object to serialize, or the text to store)."""
    members = read_members(path)
    schema = edit(json.loads(members["schema.json"]))
    raw = isinstance(schema, str | bytes)  # JSON text, possibly malformed
    members["schema.json"] = schema if raw else json.dumps(schema)
    write_members(path, members)


def attributes(schema):
    """The estimator's attributes in a skops schema, as skops stores them."""
    return schema["content"]["content"]


def array_nodes(schema):
    """Every node of ``schema`` that reads an array from a zip member."""
    found, stack = [], [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found += [node] if "file" in node else []
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def test_load_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.skops")


def test_load_directory_is_not_a_model(tmp_path):
    with pytest.raises(ValueError, match=f"{INVALID}: it is a directory") as info:
        load(tmp_path)
    assert str(tmp_path) in str(info.value)
    assert isinstance(info.value.__cause__, OSError)


def test_load_empty_file(tmp_path):
    path = tmp_path / "empty.skops"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match=f"{INVALID}: it is empty") as info:
        load(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value.__cause__, zipfile.BadZipFile)


@pytest.mark.parametrize("fraction", [0.001, 0.2, 0.5, 0.8, 0.999])
def test_load_truncated_file(model_file, fraction):
    data = model_file.read_bytes()
    model_file.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(ValueError, match=INVALID) as info:
        load(model_file)
    assert str(model_file) in str(info.value)
    assert info.value.__cause__ is not None


@pytest.mark.parametrize("prefix", [b"", b"PK\x03\x04", b"\x93NUMPY"])
def test_load_random_bytes(tmp_path, prefix):
    path = tmp_path / "random.skops"
    path.write_bytes(prefix + np.random.RandomState(0).bytes(5000))
    with pytest.raises(
        ValueError, match=f"{INVALID}: it is not a complete zip archive"
    ):
        load(path)


def test_load_zip_without_schema(model_file):
    members = read_members(model_file)
    del members["schema.json"]
    write_members(model_file, members)
    with pytest.raises(ValueError, match=f"{INVALID}: it is not a skops file"):
        load(model_file)


def _drop_class(schema):
    del schema["__class__"]
    return schema


def _unknown_loader(schema):
    schema["__loader__"] = "NoSuchNode"
    return schema


def _bad_protocol(schema):
    schema["protocol"] = "two"
    return schema


@pytest.mark.parametrize(
    "edit",
    [
        lambda schema: json.dumps(schema)[:-40],  # cut short: not JSON
        lambda schema: b"\xff\xfe\x00garbage",  # not text
        lambda schema: [1, 2, 3],
        _drop_class,
        _unknown_loader,
        _bad_protocol,
    ],
    ids=["cut", "binary", "list", "no-class", "unknown-loader", "bad-protocol"],
)
def test_load_corrupted_schema(model_file, edit):
    edit_schema(model_file, edit)
    with pytest.raises(ValueError, match=INVALID) as info:
        load(model_file)
    assert info.value.__cause__ is not None


def _nested_lists(schema, depth=400):
    node = {"__class__": "list", "__module__": "builtins", "__loader__": "ListNode"}
    nested = {**node, "content": []}
    for _ in range(depth):
        nested = {**node, "content": [nested]}
    attributes(schema)["loss_curve_"] = nested
    return schema


@pytest.mark.parametrize(
    "edit",
    [lambda schema: ("[" * 100_000 + "]" * 100_000).encode(), _nested_lists],
    ids=["json", "nodes"],
)
def test_load_deeply_nested_schema(model_file, edit):
    edit_schema(model_file, edit)
    with pytest.raises(ValueError, match=f"{INVALID}: its content is nested") as info:
        load(model_file)
    assert isinstance(info.value.__cause__, RecursionError)


def test_load_missing_array_member(model_file):
    members = read_members(model_file)
    del members[next(name for name in members if name.endswith(".npy"))]
    write_members(model_file, members)
    with pytest.raises(ValueError, match=f"{INVALID}: its schema names a member"):
        load(model_file)


def test_load_array_header_must_match_its_data(model_file):
    members = read_members(model_file)
    name = max(members, key=lambda n: len(members[n]) if n.endswith(".npy") else 0)
    header = {"descr": "<f8", "fortran_order": False, "shape": (2**40,)}
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    members[name] = buffer.getvalue() + np.zeros(1).tobytes()  # 8 TiB claimed
    write_members(model_file, members)
    with pytest.raises(ValueError, match=f"{name}' is damaged.*header describes"):
        load(model_file, max_bytes=None)


@pytest.fixture
def zip_bomb(tmp_path):
    """A real model whose 8 MiB of parameters deflate to a few kilobytes."""
    est = MLPRegressor(hidden_layer_sizes=(1024, 1024), solver="lbfgs", max_iter=1)
    est.fit(X2[:4], Y[:4])
    est._network.params[:] = 0
    path = tmp_path / "bomb.skops"
    sio.dump(est, path, compression=zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 100_000
    return est, path


def test_load_refuses_zip_bomb(zip_bomb):
    est, path = zip_bomb
    with pytest.raises(ValueError, match="limit") as info:
        load(path, max_bytes=4 << 20)
    message = str(info.value)
    assert str(path) in message
    assert "holds 8.1 MiB of array data" in message
    assert "limit of 4.0 MiB" in message and "max_bytes=" in message
    for max_bytes in (16 << 20, None):
        restored = load(path, max_bytes=max_bytes)
        np.testing.assert_array_equal(restored.predict(X2), est.predict(X2))


def test_load_refuses_schema_bomb(model_file):
    # valid JSON: 4 MiB of trailing spaces, deflated to a few kilobytes
    edit_schema(model_file, lambda schema: json.dumps(schema) + " " * (4 << 20))
    assert model_file.stat().st_size < 100_000
    with pytest.raises(ValueError, match=r"has a 4\.\d MiB schema\.json") as info:
        load(model_file, max_bytes=64 << 20)
    assert "limit of 64.0 MiB" in str(info.value)
    assert load(model_file, max_bytes=None).n_features_in_ == 4


def claim_size(path, name, size):
    """Make the zip directory of ``path`` claim ``size`` bytes for ``name``."""
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")  # a central directory entry
    while data[entry + 46 : entry + 46 + len(name)] != name.encode():
        entry = data.index(b"PK\x01\x02", entry + 1)
    data[entry + 24 : entry + 28] = struct.pack("<I", size)
    path.write_bytes(bytes(data))


def test_load_default_limit_reads_the_zip_directory(model_file):
    name = next(n for n in read_members(model_file) if n.endswith(".npy"))
    claim_size(model_file, name, int(1.1 * 2**30))
    with pytest.raises(ValueError, match=r"holds 1\.1 GiB.*limit of 1\.0 GiB"):
        load(model_file)
    # the data do not match what the directory claims
    with pytest.raises(ValueError, match=f"{INVALID}: its member '{name}'"):
        load(model_file, max_bytes=None)


def test_load_counts_every_reference_to_an_array(zip_bomb):
    _, path = zip_bomb
    with zipfile.ZipFile(path) as archive:
        params = max(archive.infolist(), key=lambda info: info.file_size).filename

    def refer_again(schema):
        node = next(node for node in array_nodes(schema) if node["file"] == params)
        for i in range(2):  # two more nodes reading the 8 MiB of parameters
            attributes(schema)[f"copy{i}_"] = {**copy.deepcopy(node), "__id__": i}
        return schema

    load(path, max_bytes=16 << 20)
    edit_schema(path, refer_again)
    with pytest.raises(ValueError, match=r"holds 24\.2 MiB of array data"):
        load(path, max_bytes=16 << 20)


def test_load_counts_arrays_in_nested_archives(tmp_path):
    est = small_model()
    est.extra_ = scipy.sparse.csr_matrix(np.ones((1, 2**19)))  # 6 MiB as .npz
    path = tmp_path / "sparse.skops"
    sio.dump(est, path)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(ValueError, match=r"holds 6\.\d MiB of array data"):
        load(path, max_bytes=4 << 20)


@pytest.mark.parametrize(
    "max_bytes, error",
    [(0, ValueError), (-1, ValueError), (1.5, TypeError), ("1", TypeError)]
    + [(True, TypeError)],
)
def test_load_bad_max_bytes(model_file, max_bytes, error):
    with pytest.raises(error, match="max_bytes must be"):
        load(model_file, max_bytes=max_bytes)


def test_load_accepts_numpy_integer_max_bytes(model_file):
    assert load(model_file, max_bytes=np.int64(1 << 30)).n_features_in_ == 4


def test_polynomial_regression_round_trip(tmp_path):
    est = PolynomialRegression(3, penalty="l2").fit(X2, Y)
    save(est, tmp_path / "poly.skops")
    np.testing.assert_array_equal(
        load(tmp_path / "poly.skops").predict(X2), est.predict(X2)
    )


@pytest.mark.parametrize("name", ["mlp", "rnn", "classifier"])
def test_predict_from_many_threads(name):
    est, X, _ = fit(name)
    big = np.concatenate([X] * 50)
    expected = est.predict(big)
    proba = est.predict_proba(big) if hasattr(est, "predict_proba") else None
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: est.predict(big), range(32)))
        if proba is not None:
            probas = list(pool.map(lambda _: est.predict_proba(big), range(32)))
            for p in probas:
                np.testing.assert_array_equal(p, proba)
    for r in results:
        np.testing.assert_array_equal(r, expected)


class ThreadProbe(MLPRegressor):
    """Records the BLAS threads in effect while training."""

    def _train_stochastic(self, *args, **kwargs):
        self.blas_threads_ = max(
            (i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"),
            default=0,
        )
        return super()._train_stochastic(*args, **kwargs)


# small: skdeep's own one-thread rule; large (150 rows x a 600 x 600 layer is
# above it): joblib's workers get one thread each
@pytest.mark.parametrize("hidden", [(8,), (600, 600)], ids=["small", "large"])
def test_parallel_fits_do_not_oversubscribe(hidden):
    X = rng.normal(size=(300, 150))
    y = rng.normal(size=300)
    est = ThreadProbe(
        hidden_layer_sizes=hidden, batch_size=150, max_iter=1, random_state=0
    )
    result = cross_validate(est, X, y, cv=2, n_jobs=2, return_estimator=True)
    threads = [e.blas_threads_ for e in result["estimator"]]
    assert threads == [1, 1]  # 2 workers x 1 thread on 2 cores


@pytest.mark.parametrize("n_members", [1, 2])
def test_tabular_networks_round_trip_through_skdeep_io(tmp_path, n_members):
    import pandas as pd

    from skdeep import TabularMLPClassifier, TabularMLPRegressor

    rng = np.random.RandomState(0)
    X = pd.DataFrame({
        "t": np.where(rng.rand(80) < 0.1, np.nan, rng.normal(size=80)),
        "lot": rng.choice([f"L{i}" for i in range(12)], 80),
        "gas": pd.Categorical(rng.choice(["argon", "nitrogen"], 80)),
    })  # fmt: skip
    y = np.nan_to_num(X["t"].to_numpy()) + (X["gas"] == "argon")
    for model in (
        TabularMLPRegressor(n_members=n_members, max_iter=3, random_state=0),
        TabularMLPClassifier(n_members=n_members, max_iter=3, random_state=0),
    ):
        target = y if isinstance(model, TabularMLPRegressor) else y > np.median(y)
        model.set_params(hidden_layer_sizes=(8,)).fit(X, target)
        path = tmp_path / f"{type(model).__name__}.skops"
        save(model, path)
        np.testing.assert_array_equal(load(path).predict(X), model.predict(X))
