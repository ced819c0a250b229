"""突发事件信息报送 endpoints. Handlers are thin: parse, call a service or selector, render."""
from ninja import Router

router = Router(tags=["突发事件信息报送"])
