"""Scaffolding: the portal helper replaces this with the public pages."""
from django.http import HttpResponse


def home(request):
    return HttpResponse("")
