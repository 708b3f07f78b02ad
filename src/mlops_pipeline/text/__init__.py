"""Text processing shared by every text pipeline and model (seed 001's 4-stage NLP pipeline).

- :mod:`.cleaning` - stage 1, switchable cleaning steps (``text_light`` and the tokenizer input)
- :mod:`.tokenize` - stages 2 and 4, Penn Treebank tokens, lemmatization / stemming
- :mod:`.stopwords` - stage 3, negation-aware stop-word filter (consumers switch it on)
- :mod:`.preprocessor` - :class:`TextPreprocessor`, the one entry point for raw text
"""

from .cleaning import TextCleaner
from .preprocessor import DEFAULT_CONFIG, TextPreprocessor, resolve_config
from .stopwords import DEFAULT_STOP_WORDS, NEGATIONS, filter_stop_words, make_stop_word_filter

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_STOP_WORDS",
    "NEGATIONS",
    "TextCleaner",
    "TextPreprocessor",
    "filter_stop_words",
    "make_stop_word_filter",
    "resolve_config",
]
