from django.contrib import admin

from xinfang.audit.admin_mixins import AuditedAdmin

from .models import AssessmentScheme, AssessmentWeight


class AssessmentWeightInline(admin.TabularInline):
    model = AssessmentWeight
    extra = 1


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ("name", "is_active")
    inlines = [AssessmentWeightInline]
