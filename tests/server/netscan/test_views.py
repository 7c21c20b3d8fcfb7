"""The practice's network page: managers save the scan plan and see the latest scans."""

from __future__ import annotations

from typing import Any

from dentsec.server.netscan.models import ScanPlan


def _url(practice: Any) -> str:
    return f"/cabinet/{practice.pk}/reseau/"


def test_lead_saves_the_plan_and_a_public_address_is_refused(tenants: dict[str, Any],
                                                             client: Any) -> None:
    from tests.server.conftest import login_client

    world = tenants["a"]
    login_client(client, world["lead"])
    page = client.get(_url(world["practice"]))
    assert page.status_code == 200
    assert "Aucun scan reçu pour l'instant." in page.content.decode()
    device = world["device_shared"]
    r = client.post(_url(world["practice"]), {"targets": "192.168.1.0/24\n8.8.8.8",
                                              "device": device.pk, "ports": "top"})
    assert r.status_code == 200
    assert "8.8.8.8 est une adresse publique" in r.content.decode()
    assert not ScanPlan.objects.filter(practice=world["practice"]).exists()
    r = client.post(_url(world["practice"]), {"targets": "192.168.1.0/24\nnas.local",
                                              "device": device.pk, "ports": "top"})
    assert r.status_code == 302
    plan = ScanPlan.objects.get(practice=world["practice"])
    assert plan.targets == ["192.168.1.0/24", "nas.local"] and plan.device == device
    page = client.get(_url(world["practice"])).content.decode()
    assert "Sur le poste pc-a-shared : dentsec agent scan" in page


def test_the_page_in_english(tenants: dict[str, Any], client: Any) -> None:
    from tests.server.conftest import login_client

    world = tenants["a"]
    login_client(client, world["lead"])
    page = client.get(_url(world["practice"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "what the network exposes" in page and "No scan received yet." in page
    overview = client.get(f"/cabinet/{world['practice'].pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert f'href="{_url(world["practice"])}" id="network-link">Practice network' in \
        overview.content.decode()


def test_staff_and_other_providers_do_not_see_it(tenants: dict[str, Any], client: Any) -> None:
    from tests.server.conftest import login_client

    login_client(client, tenants["a"]["staff"])
    assert client.get(_url(tenants["a"]["practice"])).status_code == 404
    client.logout()
    login_client(client, tenants["b"]["lead"])
    assert client.get(_url(tenants["a"]["practice"])).status_code == 404
    r = client.post(_url(tenants["a"]["practice"]), {"targets": "192.168.1.0/24",
                                                     "device": tenants["a"]["device_shared"].pk})
    assert r.status_code == 404
    assert not ScanPlan.objects.exists()
