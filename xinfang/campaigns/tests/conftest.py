from xinfang.hazards.tests.builders import hz  # noqa: F401  (fixture)

from .builders import cp  # noqa: F401  (fixture)
