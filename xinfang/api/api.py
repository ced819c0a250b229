from ninja import NinjaAPI

api = NinjaAPI(title="信访与矛盾纠纷化解平台 API", version="1", urls_namespace="api")
