"""gunicorn settings of `xinfang serve` (passed with -c)."""
import threading


def post_worker_init(worker):
    """Each worker loads the registration suggestions' model and dictionaries in the
    background as it starts, so the first registrar of the day does not wait for them."""
    from xinfang.intake.warmup import intake_warm

    threading.Thread(target=intake_warm, name="intake-warm-up", daemon=True).start()
