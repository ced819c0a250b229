"""Scaffolding: the notifications helper replaces this with the real list."""
from django.http import HttpResponse


def notification_list(request):
    return HttpResponse("")
