"""Activations: values against independent formulas, derivatives against
central differences."""

import numpy as np
import pytest
from scipy.special import erf

from skdeep.nn import activations
from skdeep.utils import numerical_gradient

REFERENCE = {
    "identity": lambda z: z,
    "logistic": lambda z: 1 / (1 + np.exp(-z)),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)),
    "relu": lambda z: np.where(z > 0, z, 0.0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "elu": lambda z: np.where(z > 0, z, np.exp(z) - 1),
    "softplus": lambda z: np.log1p(np.exp(z)),
    "gelu": lambda z: 0.5 * z * (1 + erf(z / np.sqrt(2))),
    # torch.nn.SELU's constants, written out
    "selu": lambda z: (
        1.0507009873554805 * np.where(z > 0, z, 1.6732632423543772 * (np.exp(z) - 1))
    ),
    "mish": lambda z: z * np.tanh(np.log1p(np.exp(z))),
}


def test_every_activation_has_a_reference():
    assert set(REFERENCE) == set(activations.ACTIVATIONS)


# points away from the kinks at 0 of relu/leaky_relu/elu
Z = np.array([[-3.1, -1.2, -0.4], [0.3, 1.7, 4.2]])


@pytest.mark.parametrize("name", sorted(activations.ACTIVATIONS))
def test_forward_matches_reference(name):
    np.testing.assert_allclose(activations.get(name)(Z), REFERENCE[name](Z), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(activations.ACTIVATIONS))
def test_derivative_matches_central_differences(name):
    act = activations.get(name)
    analytic = act.gradient(Z)
    for idx in np.ndindex(Z.shape):
        z = np.array([Z[idx]])
        numeric = numerical_gradient(lambda v, act=act: float(act(v)[0]), z)
        np.testing.assert_allclose(analytic[idx], numeric[0], rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", sorted(activations.ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_and_derivative_keep_dtype_and_stay_finite(name, dtype):
    z = np.array([-1e4, -50.0, 0.0, 50.0, 1e4], dtype=dtype)
    act = activations.get(name)
    with np.errstate(over="raise", invalid="raise"):
        a = act(z)
        g = act.gradient(z)
    assert a.dtype == dtype and g.dtype == dtype
    assert np.isfinite(a).all() and np.isfinite(g).all()


def test_forward_is_in_place():
    z = Z.copy()
    activations.get("tanh").forward(z)
    np.testing.assert_allclose(z, np.tanh(Z))


def test_unknown_activation_lists_valid_names():
    with pytest.raises(ValueError, match="Unknown activation 'swish'.*relu"):
        activations.get("swish")


@pytest.mark.parametrize("name", sorted(activations.ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_training_forward_and_cache_agree_with_inference_rules(name, dtype):
    # the training path (forward_train, then derivative fed its cache) must give
    # the same values and slopes as the plain rules, kinks at 0 included
    act = activations.get(name)
    z = np.vstack([Z, [[0.0, -0.0, 1e-30]]]).astype(dtype)
    a = z.copy()
    cache = np.full_like(z, np.nan) if act.uses_cache else None
    act.forward_train(a, cache)
    np.testing.assert_array_equal(a, act(z))
    delta = np.ones_like(z)
    act.derivative(a, cache, delta)
    np.testing.assert_array_equal(delta, act.gradient(z))
    assert a.dtype == dtype and delta.dtype == dtype


@pytest.mark.parametrize("name", ["selu", "mish", "gelu", "elu", "softplus"])
def test_values_and_slopes_match_torch(name):
    torch = pytest.importorskip("torch")
    functional = {
        "selu": torch.nn.functional.selu,
        "mish": torch.nn.functional.mish,
        "gelu": torch.nn.functional.gelu,
        "elu": torch.nn.functional.elu,
        "softplus": torch.nn.functional.softplus,
    }[name]
    z = np.linspace(-6, 6, 49)
    tz = torch.tensor(z, requires_grad=True)
    out = functional(tz)
    out.sum().backward()
    act = activations.get(name)
    np.testing.assert_allclose(act(z), out.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(act.gradient(z), tz.grad.numpy(), rtol=1e-10, atol=1e-14)
