"""The tabular encoder: per-column encodings from scikit-learn's parts, and
no error for unknown or missing categories at transform."""

import numpy as np
import pandas as pd
import pytest

from skdeep.tabular._columns import categorical_columns
from skdeep.tabular._encoder import TabularEncoder, smooth_clip


def table(n=40, seed=0):
    rng = np.random.RandomState(seed)
    return pd.DataFrame({
        "t": rng.normal(10, 3, n),
        "m": np.where(rng.rand(n) < 0.25, np.nan, rng.exponential(2, n)),
        "ok": rng.rand(n) < 0.5,
        "alloy": pd.Categorical(rng.choice(["a", "b", "c"], n)),
        "lot": rng.choice([f"L{i}" for i in range(12)], n).astype(object),
    })  # fmt: skip


def test_numeric_columns_are_robust_scaled_clipped_and_imputed():
    X = table()
    Z = TabularEncoder().fit(X).transform(X)
    m = X["m"].to_numpy()
    q25, q50, q75 = np.nanpercentile(m, [25, 50, 75], method="inverted_cdf")
    expected = smooth_clip((m - q50) / (q75 - q25))
    np.testing.assert_allclose(Z[:, 1], np.where(np.isnan(m), 0.0, expected))
    # the indicator of column m, after the three numeric columns
    np.testing.assert_array_equal(Z[:, 3], np.isnan(m))
    assert np.abs(Z[:, :3]).max() < 3


def test_few_categories_are_one_hot_many_get_codes():
    X = table()
    encoder = TabularEncoder(max_one_hot=8).fit(X)
    Z = encoder.transform(X)
    names = list(encoder.get_feature_names_out())
    assert names[-1] == "codes__lot" and encoder.n_dense_ == len(names) - 1
    assert encoder.cardinalities_ == [X["lot"].nunique() + 2]
    alloy = Z[:, [names.index(f"one_hot__alloy_{c}") for c in "abc"]]
    np.testing.assert_array_equal(alloy.argmax(axis=1), X["alloy"].cat.codes)
    codes = Z[:, -1]
    assert set(codes) == set(range(X["lot"].nunique()))


def test_unknown_and_missing_categories_get_codes_of_their_own():
    X = table()
    encoder = TabularEncoder().fit(X)
    new = X.iloc[:3].copy()
    new["lot"] = ["never seen", None, "L1"]
    new["alloy"] = pd.Categorical(["z", None, "a"])
    Z = encoder.transform(new)
    k = X["lot"].nunique()
    np.testing.assert_array_equal(
        Z[:, -1], [k + 1, k, sorted(X["lot"].unique()).index("L1")]
    )
    names = list(encoder.get_feature_names_out())
    alloy = Z[:, [i for i, n in enumerate(names) if n.startswith("one_hot__alloy")]]
    np.testing.assert_array_equal(alloy.sum(axis=1), [0, 0, 1])


def test_integer_codes_mean_the_same_as_ints_or_floats():
    # pandas holds a column of codes as floats once a value is missing
    rng = np.random.RandomState(0)
    codes = rng.randint(0, 12, 60)
    as_ints = pd.DataFrame({"x": rng.normal(size=60), "nozzle": codes})
    with_missing = as_ints.astype({"nozzle": float})
    with_missing.loc[0, "nozzle"] = np.nan
    for fitted, other in [(as_ints, with_missing), (with_missing, as_ints)]:
        encoder = TabularEncoder(categorical_features=["nozzle"]).fit(fitted)
        rows = slice(1, None)  # both hold the same codes here
        np.testing.assert_array_equal(
            encoder.transform(other.iloc[rows]), encoder.transform(fitted.iloc[rows])
        )
        unknown = len(encoder.cardinalities_) and encoder.cardinalities_[0] - 1
        assert unknown not in encoder.transform(other.iloc[rows])[:, -1]
    # a fractional float stays a category of its own
    frame = pd.DataFrame({"grade": [1.5, 2.0, 2.0, 3.25]})
    encoder = TabularEncoder(categorical_features=["grade"]).fit(frame)
    categories = encoder.column_transformer_.named_transformers_["one_hot"][-1]
    assert categories.categories_[0].tolist() == ["1.5", "2", "3.25"]


def test_arrays_with_categorical_indices():
    X = table().to_numpy()
    encoder = TabularEncoder(categorical_features=[3, 4]).fit(X)
    assert encoder.transform(X).shape[0] == len(X)
    np.testing.assert_array_equal(categorical_columns(X, "from_dtype"), [0, 0, 0, 1, 1])


@pytest.mark.parametrize(
    ("spec", "error", "match"),
    [
        ("all", ValueError, "'from_dtype', None"),
        ([True, False], ValueError, "one per column"),
        ([7], ValueError, r"lie in \[0, 4\]"),
        (["nope"], ValueError, "unknown columns"),
        ([0.5], TypeError, "names, integer indices or booleans"),
    ],
)
def test_bad_categorical_features_are_named(spec, error, match):
    with pytest.raises(error, match=match):
        categorical_columns(table(), spec)


def test_a_text_column_left_out_of_categorical_features_is_named():
    X = table()  # alloy is text; a list of names reads only those as categories
    with pytest.raises(ValueError, match=r"\['alloy'\] hold text"):
        TabularEncoder(categorical_features=[str(X.columns[4])]).fit(X)
    numbers_as_text = pd.DataFrame({"t": ["1.5", "2", "3"], "g": ["a", "b", "a"]})
    encoder = TabularEncoder(categorical_features=["g"]).fit(numbers_as_text)
    assert encoder.n_numeric_ == 1


def test_a_weight_of_k_encodes_as_k_repeated_rows():
    X = table(30, seed=1)
    weights = np.random.RandomState(0).randint(0, 4, len(X))
    weighted = TabularEncoder(max_one_hot=4).fit(X, sample_weight=weights)
    repeated = TabularEncoder(max_one_hot=4).fit(X.loc[X.index.repeat(weights)])
    np.testing.assert_array_equal(weighted.transform(X), repeated.transform(X))
    assert list(weighted.get_feature_names_out()) == list(
        repeated.get_feature_names_out()
    )
