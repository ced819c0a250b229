"""Background tasks (django-tasks, database backend), executed by `xinfang worker`."""
import datetime as dt

from django_tasks import task

from .scheduler import daily_jobs_run


@task()
def daily_jobs(day: str) -> dict:
    return daily_jobs_run(day=dt.date.fromisoformat(day))
