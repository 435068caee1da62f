"""The build steps of ``scripts/build_datasets.py``, one module per bundled file family."""
