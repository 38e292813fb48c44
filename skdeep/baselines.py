"""Baselines users compare networks against: polynomial and penalized linear
regression as one estimator that grid-searches side by side with the networks."""

from __future__ import annotations

from numbers import Integral, Real

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

__all__ = ["PolynomialRegression", "make_baselines"]


class PolynomialRegression(RegressorMixin, BaseEstimator):
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
        names = getattr(self, "feature_names_in_", None)
        self.terms_ = pipeline.named_steps["poly"].get_feature_names_out(names)
        return self

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
