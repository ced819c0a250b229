from django.http import HttpResponse


def home(request):
    return HttpResponse("信访与矛盾纠纷化解平台")
