from .builders import mt  # noqa: F401  (fixture)
