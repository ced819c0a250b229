"""责任倒查与问责 endpoints. Handlers are thin: parse, call a service or selector, render."""
from ninja import Router

router = Router(tags=["责任倒查与问责"])
