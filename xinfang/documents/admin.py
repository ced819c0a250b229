from django.contrib import admin

from .models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    """Read only: a document is made by its workflow step, never by hand."""

    list_display = ("number", "title", "case", "unit", "generated_at")
    list_filter = ("kind", "year")
    search_fields = ("number", "case__number")
    readonly_fields = [f.name for f in Document._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
