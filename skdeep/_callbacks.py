"""scikit-learn's callback API (``sklearn.callback``, 1.9+), when it exists.

On older scikit-learn the mixin adds nothing and the decorator does nothing, so
the estimators simply have no ``set_callbacks``.
"""

from __future__ import annotations

import copy

try:  # scikit-learn >= 1.9
    from sklearn.callback import CallbackSupportMixin, with_callbacks

    HAS_CALLBACKS = True
except ImportError:  # pragma: no cover - exercised on scikit-learn < 1.9

    class CallbackSupportMixin:  # type: ignore[no-redef]
        """Placeholder: this scikit-learn has no callback API."""

    def with_callbacks(method):  # type: ignore[no-redef]
        return method

    HAS_CALLBACKS = False

__all__ = ["CallbackSupportMixin", "with_callbacks", "HAS_CALLBACKS", "FitCallbacks"]


class FitCallbacks:
    """Drives the callback context of one ``fit``/``partial_fit`` call.

    The root task spans the call; with ``per_epoch`` each epoch is a subtask
    whose end hands the callbacks a snapshot of the network (so
    ``ScoringMonitor`` can score the model at that epoch) and may ask training
    to stop.
    """

    def __init__(self, estimator, X, y, sample_weight, *, task_name, max_subtasks):
        self.estimator, self.X, self.y = estimator, X, y
        self.metadata = (
            None if sample_weight is None else {"sample_weight": sample_weight}
        )
        self.context = None
        self._epoch = None
        if HAS_CALLBACKS:
            self.context = estimator._init_callback_context(
                task_name=task_name, max_subtasks=max_subtasks
            )
            self.context.call_on_fit_task_begin(
                estimator=estimator, X=X, y=y, metadata=self.metadata
            )

    def on_epoch_begin(self) -> None:
        self._epoch = self.context.subcontext(task_name="epoch")
        self._epoch.call_on_fit_task_begin(
            estimator=self.estimator, X=self.X, y=self.y, metadata=self.metadata
        )

    def on_epoch_end(self) -> bool:
        """End the epoch's subtask; True when a callback asks to stop."""
        network = self.estimator._network
        return bool(
            self._epoch.call_on_fit_task_end(
                estimator=self.estimator,
                X=self.X,
                y=self.y,
                metadata=self.metadata,
                reconstruction_attributes=lambda: {"_network": copy.deepcopy(network)},
            )
        )

    def end(self) -> None:
        if self.context is not None:
            self.context.call_on_fit_task_end(
                estimator=self.estimator,
                X=self.X,
                y=self.y,
                metadata=self.metadata,
                reconstruction_attributes={},
            )
