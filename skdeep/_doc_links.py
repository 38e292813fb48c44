"""Links from the estimators' HTML representation to their API pages.

scikit-learn's notebook repr links an estimator (and each of its parameters,
with its description from the docstring) to its documentation page when the
estimator names its package and page template; :class:`DocLinked` does so for
skdeep's estimators.
"""

from __future__ import annotations

__all__ = ["DOC_URL_TEMPLATE", "DocLinked"]

#: the API page of an estimator: the Sphinx autosummary page of the docs
DOC_URL_TEMPLATE = (
    "https://skdeep.readthedocs.io/en/{version}/generated/skdeep.{estimator_name}.html"
)


class DocLinked:
    """Mixin: the HTML repr links to the estimator's skdeep API page.

    Examples
    --------
    >>> from skdeep import MLPRegressor
    >>> MLPRegressor()._get_doc_link()
    'https://skdeep.readthedocs.io/en/0.1.0/generated/skdeep.MLPRegressor.html'
    """

    _doc_link_module = "skdeep"
    _doc_link_template = DOC_URL_TEMPLATE

    def _doc_link_url_param_generator(self) -> dict[str, str]:
        from . import __version__

        return {"version": __version__, "estimator_name": type(self).__name__}
