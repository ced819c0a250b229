from .builders import em  # noqa: F401  (fixture)
