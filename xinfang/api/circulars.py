"""通报 endpoints. Handlers are thin: parse, call a service or selector, render."""
from ninja import Router

router = Router(tags=["通报"])
