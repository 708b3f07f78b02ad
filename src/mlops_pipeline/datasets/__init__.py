"""Custom Kedro datasets, only where kedro-datasets has none."""

from .aclimdb import AclImdbDataset
from .artifact_dir import ArtifactDirDataset
from .atomic_parquet import AtomicParquetDataset
from .batch_files import BatchFilesDataset
from .dense_npy import NpyDataset
from .gensim_model import GensimModelDataset
from .reviews_file import ReviewsFileDataset
from .sparse_npz import SparseNpzDataset
from .text_models import TextModelsDataset
from .torch_state_dict import TorchStateDictDataset

__all__ = [
    "AclImdbDataset",
    "ArtifactDirDataset",
    "AtomicParquetDataset",
    "BatchFilesDataset",
    "GensimModelDataset",
    "NpyDataset",
    "ReviewsFileDataset",
    "SparseNpzDataset",
    "TextModelsDataset",
    "TorchStateDictDataset",
]
