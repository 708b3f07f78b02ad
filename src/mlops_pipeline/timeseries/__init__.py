"""Time-series forecasting library used by the ``timeseries`` pipeline.

Modules: ``data`` (loading, validation, gap repair, covariate encoding), ``prep`` (chronological
split, train-only scaling, ACF window choice, leak-free windows), ``models`` (naive baselines,
ridge autoregression), ``lstm`` (the PyTorch forecaster), ``metrics`` and ``plots``.
"""
