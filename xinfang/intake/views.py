"""Scaffolding: the intake helper replaces these with the real suggestion fragments."""
from django.http import HttpResponse


def suggest(request):
    return HttpResponse("")


def route(request, number: str):
    return HttpResponse("")
