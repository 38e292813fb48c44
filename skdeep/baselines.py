"""Baselines users compare networks against: polynomial and penalized linear
regression as one estimator that grid-searches side by side with the networks."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._doc_links import DocLinked
from .nn._memory import check_fits_in_memory, format_bytes

__all__ = ["PolynomialRegression", "make_baselines"]

#: Most polynomial terms ``penalty=None`` accepts. ``LinearRegression`` solves
#: with SciPy's ``lstsq`` (LAPACK ``dgelsd``), which on a design matrix of 2 to
#: 32 rows applies its reflectors one at a time (``dorml2``); OpenBLAS's
#: ``dger`` then copies each reflector, a strided row of more than 2**22
#: float64 values, into its fixed 32 MiB work buffer and the process dies with
#: SIGSEGV (measured with SciPy 1.17's OpenBLAS 0.3.30: 10 x 4,194,304 solves,
#: 10 x 4,194,305 crashes; float32 crashes past 2**23). Wider problems are
#: also hopelessly underdetermined for a plain least-squares fit, so the limit
#: holds for any number of rows and both float types.
LSTSQ_MAX_TERMS = 2**22

#: peak memory of a fit, in design matrices: the expansion, the centred copy
#: the linear model makes and the Fortran-ordered copy LAPACK works on
#: (2.0 to 3.4 measured), with some headroom
_DESIGN_COPIES = 4

#: memory per term besides the design matrix: its name in ``terms_`` (about
#: 80 bytes measured) and its coefficient
_TERM_BYTES = 100

#: term counts above this are not computed exactly: no machine holds them
_TERMS_CAP = 10**18


def _n_terms(n_features: int, degree: int, interaction_only: bool) -> int:
    """Number of terms of the expansion without bias, in Python ints (exact up
    to ``_TERMS_CAP``, ``_TERMS_CAP + 1`` beyond, so huge degrees cost
    nothing); equal to ``PolynomialFeatures(include_bias=False)``'s count."""
    if interaction_only:  # sum of comb(n_features, k) for k = 1 .. degree
        total, count = 0, 1
        for k in range(1, min(degree, n_features) + 1):
            count = count * (n_features - k + 1) // k
            total += count
            if total > _TERMS_CAP:
                return _TERMS_CAP + 1
        return total
    # comb(n_features + degree, degree) - 1, built up as comb(n, k), k <= n / 2
    n, count = n_features + degree, 1
    for k in range(1, min(n_features, degree) + 1):
        count = count * (n - k + 1) // k
        if count > _TERMS_CAP:
            return _TERMS_CAP + 1
    return count - 1


def _term_names(n_features: int, degree: int, interaction_only: bool, names=None):
    """``PolynomialFeatures.get_feature_names_out`` without its dense
    ``(n_terms, n_features)`` matrix of powers."""
    names = [f"x{i}" for i in range(n_features)] if names is None else list(names)
    # a term as (name, name without its last factor, last feature, its power)
    terms = [(name, "", i, 1) for i, name in enumerate(names)]
    out = list(names)
    for d in range(2, degree + 1):
        higher = _higher_terms(terms, names, interaction_only)
        if d < degree:
            terms = list(higher)
            out.extend(term[0] for term in terms)
        else:  # the last degree needs only the names
            out.extend(term[0] for term in higher)
    return np.asarray(out, dtype=object)


def _higher_terms(terms, names, interaction_only):
    """The terms one degree higher, in ``PolynomialFeatures``' order."""
    for name, head, last, power in terms:
        if not interaction_only:
            part = f"{names[last]}^{power + 1}"
            yield (f"{head} {part}" if head else part), head, last, power + 1
        for j in range(last + 1, len(names)):
            yield f"{name} {names[j]}", name, j, 1


