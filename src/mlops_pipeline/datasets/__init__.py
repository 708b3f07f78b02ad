"""Custom Kedro datasets, only where kedro-datasets has none."""

from .aclimdb import AclImdbDataset
from .atomic_parquet import AtomicParquetDataset

__all__ = ["AclImdbDataset", "AtomicParquetDataset"]
