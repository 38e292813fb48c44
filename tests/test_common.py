"""scikit-learn's estimator checks over every public estimator, no exceptions."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeep.utils import all_estimators


def test_estimators_are_discovered():
    names = {name for name, _ in all_estimators()}
    assert {"MLPRegressor", "MLPClassifier"} <= names


@parametrize_with_checks([cls() for _, cls in all_estimators()])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
