"""A small synthetic release in the exact ``aclImdb`` layout, for tests (never real data).

Reviews carry sentiment words so a model can learn, HTML breaks, URLs, unicode, one empty
review; several reviews share a movie (as in IMDb) so grouping matters.
"""

from __future__ import annotations

import io
import random
import tarfile
from pathlib import Path

POSITIVE = ["excellent", "wonderful", "brilliant", "superb", "loved", "great", "masterpiece"]
NEGATIVE = ["awful", "terrible", "boring", "worst", "waste", "horrible", "dull"]
NEUTRAL = ["movie", "film", "plot", "actor", "scene", "story", "director", "the", "a", "was", "it"]


def _review(rng: random.Random, polarity: str, index: int) -> str:
    words = [rng.choice(NEUTRAL) for _ in range(rng.randint(8, 20))]
    pool = POSITIVE if polarity == "pos" else NEGATIVE if polarity == "neg" else POSITIVE + NEGATIVE
    for _ in range(rng.randint(2, 4)):
        words.insert(rng.randrange(len(words) + 1), rng.choice(pool))
    text = " ".join(words).capitalize() + "."
    extras = [
        " <br /><br />It's not what I expected!",
        " See http://www.example.com/review for more.",
        " Café crème — naïve 😀.",
        " I didn't think so &amp; neither did she.",
    ]
    return text + extras[index % len(extras)]


def build_files(
    n_per_class: int = 40, n_unsup: int = 30, reviews_per_movie: int = 3, seed: int = 0
) -> dict[str, bytes]:
    """Return ``{member_name: bytes}`` of a complete synthetic release."""
    rng = random.Random(seed)
    files: dict[str, bytes] = {"aclImdb/README": b"synthetic aclImdb for tests\n"}
    folders = [
        ("train", "pos"),
        ("train", "neg"),
        ("test", "pos"),
        ("test", "neg"),
        ("train", "unsup"),
    ]
    movie = 0
    for split, folder in folders:
        count = n_unsup if folder == "unsup" else n_per_class
        urls = []
        for i in range(count):
            if i % reviews_per_movie == 0:
                movie += 1
            urls.append(f"http://www.imdb.com/title/tt{movie:07d}/usercomments")
            rating = (
                0
                if folder == "unsup"
                else (rng.randint(7, 10) if folder == "pos" else rng.randint(1, 4))
            )
            text = "" if (split, folder, i) == ("train", "pos", 5) else _review(rng, folder, i)
            files[f"aclImdb/{split}/{folder}/{i}_{rating}.txt"] = text.encode("utf-8")
        files[f"aclImdb/{split}/urls_{folder}.txt"] = ("\n".join(urls) + "\n").encode()
    return files


def write_archive(path: Path, files: dict[str, bytes] | None = None) -> Path:
    """Write ``files`` (default: :func:`build_files`) as a ``.tar.gz`` at ``path``."""
    files = build_files() if files is None else files
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def write_folder(root: Path, files: dict[str, bytes] | None = None) -> Path:
    """Write ``files`` extracted under ``root`` (returns ``root / 'aclImdb'``)."""
    files = build_files() if files is None else files
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root / "aclImdb"
