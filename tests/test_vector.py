"""One-pass vector updates: against NumPy's two-pass expressions."""

import numpy as np
import pytest

from skdeep.nn._vector import axpy, scale


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_axpy_and_scale_match_numpy_in_place(dtype):
    rng = np.random.RandomState(0)
    x = rng.randn(1000).astype(dtype)
    y = rng.randn(1000).astype(dtype)
    # exact in float64; BLAS may fuse the multiply-add, so allow a rounding
    # error relative to the terms, not to their (possibly cancelling) sum
    expected = y.astype(np.float64) + 0.3 * x.astype(np.float64)
    bound = 4 * np.finfo(dtype).eps * (np.abs(y) + np.abs(0.3 * x))
    before = id(y)
    axpy(0.3, x, y)
    assert id(y) == before and y.dtype == dtype
    assert np.all(np.abs(y - expected) <= bound)
    scaled = -2.5 * y.astype(np.float64)
    scale(-2.5, y)
    assert np.all(np.abs(y - scaled) <= np.finfo(dtype).eps * np.abs(scaled))


def test_views_of_a_larger_vector_are_updated_in_place_only_in_their_range():
    base = np.zeros(10)
    axpy(2.0, np.ones(4), base[3:7])
    scale(3.0, base[5:9])
    np.testing.assert_array_equal(base, [0, 0, 0, 2, 2, 6, 6, 0, 0, 0])


@pytest.mark.parametrize(
    "x, y",
    [
        (np.ones(6)[::2], np.zeros(3)),  # strided input
        (np.ones((2, 3)), np.zeros((2, 3))),  # two axes
        (np.ones(3, dtype=np.float32), np.zeros(3)),  # mixed dtypes
        (np.ones(0), np.zeros(0)),  # empty
    ],
)
def test_fallback_paths_compute_the_same(x, y):
    expected = y + 0.5 * x
    axpy(0.5, x, y)
    np.testing.assert_array_equal(y, expected)
    scale(2.0, y)
    np.testing.assert_array_equal(y, 2 * expected)
