"""The online service for the registry's ``@champion`` (FastAPI + uvicorn; docs/serving.md):
``python -m mlops_pipeline.serve`` / ``make serve``. Modules by job: :mod:`.settings`,
:mod:`.holder` (the served model, its poll and safe swap), :mod:`.app` (routes, limits),
:mod:`.metrics` (Prometheus), :mod:`.request_log` (served reviews for the drift gate),
:mod:`.schemas` and :mod:`.docs_page` (offline ``/docs``)."""
