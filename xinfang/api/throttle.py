"""A per-IP rate limit for the public endpoints, counted in the Django cache."""
from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle


class PublicThrottle(SimpleRateThrottle):
    """`setting` names the Django setting holding the rate ("60/m"); read per request so
    it can be changed without a restart of the module (and in tests)."""

    def __init__(self, *, scope: str, setting: str, default: str):
        self.scope, self.setting, self.default = scope, setting, default
        super().__init__(rate=default)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.setting, self.default)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str:
        return f"xinfang_throttle_{self.scope}_{client_ip(request)}"


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or — behind XINFANG_NUM_PROXIES trusted proxies — the address the
    outermost of them saw. X-Forwarded-For is not trusted otherwise: anyone can send it."""
    proxies = int(getattr(settings, "XINFANG_NUM_PROXIES", 0) or 0)
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote
    addrs = [a.strip() for a in forwarded.split(",") if a.strip()]
    return addrs[-min(proxies, len(addrs))] if addrs else remote


track_throttle = PublicThrottle(scope="public_track", setting="XINFANG_API_PUBLIC_RATE", default="60/m")
rating_throttle = PublicThrottle(scope="public_rating", setting="XINFANG_API_RATING_RATE", default="10/m")
