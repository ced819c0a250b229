import logging

import pytest


@pytest.fixture(autouse=True)
def _quiet_request_log():
    # 404/409/422 answers are what these tests expect; Django would log each one.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)
