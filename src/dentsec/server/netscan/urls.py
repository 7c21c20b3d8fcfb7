from __future__ import annotations

from django.urls import path

from dentsec.server.netscan import views

app_name = "netscan"

urlpatterns = [
    path("cabinet/<int:practice_id>/reseau/", views.network, name="network"),
]
