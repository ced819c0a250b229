"""平安创建 endpoints. Handlers are thin: parse, call a service or selector, render."""
from ninja import Router

router = Router(tags=["平安创建"])
