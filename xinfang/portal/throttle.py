"""Per-address limits of the portal, counted like the public API's (xinfang.api.throttle).
Following a matter and rating share the API's own counters: a guesser gains nothing by
switching between the API and the pages."""
from xinfang.api.throttle import PublicThrottle, rating_throttle, track_throttle

submit_throttle = PublicThrottle(scope="portal_submit", setting="XINFANG_PORTAL_SUBMIT_RATE", default="20/h")
captcha_throttle = PublicThrottle(scope="portal_captcha", setting="XINFANG_PORTAL_CAPTCHA_RATE", default="60/m")

__all__ = ["captcha_throttle", "rating_throttle", "submit_throttle", "track_throttle"]
