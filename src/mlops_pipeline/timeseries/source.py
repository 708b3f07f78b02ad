"""The catalog dataset of the raw series (``ts_raw``): a CSV whose problems name the file.

Every loaded frame carries its path in ``frame.attrs["filepath"]``, so the checks of
:func:`mlops_pipeline.timeseries.data.validate_and_repair` (an empty file, a header without
rows, a missing column, an ``inf`` value) raise one-line
:class:`~mlops_pipeline.errors.UserInputError` messages naming the file. An empty file loads as
an empty frame for that reason: raised here, the error would reach the user wrapped in Kedro's
multi-line ``DatasetError``; raised by the first node, it arrives as it is.
"""

from __future__ import annotations

import pandas as pd
from kedro.io.core import DatasetError
from kedro_datasets.pandas import CSVDataset

from mlops_pipeline.errors import UserInputError


class SeriesFileError(UserInputError, DatasetError):
    """The series file does not exist (Kedro's catalog re-wraps it: see ``__cause__``)."""


class SeriesCSVDataset(CSVDataset):
    """``pandas.CSVDataset`` for the series: empty files load empty, the path rides along."""

    def load(self) -> pd.DataFrame:
        path = str(self._get_load_path())
        try:
            frame = super().load()
        except DatasetError as exc:
            cause = exc.__cause__
            if isinstance(cause, FileNotFoundError):
                raise SeriesFileError(
                    f"{path}: no such file; point --params timeseries.data.filepath=<csv> at an "
                    "existing CSV (the default series is written by `make data`)"
                ) from exc
            if not isinstance(cause, pd.errors.EmptyDataError):
                raise
            frame = pd.DataFrame()  # no header, no rows: refused by the first node
        frame.attrs["filepath"] = path
        return frame
