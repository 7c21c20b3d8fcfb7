from __future__ import annotations

from django.urls import path

from dentsec.server.console import account_views, agent_views, device_views, pages, views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("premier-demarrage/", views.first_run, name="first-run"),
    path("connexion/", views.login, name="login"),
    path("deconnexion/", views.logout, name="logout"),
    path("connexion/code/", views.totp, name="totp"),
    path("compte/double-authentification/", views.totp_setup, name="totp-setup"),
    path("compte/double-authentification/qr.svg", views.totp_qr, name="totp-qr"),
    path("compte/", account_views.account, name="account"),
    path("compte/codes-de-secours/", account_views.new_recovery_codes, name="recovery-codes"),
    path("compte/double-authentification/reinitialiser/", account_views.reset_own_totp,
         name="totp-reset-own"),
    path("compte/lien/<str:token>/", account_views.use_link, name="link"),
    path("prestataire/", views.provider, name="provider"),
    path("cabinet/<int:practice_id>/", views.practice, name="practice"),
    path("cabinet/<int:practice_id>/postes/", views.devices, name="devices"),
    path("cabinet/<int:practice_id>/export.csv", views.export_devices, name="export"),
    path("cabinet/<int:practice_id>/inscription/", views.tokens, name="tokens"),
    path("jeton/<int:token_id>/revoquer/", views.revoke_token, name="revoke-token"),
    path("agent/<str:name>", agent_views.script, name="agent-script"),
    path("postes/", views.my_devices, name="my-devices"),
    path("poste/<int:device_id>/", views.device, name="device"),
    path("poste/<int:device_id>/revoquer/", device_views.revoke_device, name="revoke-device"),
    path("poste/<int:device_id>/retablir/", device_views.restore_device,
         name="restore-device"),
    path("poste/<int:device_id>/archiver/", device_views.archive_device,
         name="archive-device"),
    path("poste/<int:device_id>/renommer/", device_views.rename_device, name="rename-device"),
    path("poste/<int:device_id>/corriger/<str:check_id>/", views.fix, name="fix"),
    path("personnes/", account_views.people, name="people"),
    path("personnes/<int:person_id>/mot-de-passe/", account_views.reset_password,
         name="person-password"),
    path("personnes/<int:person_id>/double-authentification/", account_views.reset_totp,
         name="person-totp"),
    path("journal/", views.audit_log, name="audit"),
    # --- history, alerts, reports for the records (issue 13b) ---
    path("alertes/", pages.alert_list, name="alerts"),
    path("alerte/<int:alert_id>/<str:action>/", pages.alert_action, name="alert-action"),
    path("cabinet/<int:practice_id>/regle/<int:rule>/", pages.rule, name="rule"),
    path("controle/<str:check_id>/", pages.check, name="check"),
    path("poste/<int:device_id>/rapport.pdf", pages.device_pdf, name="device-pdf"),
    path("cabinet/<int:practice_id>/rapport.pdf", pages.practice_pdf, name="practice-pdf"),
    path("cabinet/<int:practice_id>/rapport-mensuel/", pages.monthly_toggle,
         name="monthly-toggle"),
    path("cabinet/<int:practice_id>/rapport-mensuel/<int:monthly_id>.pdf", pages.monthly_pdf,
         name="monthly-pdf"),
]