class PolynomialRegression(DocLinked, RegressorMixin, BaseEstimator):
    """Polynomial regression, plain or penalized, as one tunable estimator.

    Equal to ``make_pipeline(StandardScaler(), PolynomialFeatures(degree,
    include_bias=False), model)`` with ``model`` ``LinearRegression``,
    ``Ridge(alpha)``, ``Lasso(alpha)`` or ``ElasticNet(alpha, l1_ratio)`` for
    ``penalty`` None, 'l2', 'l1' or 'elasticnet'; so ``degree``, ``penalty``
    and ``alpha`` tune together in one ``GridSearchCV``. ``degree=1`` gives
    (penalized) linear regression.

    Parameters
    ----------
    degree : int, default=2
        Degree of the polynomial, >= 1.
    penalty : {None, 'l2', 'l1', 'elasticnet'}, default=None
        Penalty on the coefficients.
    alpha : float, default=1.0
        Penalty strength, with scikit-learn's scaling of the chosen model.
    l1_ratio : float, default=0.5
        L1 share of the 'elasticnet' penalty.
    interaction_only : bool, default=False
        Only products of distinct features (no powers).
    scale : bool, default=True
        Standardize the features before expanding them.

    Attributes
    ----------
    coef_ : ndarray of shape (n_terms,) or (n_outputs, n_terms)
        Coefficient of each polynomial term (of the scaled features when
        ``scale``).
    intercept_ : float or ndarray of shape (n_outputs,)
        Intercept.
    terms_ : ndarray of str of shape (n_terms,)
        Readable name of each term, e.g. ``'x0^2 x1'`` (or with the column
        names of a DataFrame).
    pipeline_ : Pipeline
        The fitted pipeline.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names seen during fit, when they are all strings.

    Notes
    -----
    ``degree`` expands ``n_features`` features into
    ``comb(n_features + degree, degree) - 1`` terms (``sum(comb(n_features,
    k) for k in 1 .. degree)`` with ``interaction_only``): 4,504,500 for 3000
    features at degree 2. :meth:`fit` counts them before expanding and raises
    a ValueError naming ``degree`` when the design matrix of ``n_samples`` x
    ``n_terms`` and the solvers' copies of it (about four) would not fit in
    this machine's memory, or when ``penalty=None`` would get more than
    ``LSTSQ_MAX_TERMS`` (2**22 = 4,194,304) terms: its least-squares solver
    (LAPACK ``gelsd`` through OpenBLAS) overflows a fixed 32 MiB buffer on
    wider matrices and kills the process. The penalties do not have that
    limit: Ridge solves the ``n_samples x n_samples`` dual problem of a wide
    design matrix; Lasso and elastic net work but slowly there (coordinate
    descent visits every term: minutes for 10 x 4,504,500).

    Examples
    --------
    >>> import numpy as np
    >>> from skdeep import PolynomialRegression
    >>> x = np.linspace(-2, 2, 30).reshape(-1, 1)
    >>> y = 3 * x[:, 0] ** 2 + 2 * x[:, 0] + 2
    >>> model = PolynomialRegression(degree=2, scale=False).fit(x, y)
    >>> model.terms_.tolist(), model.coef_.round(6).tolist()
    (['x0', 'x0^2'], [2.0, 3.0])
    """

    _parameter_constraints: dict = {
        "degree": [Interval(Integral, 1, None, closed="left")],
        "penalty": [StrOptions({"l2", "l1", "elasticnet"}), None],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "interaction_only": ["boolean"],
        "scale": ["boolean"],
    }

    def __init__(
        self,
        degree=2,
        *,
        penalty=None,
        alpha=1.0,
        l1_ratio=0.5,
        interaction_only=False,
        scale=True,
    ):
        self.degree = degree
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.interaction_only = interaction_only
        self.scale = scale

    def _model(self):
        if self.penalty is None:
            return LinearRegression()
        if self.penalty == "l2":
            return Ridge(alpha=self.alpha)
        if self.penalty == "l1":
            return Lasso(alpha=self.alpha)
        return ElasticNet(alpha=self.alpha, l1_ratio=self.l1_ratio)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the polynomial model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : PolynomialRegression

        Raises
        ------
        ValueError
            If the expansion would not fit in memory, or if ``penalty=None``
            would get more than ``LSTSQ_MAX_TERMS`` terms (see Notes), before
            anything is expanded.
        """
        saved = dict(self.__dict__)
        try:
            return self._fit(X, y, sample_weight)
        except BaseException:  # a failed fit leaves the fitted model as it was
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    def _fit(self, X, y, sample_weight):
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True)
        self._check_size(*X.shape, X.dtype)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, ensure_non_negative=True
            )
        steps = [("scale", StandardScaler())] if self.scale else []
        steps += [
            (
                "poly",
                PolynomialFeatures(
                    self.degree,
                    interaction_only=self.interaction_only,
                    include_bias=False,
                ),
            ),
            ("model", self._model()),
        ]
        pipeline = Pipeline(steps)
        if sample_weight is None:
            pipeline.fit(X, y)
        else:
            params = {"model__sample_weight": sample_weight}
            if self.scale:
                params["scale__sample_weight"] = sample_weight
            pipeline.fit(X, y, **params)
        self.pipeline_ = pipeline
        model = pipeline.named_steps["model"]
        self.coef_ = model.coef_
        self.intercept_ = model.intercept_
        self.terms_ = _term_names(
            X.shape[1],
            self.degree,
            self.interaction_only,
            getattr(self, "feature_names_in_", None),
        )
        return self

    def _check_size(self, n_samples: int, n_features: int, dtype) -> None:
        """Raise a ValueError, before expanding, when the expansion cannot fit
        in memory or exceeds what the least-squares solver handles."""
        n_terms = _n_terms(n_features, self.degree, self.interaction_only)
        expands = (
            f"degree={self.degree}"
            + (" with interaction_only=True" if self.interaction_only else "")
            + f" expands {n_features:,} features into"
        )
        smaller = "Lower `degree`, select fewer features"
        other = "or use skdeep.MLPRegressor, whose size does not grow with the degree."
        if n_terms > _TERMS_CAP:
            raise ValueError(
                f"{expands} more than {_TERMS_CAP:.0e} terms, more than any "
                f"machine's memory holds. {smaller} {other}"
            )
        expands += f" {n_terms:,} terms"
        dtype = np.dtype(np.float32 if dtype == np.float32 else np.float64)
        design = n_samples * n_terms * dtype.itemsize
        try:
            check_fits_in_memory(
                _DESIGN_COPIES * design + _TERM_BYTES * n_terms,
                f"{expands}: fitting on the {n_samples:,} x {n_terms:,} "
                f"{dtype.name} design matrix ({format_bytes(design)}) and its copies",
            )
        except ValueError as exc:
            raise ValueError(f"{exc} {smaller} {other}") from None
        if self.penalty is None and n_terms > LSTSQ_MAX_TERMS:
            raise ValueError(
                f"{expands}, more than the {LSTSQ_MAX_TERMS:,} the least-squares "
                "solver of penalty=None (LAPACK gelsd) handles: wider design "
                f"matrices crash it. {smaller}, use penalty='l2' (Ridge solves "
                "the n_samples x n_samples dual problem) or skdeep.MLPRegressor."
            )

    def predict(self, X):
        """Predict with the fitted polynomial.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.pipeline_.predict(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


def make_baselines(random_state=None) -> dict[str, BaseEstimator]:
    """The named baselines users compare networks against.

    Linear regression, its Ridge, Lasso and elastic-net versions, and
    polynomial regression of degree 2 (plain) and 3 (with a ridge penalty),
    all on standardized features.

    Parameters
    ----------
    random_state : None
        Accepted for symmetry with the network factories; the baselines are
        deterministic.

    Returns
    -------
    dict of str to estimator
        Unfitted estimators, ready for :func:`skdeep.compare`.

    Examples
    --------
    >>> from skdeep import make_baselines
    >>> list(make_baselines())
    ['Linear', 'Ridge', 'Lasso', 'ElasticNet', 'Polynomial (2)', 'Polynomial ridge (3)']
    """
    return {
        "Linear": PolynomialRegression(degree=1),
        "Ridge": PolynomialRegression(degree=1, penalty="l2", alpha=1.0),
        "Lasso": PolynomialRegression(degree=1, penalty="l1", alpha=0.01),
        "ElasticNet": PolynomialRegression(degree=1, penalty="elasticnet", alpha=0.01),
        "Polynomial (2)": PolynomialRegression(degree=2),
        "Polynomial ridge (3)": PolynomialRegression(degree=3, penalty="l2", alpha=1.0),
    }
