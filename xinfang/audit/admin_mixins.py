"""Admin edits are writes too: units, users, categories, deadline rules and holidays change
what every later decision rests on, so each save and delete in the admin is audited with
the fields it changed."""
from django.db import transaction
from django.forms.models import model_to_dict

from .services import audit_record

_SECRET_FIELDS = {"password"}


def _snapshot(obj) -> dict:
    data = model_to_dict(obj)
    return {k: ("***" if k in _SECRET_FIELDS else v) for k, v in data.items()}


class AuditedAdmin:
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = _snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else {}
            super().save_model(request, obj, form, change)
            after = _snapshot(obj)
            changed = {k: {"old": before.get(k), "new": v} for k, v in after.items() if before.get(k) != v}
            audit_record(actor=request.user, action=f"admin.{obj._meta.model_name}.{'change' if change else 'add'}",
                         object_type=obj._meta.model_name, object_id=obj.pk, detail={"changed": changed})

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields (a user's roles) are saved here, after save_model.
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            obj = form.instance
            m2m = {f.name: sorted(str(x.pk) for x in getattr(obj, f.name).all())
                   for f in obj._meta.many_to_many if f.name in form.cleaned_data}
            if m2m:
                audit_record(actor=request.user, action=f"admin.{obj._meta.model_name}.relations",
                             object_type=obj._meta.model_name, object_id=obj.pk, detail={"relations": m2m})

    def delete_model(self, request, obj):
        with transaction.atomic():
            snapshot, pk = _snapshot(obj), obj.pk
            super().delete_model(request, obj)
            audit_record(actor=request.user, action=f"admin.{obj._meta.model_name}.delete",
                         object_type=obj._meta.model_name, object_id=pk, detail={"deleted": snapshot})

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
