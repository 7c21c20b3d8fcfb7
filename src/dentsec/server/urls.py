from __future__ import annotations

from django.urls import include, path

from dentsec.server.console.api import api

handler404 = "dentsec.server.console.error_views.not_found"
handler403 = "dentsec.server.console.error_views.forbidden"
handler500 = "dentsec.server.console.error_views.server_error"

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("dentsec.server.console.urls")),
]
