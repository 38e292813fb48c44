"""scikit-learn's estimator checks over every public estimator, no exceptions."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeep.utils import all_estimators

#: settings that make the checks' many fits quick, as scikit-learn's own
#: test suite sets them (its ``_set_checking_parameters``): the tabular
#: networks' 'auto' epochs are 256 on the checks' small tables
CHECKING_PARAMETERS = {
    "TabularMLPRegressor": {"max_iter": 32},
    "TabularMLPClassifier": {"max_iter": 32},
}


def test_estimators_are_discovered():
    names = {name for name, _ in all_estimators()}
    assert {"MLPRegressor", "MLPClassifier"} <= names


@parametrize_with_checks(
    [cls(**CHECKING_PARAMETERS.get(name, {})) for name, cls in all_estimators()]
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
