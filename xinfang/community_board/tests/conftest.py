from .builders import cb, em, matters  # noqa: F401  (fixtures)
