"""The console app: tenants, devices, reports, alerts, audit log, dashboard and API."""
