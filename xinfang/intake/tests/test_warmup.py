"""The warm-up a server worker runs at start: it loads the suggestions' model, and a failure
only logs."""
import pytest

from xinfang import gunicorn_conf
from xinfang.intake import selectors, warmup


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_warm_up_loads_the_model_once_for_the_process():
    selectors.classifier_cache_clear()
    assert selectors._loaded["classifier"] is None
    assert warmup.intake_warm() is True
    loaded = selectors._loaded["classifier"]
    assert loaded is not None
    # a later suggestion reuses it
    assert selectors.classifier_active() is loaded


def test_a_failed_warm_up_only_logs(monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("no such table: intake_intakemodel")

    monkeypatch.setattr(selectors, "intake_suggest", broken)
    assert warmup.intake_warm() is False
    assert "intake warm-up failed" in caplog.text


def test_gunicorn_workers_warm_up_in_the_background(monkeypatch):
    ran = []
    monkeypatch.setattr(warmup, "intake_warm", lambda: ran.append(True))
    started = []
    real_thread = gunicorn_conf.threading.Thread

    def thread(**kwargs):
        t = real_thread(**kwargs)
        started.append(t)
        return t

    monkeypatch.setattr(gunicorn_conf.threading, "Thread", thread)
    gunicorn_conf.post_worker_init(worker=None)
    started[0].join(5)
    assert ran == [True] and started[0].daemon
