"""The procedures in the API (issue 14): people and their accounts, arrivals, departures,
renewal reminders, planned firewall changes, exceptions (accepted risks); and the policy an
agent fetches (its justified ports). Managers only, tenant-scoped, every action in the
Journal. Added to the API by api.py."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from dentsec.server.console import (
    audit,
    departures,
    exceptions_risk,
    firewall_changes,
    ingest,
    names,
    people,
    tenancy,
)
from dentsec.server.console.api import DeviceAuth, Id, Problem, ProfileAuth
from dentsec.server.console.models import (
    Device,
    Practice,
    Profile,
)
from dentsec.server.console.procedure_models import (
    PERSON_ROLES,
    Person,
    PlannedChange,
)
from dentsec.server.console.views import signed_in_user

router: Router = Router(tags=["procedures"], auth=ProfileAuth())
agent_router: Router = Router(tags=["agent"])


def _manager(request: HttpRequest) -> Profile:
    profile = request.auth  # type: ignore[attr-defined]
    if not isinstance(profile, Profile) or not tenancy.can_manage(profile):
        raise HttpError(404, "not found")
    return profile


def _practice(profile: Profile, practice_id: int) -> Practice:
    practice: Practice = tenancy.get_or_404(tenancy.practices(profile), practice_id)
    return practice


def _member(profile: Profile, member_id: int) -> Person:
    person: Person = tenancy.get_or_404(tenancy.persons(profile).select_related("practice"),
                                        member_id)
    return person


def _refused(exc: exceptions_risk.RiskRefused | names.BadName) -> ingest.IngestError:
    return ingest.IngestError(422, "refused", exc.fr, exc.en)


# --- schemas ---------------------------------------------------------------------------------

Role = Literal["practitioner", "manager", "assistant", "other"]
assert list(Role.__args__) == PERSON_ROLES  # type: ignore[attr-defined]


class PersonIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    role: Role
    start_date: date


class PersonOut(Schema):
    id: int
    practice_id: int
    name: str
    role: str
    start_date: date
    end_date: date | None


class AccountIn(Schema):
    device_id: int = Field(ge=1, le=2**53)
    account: str = Field(min_length=1, max_length=255)


class AccountOut(Schema):
    device_id: int
    account: str
    state: str = Field(description="active | disabled | removed | unknown (dernier rapport)")


class TickOut(Schema):
    item: str
    done: bool
    when: datetime | None
    by: str


class RevocationOut(Schema):
    id: int
    kind: str
    label: str
    done_at: datetime | None
    how: str


class DepartureIn(Schema):
    leaving_date: date
    shared_passwords: list[str] = Field(default_factory=list, max_length=100)


class DepartureOut(Schema):
    leaving_date: date
    recorded_at: datetime
    items: list[RevocationOut]


class PersonDetail(PersonOut):
    accounts: list[AccountOut]
    applications: list[str]
    arrival: list[TickOut]
    departure: DepartureOut | None


class ProposalOut(Schema):
    person_id: int | None
    device_id: int
    account: str


class ReminderOut(Schema):
    where: str
    account: str
    person_id: int | None
    device_id: int | None
    last_set: date | None
    due: date


class ChangeIn(Schema):
    device_id: int = Field(ge=1, le=2**53)
    proto: Literal["tcp", "udp"] = "tcp"
    port: int = Field(ge=1, le=65535)
    action: Literal["open", "close"] = "open"
    requested_by: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)
    starts_on: date
    ends_on: date


class ChangeOut(Schema):
    id: int
    device_id: int
    proto: str
    port: int
    action: str
    requested_by: str
    reason: str
    starts_on: date
    ends_on: date
    approved: bool
    status: str


class RiskIn(Schema):
    device_id: int | None = Field(None, ge=1, le=2**53,
                                  description="Vide : tout le cabinet / empty: whole practice")
    check_id: str = Field(min_length=1, max_length=60)
    reason: str = Field(min_length=1, max_length=2000)
    owner: str = Field(min_length=1, max_length=200)
    expires_on: date


class RiskOut(Schema):
    id: int
    practice_id: int
    device_id: int | None
    check_id: str
    reason: str
    owner: str
    expires_on: date
    approved: bool
    ended: bool


class JustifiedPortOut(Schema):
    proto: str
    port: int
    reason: str


class AgentRiskOut(Schema):
    check: str
    reason: str
    until: date


class AgentPolicyOut(Schema):
    justified_ports: list[JustifiedPortOut]
    accepted_risks: list[AgentRiskOut]


def _person_out(p: Person) -> dict[str, Any]:
    return {"id": p.pk, "practice_id": p.practice_id, "name": p.name, "role": p.role,
            "start_date": p.start_date, "end_date": p.end_date}


def _change_out(c: PlannedChange) -> dict[str, Any]:
    return {"id": c.pk, "device_id": c.device_id, "proto": c.proto, "port": c.port,
            "action": c.action, "requested_by": c.requested_by, "reason": c.reason,
            "starts_on": c.starts_on, "ends_on": c.ends_on,
            "approved": c.approved_at is not None, "status": firewall_changes.status(c)}


def _risk_out(r: Any) -> dict[str, Any]:
    return {"id": r.pk, "practice_id": r.practice_id, "device_id": r.device_id,
            "check_id": r.check_id, "reason": r.reason, "owner": r.owner,
            "expires_on": r.expires_on, "approved": r.approved_at is not None,
            "ended": r.ended_at is not None}


# --- people, arrivals, departures ----------------------------------------------------------

@router.get("/practices/{practice_id}/people", response={200: list[PersonOut], 404: Problem})
def list_people(request: HttpRequest, practice_id: Id) -> Any:
    practice = _practice(_manager(request), practice_id)
    return [_person_out(p) for p in practice.persons.all()[:1000]]


@router.post("/practices/{practice_id}/people", response={201: PersonOut, 404: Problem,
                                                          422: Problem})
def add_person(request: HttpRequest, practice_id: Id, payload: PersonIn) -> Any:
    practice = _practice(_manager(request), practice_id)
    try:
        name = names.checked_name(payload.name)
    except names.BadName as exc:
        raise _refused(exc) from None
    person = Person.objects.create(practice=practice, name=name, role=payload.role,
                                   start_date=payload.start_date)
    audit.record("person.add", request=request, practice=practice, target=person.name)
    return Status(201, _person_out(person))


@router.get("/people/{member_id}", response={200: PersonDetail, 404: Problem})
def get_person(request: HttpRequest, member_id: Id) -> Any:
    person = _member(_manager(request), member_id)
    departure = getattr(person, "departure", None)
    return {**_person_out(person),
            "accounts": [{"device_id": pa.device_id, "account": pa.account,
                          "state": people.account_state(pa.device, pa.account)}
                         for pa in person.accounts.select_related("device__current_report")],
            "applications": [a.name for a in person.applications.all()],
            "arrival": [t.__dict__ for t in people.arrival(person)],
            "departure": None if departure is None else {
                "leaving_date": departure.leaving_date, "recorded_at": departure.recorded_at,
                "items": [{"id": i.pk, "kind": i.kind, "label": i.label,
                           "done_at": i.done_at, "how": i.how}
                          for i in departure.items.all()]}}


@router.post("/people/{member_id}/accounts", response={201: AccountOut, 404: Problem})
def link_account(request: HttpRequest, member_id: Id, payload: AccountIn) -> Any:
    profile = _manager(request)
    person = _member(profile, member_id)
    device: Device = tenancy.get_or_404(
        tenancy.devices(profile).filter(practice=person.practice), payload.device_id)
    if payload.account not in {a["name"] for a in people.device_accounts(device) or []}:
        raise HttpError(404, "not found")
    people.link(person, device, payload.account, signed_in_user(request))
    audit.record("person.link", request=request, device=device,
                 target=f"{person.name} = {payload.account}")
    return Status(201, {"device_id": device.pk, "account": payload.account,
                        "state": people.account_state(device, payload.account)})


@router.get("/practices/{practice_id}/account-proposals",
            response={200: list[ProposalOut], 404: Problem},
            description="Comptes proposés (person_id) et comptes sans titulaire (person_id "
                        "null). / Proposed links, and accounts without a holder (null).")
def account_proposals(request: HttpRequest, practice_id: Id) -> Any:
    profile = _manager(request)
    practice = _practice(profile, practice_id)
    devices = tenancy.active_devices(profile).filter(practice=practice)
    return ([{"person_id": p.person.pk, "device_id": p.device.pk, "account": p.account}
             for p in people.proposals(practice, devices)]
            + [{"person_id": None, "device_id": o.device.pk, "account": o.account}
               for o in people.orphans(devices)])


@router.post("/people/{member_id}/arrival/{item}", response={200: list[TickOut],
                                                              404: Problem})
def tick_arrival(request: HttpRequest, member_id: Id, item: str) -> Any:
    person = _member(_manager(request), member_id)
    if not people.tick(person, item, signed_in_user(request)):
        raise HttpError(404, "not found")
    audit.record("arrival.tick", request=request, practice=person.practice,
                 target=f"{person.name}: {item}")
    return [t.__dict__ for t in people.arrival(person)]


@router.post("/people/{member_id}/departure", response={201: DepartureOut, 404: Problem})
def record_departure(request: HttpRequest, member_id: Id, payload: DepartureIn) -> Any:
    person = _member(_manager(request), member_id)
    departure = departures.record(person, payload.leaving_date, signed_in_user(request),
                                  shared_passwords=payload.shared_passwords)
    audit.record("departure.record", request=request, practice=person.practice,
                 target=f"{person.name} {payload.leaving_date.isoformat()}")
    return Status(201, {"leaving_date": departure.leaving_date,
                        "recorded_at": departure.recorded_at,
                        "items": [{"id": i.pk, "kind": i.kind, "label": i.label,
                                   "done_at": i.done_at, "how": i.how}
                                  for i in departure.items.all()]})


@router.get("/practices/{practice_id}/renewals", response={200: list[ReminderOut],
                                                           404: Problem})
def renewals(request: HttpRequest, practice_id: Id) -> Any:
    profile = _manager(request)
    practice = _practice(profile, practice_id)
    devices = tenancy.active_devices(profile).filter(practice=practice)
    return [{"where": r.where, "account": r.account,
             "person_id": r.person.pk if r.person else None,
             "device_id": r.device.pk if r.device else None, "last_set": r.last_set,
             "due": r.due} for r in people.reminders(practice, devices)]


class RenewalPolicy(Schema):
    renewal_days: int = Field(180, ge=30, le=730)
    renewal_scope: Literal["all", "admins"] = "all"


@router.get("/practices/{practice_id}/renewal-policy", response={200: RenewalPolicy,
                                                                 404: Problem})
def get_renewal_policy(request: HttpRequest, practice_id: Id) -> Any:
    policy = people.policy_of(_practice(_manager(request), practice_id))
    return {"renewal_days": policy.renewal_days, "renewal_scope": policy.renewal_scope}


@router.put("/practices/{practice_id}/renewal-policy", response={200: RenewalPolicy,
                                                                 404: Problem})
def set_renewal_policy(request: HttpRequest, practice_id: Id, payload: RenewalPolicy) -> Any:
    practice = _practice(_manager(request), practice_id)
    people.set_policy(practice, payload.renewal_days, payload.renewal_scope)
    audit.record("renewal.policy", request=request, practice=practice,
                 target=f"{payload.renewal_days} {payload.renewal_scope}")
    return {"renewal_days": payload.renewal_days, "renewal_scope": payload.renewal_scope}


# --- planned firewall changes ----------------------------------------------------------------

@router.get("/practices/{practice_id}/planned-changes", response={200: list[ChangeOut],
                                                                  404: Problem})
def list_changes(request: HttpRequest, practice_id: Id) -> Any:
    practice = _practice(_manager(request), practice_id)
    return [_change_out(c) for c in practice.planned_changes.all()[:1000]]


@router.post("/practices/{practice_id}/planned-changes", response={201: ChangeOut,
                                                                   404: Problem,
                                                                   422: Problem})
def plan_change(request: HttpRequest, practice_id: Id, payload: ChangeIn) -> Any:
    profile = _manager(request)
    practice = _practice(profile, practice_id)
    device: Device = tenancy.get_or_404(
        tenancy.active_devices(profile).filter(practice=practice), payload.device_id)
    if payload.ends_on < payload.starts_on:
        raise ingest.IngestError(422, "refused", "La fin doit suivre le début.",
                                 "The end must follow the start.")
    change = firewall_changes.plan(device, payload.proto, payload.port, payload.action,
                                   payload.requested_by, payload.reason, payload.starts_on,
                                   payload.ends_on, signed_in_user(request))
    audit.record("fw-change.plan", request=request, device=device,
                 target=f"{change.action} {change.proto}/{change.port}")
    return Status(201, _change_out(change))


@router.post("/planned-changes/{change_id}/approve", response={200: ChangeOut, 404: Problem})
def approve_change(request: HttpRequest, change_id: Id) -> Any:
    change: PlannedChange = tenancy.get_or_404(
        tenancy.planned_changes(_manager(request)).select_related("device"), change_id)
    if change.approved_at is None:
        firewall_changes.approve(change, signed_in_user(request))
        audit.record("fw-change.approve", request=request, device=change.device,
                     target=f"{change.action} {change.proto}/{change.port}")
    return _change_out(change)


# --- exceptions (accepted risks) -------------------------------------------------------------

@router.get("/practices/{practice_id}/exceptions", response={200: list[RiskOut],
                                                             404: Problem})
def list_exceptions(request: HttpRequest, practice_id: Id) -> Any:
    practice = _practice(_manager(request), practice_id)
    return [_risk_out(r) for r in practice.accepted_risks.all()[:1000]]


@router.post("/practices/{practice_id}/exceptions", response={201: RiskOut, 404: Problem,
                                                              422: Problem})
def request_exception(request: HttpRequest, practice_id: Id, payload: RiskIn) -> Any:
    profile = _manager(request)
    practice = _practice(profile, practice_id)
    device = None
    if payload.device_id is not None:
        device = tenancy.get_or_404(tenancy.devices(profile).filter(practice=practice),
                                    payload.device_id)
    try:
        risk = exceptions_risk.request(practice, device, payload.check_id, payload.reason,
                                       payload.owner, payload.expires_on, signed_in_user(request))
    except exceptions_risk.RiskRefused as exc:
        raise _refused(exc) from None
    audit.record("risk.request", request=request, practice=practice,
                 target=f"{risk.check_id} #{risk.pk}")
    return Status(201, _risk_out(risk))


@router.post("/exceptions/{risk_id}/{action}", response={200: RiskOut, 404: Problem,
                                                         422: Problem},
             description="action : approve (pas le demandeur / not the requester) ou "
                         "withdraw.")
def exception_action(request: HttpRequest, risk_id: Id, action: str) -> Any:
    risk = tenancy.get_or_404(tenancy.accepted_risks(_manager(request))
                              .select_related("device"), risk_id)
    try:
        if action == "approve":
            exceptions_risk.approve(risk, signed_in_user(request))
        elif action == "withdraw":
            exceptions_risk.withdraw(risk)
        else:
            raise HttpError(404, "not found")
    except exceptions_risk.RiskRefused as exc:
        raise _refused(exc) from None
    audit.record(f"risk.{action}", request=request, practice=risk.practice,
                 target=f"{risk.check_id} #{risk.pk}")
    return _risk_out(risk)


# --- the agent's policy ----------------------------------------------------------------------

@agent_router.get("/agent/policy", auth=DeviceAuth(),
                  response={200: AgentPolicyOut, 401: Problem, 403: Problem},
                  description="Ports justifiés par les changements planifiés en cours et "
                              "risques acceptés en cours du poste (ajoutés à la politique de "
                              "l'audit). / Ports justified by the running planned changes and "
                              "the device's running accepted risks (added to the audit's "
                              "policy).")
def agent_policy(request: HttpRequest) -> Any:
    device: Device = request.auth  # type: ignore[attr-defined]
    risks = exceptions_risk.active(device).order_by("check_id", "-expires_on")
    return {"justified_ports": firewall_changes.justified_ports(device),
            "accepted_risks": [{"check": r.check_id, "reason": r.reason,
                                "until": r.expires_on} for r in risks[:200]]}
