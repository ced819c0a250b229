from django.contrib import admin

from xinfang.audit.admin_mixins import AuditedAdmin

from .models import ScheduledRun, Supervision

# The task queue's own table is plumbing, in English: the daily runs below say what ran.
try:
    from django_tasks_db.models import DBTaskResult
    admin.site.unregister(DBTaskResult)
except (ImportError, admin.sites.NotRegistered):
    pass


@admin.register(Supervision)
class SupervisionAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("case", "level", "supervising_unit", "due_date", "reminders", "reports", "lifted_at")
    list_filter = ("level", "lifted_at")
    search_fields = ("case__number", "case__title")
    list_select_related = ("case", "supervising_unit")
    readonly_fields = [f.name for f in Supervision._meta.fields]

    def has_add_permission(self, request):
        return False  # opened through the case page, so it is on the case's timeline


@admin.register(ScheduledRun)
class ScheduledRunAdmin(admin.ModelAdmin):
    list_display = ("day", "job", "started_at", "finished_at", "result")
    readonly_fields = ("job", "day", "started_at", "finished_at", "result")

    def has_add_permission(self, request):
        return False
