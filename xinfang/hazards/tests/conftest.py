from .builders import hz  # noqa: F401  (fixture)
