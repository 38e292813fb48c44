"""The notebook repr links each estimator to its API page and describes its
parameters, as scikit-learn's estimators do."""

import inspect
import pathlib
import re

import pytest
from sklearn.base import BaseEstimator

import skdeep

ESTIMATORS = [
    obj
    for name in skdeep.__all__
    if inspect.isclass(obj := getattr(skdeep, name)) and issubclass(obj, BaseEstimator)
]
API = (pathlib.Path(__file__).parents[1] / "docs" / "api.rst").read_text()


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_the_link_is_the_api_page_autosummary_generates(cls):
    link = cls()._get_doc_link()
    assert link == (
        f"https://skdeep.readthedocs.io/en/{skdeep.__version__}/generated/"
        f"skdeep.{cls.__name__}.html"
    )
    assert re.search(rf"^\s+{cls.__name__}$", API, re.MULTILINE), "not in api.rst"


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_the_html_repr_describes_every_parameter(cls):
    html = cls()._repr_html_()
    names = list(cls().get_params(deep=False))
    described = re.findall(r'<span class="param-doc-description"', html)
    assert len(described) == len(names)
    assert cls()._get_doc_link() in html
