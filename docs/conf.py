"""Sphinx configuration of the skdeep documentation.

Build with ``python -m sphinx -b html . _build/html`` from this folder (or
``make html``); the API pages go to ``generated/`` and the example gallery to
``auto_examples/``, both rebuilt on every run.
"""

import os
import re
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

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
default_role = "literal"

# -- autodoc / autosummary ----------------------------------------------------
autosummary_generate = True
# Module pages list what the module's ``__all__`` lists, as autodoc documents.
autosummary_ignore_module_all = False
# The generated module and class pages document their members.
autodoc_default_options = {"members": True}
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
_HERE = os.path.dirname(os.path.abspath(__file__))
_EXAMPLES = os.path.join(_HERE, "..", "examples")
_GALLERY = os.path.join(_HERE, "auto_examples")


def _prune_stale_gallery_pages():
    """Remove generated gallery pages whose example no longer exists.

    sphinx-gallery rebuilds only what changed and never deletes, so a renamed or
    removed example would leave an orphan page behind (a toctree warning).
    """
    if not os.path.isdir(_GALLERY):
        return
    current = {
        name[: -len(".py")] for name in os.listdir(_EXAMPLES) if name.endswith(".py")
    }
    for name in os.listdir(_GALLERY):
        stem = name.split(".", 1)[0]
        if stem.startswith("plot_") and stem not in current:
            os.remove(os.path.join(_GALLERY, name))
    images = os.path.join(_GALLERY, "images")
    for folder in (images, os.path.join(images, "thumb")):
        if not os.path.isdir(folder):
            continue
        for name in os.listdir(folder):
            match = re.match(r"sphx_glr_(plot_.+?)(?:_\d{3})?(?:_thumb)?\.\w+$", name)
            if match and match.group(1) not in current:
                os.remove(os.path.join(folder, name))


_prune_stale_gallery_pages()

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
