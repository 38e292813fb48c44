"""Sphinx configuration of the skdeep documentation.

Build with ``python -m sphinx -b html . _build/html`` from this folder (or
``make html``); the API pages go to ``generated/`` and the example gallery to
``auto_examples/``, both rebuilt on every run.
"""

import os
import sys

# Import the package from this checkout even when it is not installed.
sys.path.insert(0, os.path.abspath(".."))

import skdeep

# -- Project ----------------------------------------------------------------
project = "skdeep"
author = "The skdeep developers"
copyright = "The skdeep developers"
version = skdeep.__version__
release = skdeep.__version__

# -- General ----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
default_role = "literal"

# -- autodoc / autosummary ----------------------------------------------------
autosummary_generate = True
# The generated module and class pages document their members.
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_member_order = "bysource"
autodoc_typehints = "none"

# numpydoc renders the sections; autosummary already lists the members.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# -- intersphinx ----------------------------------------------------------------
# Left empty so that the build needs no network. With network access, links to
# scikit-learn and NumPy can be turned on with, for example,
# {"sklearn": ("https://scikit-learn.org/stable/", None)}.
intersphinx_mapping = {}

# -- sphinx-gallery -------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "reference_url": {"skdeep": None},
    "matplotlib_animations": False,
    "remove_config_comments": True,
}

# The examples run headless.
os.environ.setdefault("MPLBACKEND", "Agg")

# -- HTML -------------------------------------------------------------------
html_theme = "alabaster"
html_title = f"skdeep {release}"
html_theme_options = {
    "description": "Fast NumPy neural networks that drop into scikit-learn.",
    "fixed_sidebar": True,
}


# -- Members inherited from scikit-learn ------------------------------------------
# The estimators inherit ``get_params``, ``set_params``, ``score`` and the
# metadata-routing methods from scikit-learn, whose docstrings link into
# scikit-learn's own documentation. They are listed once on the API page
# instead of being documented again here.
def _skip_sklearn_members(app, what, name, obj, skip, options):
    module = getattr(obj, "__module__", None) or ""
    if module == "sklearn" or module.startswith("sklearn."):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_sklearn_members)
