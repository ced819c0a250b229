"""Scaffolding: the search helper replaces these with the real pages and fragments."""
from django.http import HttpResponse


def results(request):
    return HttpResponse("")


def same_matter(request):
    return HttpResponse("")


def same_matter_case(request, number: str):
    return HttpResponse("")


def similar(request, number: str):
    return HttpResponse("")


def hot_topics(request):
    return HttpResponse("")
