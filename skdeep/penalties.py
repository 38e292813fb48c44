"""Penalties for the ``penalty`` parameter: ``penalty=ElasticNet(l1_ratio=0.5)``.

Examples
--------
>>> from skdeep import MLPRegressor
>>> from skdeep.penalties import L1
>>> MLPRegressor(penalty=L1(), alpha=1.0)
MLPRegressor(alpha=1.0, penalty=L1())
"""

from .nn.penalties import L1, L2, ElasticNet, Penalty

__all__ = ["Penalty", "L2", "L1", "ElasticNet"]
