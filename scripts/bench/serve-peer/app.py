"""The FastAPI peer of `routiq serve`, for scripts/bench-serve.

It reproduces the service RoutIQ replaces: FastAPI on uvicorn (run with `--workers 2`), an asyncpg pool per
worker, Clerk session tokens verified with PyJWT, and two of RoutIQ's routes serving the same JSON from the same
warehouse:

* `GET /{org_id}/summary`: the `reports` row of kind 'summary', byte for byte, with its ETag and Last-Modified.
* `GET /{org_id}/patients?limit=N`: the first page of the patient list in RoutIQ's default (priority) order, with
  the same fields, envelope and cursor as RoutIQ's `/{org_id}/patients` (Sources/Load/Reads/PatientReadStore.swift,
  PatientRow.swift, Page.swift; Sources/Serve/Routes/JSONResponse.swift), and the same `audit_log` row after it.

Every read runs as RoutIQ's reads do: a read-only REPEATABLE READ transaction that first sets the role to
`routiq_reader`, a statement timeout and `routiq.org_id` (row-level security), so both servers send PostgreSQL the
same statements in the same number of round trips.

Tokens are checked as RoutIQ's SessionTokenVerifier does: RS256 only, the key chosen by `kid` from the JWKS (PyJWKClient,
keys cached for 5 minutes), `exp` required and `nbf` honoured with 5 s of leeway, `iss` equal to CLERK_ISSUER, `azp`
in CLERK_AUTHORIZED_PARTIES, `sub` required, `sts: pending` refused, the organization from `o.id` (v2) or `org_id`
(v1) equal to the path's (and to X-Organization-ID when sent). Failures answer 401 (bad token) or 403 (another
organization), as RoutIQ does.

Settings (environment): PEER_DATABASE_URL (a postgresql:// URL; `routiq db url` prints the embedded cluster's),
CLERK_JWKS_URL, CLERK_ISSUER, CLERK_AUTHORIZED_PARTIES (comma-separated), PEER_POOL_SIZE (connections per worker,
8 by default: 16 for two workers, RoutIQ's default --pool-size), PEER_AUDIT (1 by default: write RoutIQ's audit row
for each patient page; 0 to skip it).

Run: uvicorn app:app --app-dir scripts/bench/serve-peer --workers 2 --host 127.0.0.1 --port 8090
"""

from __future__ import annotations

import base64
import json
import os
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from email.utils import format_datetime

import asyncpg
import jwt
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

DATABASE_URL = os.environ["PEER_DATABASE_URL"]
JWKS_URL = os.environ["CLERK_JWKS_URL"]
ISSUER = os.environ["CLERK_ISSUER"]
PARTIES = {p.strip() for p in os.environ["CLERK_AUTHORIZED_PARTIES"].split(",") if p.strip()}
POOL_SIZE = int(os.environ.get("PEER_POOL_SIZE", "8"))
AUDIT = os.environ.get("PEER_AUDIT", "1") != "0"
STATEMENT_TIMEOUT_MS = 5000
LEEWAY_SECONDS = 5
ACTIVE_STATUSES = {"active", "recently_active", "upcoming_only"}

# PyJWKClient fetches the JWKS once and keeps it (cache_jwk_set, 300 s lifespan), and caches signing keys by kid;
# an unknown kid makes it fetch again.
jwks_client = jwt.PyJWKClient(JWKS_URL, cache_jwk_set=True, lifespan=300, cache_keys=True, max_cached_keys=16)


@asynccontextmanager
async def lifespan(app: FastAPI):
    jwks_client.get_jwk_set()  # fail at start, as RoutIQ does, when the keys cannot be fetched
    app.state.pool = await asyncpg.create_pool(DATABASE_URL, min_size=POOL_SIZE, max_size=POOL_SIZE)
    try:
        yield
    finally:
        await app.state.pool.close()


app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)


class Refused(Exception):
    def __init__(self, status: int):
        self.status = status


@app.exception_handler(Refused)
async def refused(_request: Request, error: Refused) -> Response:
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if error.status == 401 else {}
    title = "Unauthorized" if error.status == 401 else "Forbidden"
    return JSONResponse(
        {"type": "about:blank", "title": title, "status": error.status},
        status_code=error.status,
        headers=headers,
        media_type="application/problem+json",
    )


def authorize(request: Request, org_id: str) -> str:
    """Verifies the bearer token and returns its subject; raises Refused(401) or Refused(403)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token or len(token) > 8192:
        raise Refused(401)
    try:
        if jwt.get_unverified_header(token).get("alg") != "RS256":
            raise Refused(401)
        key = jwks_client.get_signing_key_from_jwt(token)  # by kid; a missing or unknown kid fails
        claims = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            issuer=ISSUER,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iss", "sub"], "verify_aud": False},
        )
    except (jwt.PyJWTError, ValueError, KeyError):
        raise Refused(401) from None
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise Refused(401)
    if claims.get("azp") not in PARTIES or claims.get("sts") == "pending":
        raise Refused(401)
    if claims.get("v") == 2:
        org = claims.get("o", {}).get("id") if isinstance(claims.get("o"), dict) else None
    else:
        org = claims.get("org_id")
    if not isinstance(org, str) or not org:
        raise Refused(401)
    if org != org_id or request.headers.get("x-organization-id", org) != org:
        raise Refused(403)
    return subject


async def begin_reader(connection: asyncpg.Connection, org_id: str) -> None:
    """Inside a transaction: what RoutIQ's withReaderTransaction does after BEGIN, in one round trip."""
    await connection.execute(
        "SELECT set_config('role', 'routiq_reader', true), set_config('statement_timeout', $1, true), "
        "set_config('routiq.org_id', $2, true)",
        str(STATEMENT_TIMEOUT_MS),
        org_id,
    )


@app.get("/{org_id}/summary")
async def summary(org_id: str, request: Request) -> Response:
    authorize(request, org_id)
    async with app.state.pool.acquire() as connection:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            await begin_reader(connection, org_id)
            row = await connection.fetchrow(
                "SELECT content, content_type, etag, generated_at FROM reports "
                "WHERE organization_id = current_setting('routiq.org_id', true) AND kind = $1",
                "summary",
            )
    if row is None:
        return JSONResponse({"title": "Not Found", "status": 404}, status_code=404)
    if request.headers.get("if-none-match") == row["etag"]:
        return Response(status_code=304, headers={"ETag": row["etag"], "Cache-Control": "private, no-cache"})
    return Response(
        content=row["content"],
        media_type=row["content_type"],
        headers={
            "ETag": row["etag"],
            "Last-Modified": format_datetime(row["generated_at"].astimezone(timezone.utc), usegmt=True),
            "Cache-Control": "private, no-cache",
            "Vary": "Accept-Encoding",
        },
    )


# PatientReadStore.readPage's query for the default (priority) order without filters or cursor.
PATIENTS_SQL = """
SELECT a.patient_id,
       coalesce(nullif(trim(concat_ws(' ', coalesce(nullif(trim(p.preferred_first_name), ''), p.first_name),
           p.last_name)), ''), a.patient_id) AS name,
       p.primary_phone_e164, p.email, a.activity_status, a.engagement, a.risk_level, a.risk_score::int8,
       a.action_priority::int8, a.recommended_action, a.attended_90d::int8, a.upcoming_count::int8,
       a.attended_total::int8, a.first_visit_at, a.last_visit_at, a.next_visit_at,
       coalesce(nt.name, a.next_appointment_type_id) AS next_type,
       coalesce(pt.name, a.primary_appointment_type_id) AS primary_type,
       a.last_contact_at, a.days_since_last_contact::int8, p.loaded_at, p.source_created_at, p.source_updated_at
FROM patient_activity a
JOIN patients p ON p.organization_id = a.organization_id AND p.patient_id = a.patient_id
LEFT JOIN appointment_types nt
       ON nt.organization_id = a.organization_id AND nt.appointment_type_id = a.next_appointment_type_id
LEFT JOIN appointment_types pt
       ON pt.organization_id = a.organization_id AND pt.appointment_type_id = a.primary_appointment_type_id
WHERE a.organization_id = $1
  AND p.removed_at IS NULL AND p.merged_at IS NULL AND p.deleted_at IS NULL
ORDER BY a.action_priority, a.risk_score DESC, a.patient_id
LIMIT $2
"""

COUNT_SQL = """
SELECT count(*)
FROM patient_activity a
JOIN patients p ON p.organization_id = a.organization_id AND p.patient_id = a.patient_id
LEFT JOIN appointment_types nt
       ON nt.organization_id = a.organization_id AND nt.appointment_type_id = a.next_appointment_type_id
LEFT JOIN appointment_types pt
       ON pt.organization_id = a.organization_id AND pt.appointment_type_id = a.primary_appointment_type_id
WHERE a.organization_id = $1
  AND p.removed_at IS NULL AND p.merged_at IS NULL AND p.deleted_at IS NULL
"""


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with milliseconds, as RoutIQ's encodeTimestamp writes it."""
    if value is None:
        return None
    value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def patient(row: asyncpg.Record) -> dict:
    return {
        "id": row[0],
        "name": row[1],
        "phone": row[2],
        "email": row[3],
        "cliniko_patient_id": row[0],
        "is_active": row[4] in ACTIVE_STATUSES,
        "activity_status": row[4],
        "engagement": row[5],
        "risk_level": row[6],
        "risk_score": row[7],
        "action_priority": row[8],
        "recommended_action": row[9],
        "recent_appointment_count": row[10],
        "upcoming_appointment_count": row[11],
        "total_appointment_count": row[12],
        "first_appointment_date": timestamp(row[13]),
        "last_appointment_date": timestamp(row[14]),
        "next_appointment_time": timestamp(row[15]),
        "next_appointment_type": row[16],
        "primary_appointment_type": row[17],
        "last_contact_at": timestamp(row[18]),
        "days_since_last_contact": row[19],
        "last_synced_at": timestamp(row[20]),
        "created_at": timestamp(row[21]),
        "updated_at": timestamp(row[22]),
    }


def priority_cursor(row: dict) -> str:
    """PageCursor.priority's wire form: base64url (no padding) of sorted, compact JSON."""
    wire = {"a": row["action_priority"], "b": row["risk_score"], "id": row["id"], "k": "priority", "v": 1}
    text = json.dumps(wire, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@app.get("/{org_id}/patients")
async def patients(org_id: str, request: Request, limit: int = 50) -> Response:
    subject = authorize(request, org_id)
    if not 1 <= limit <= 500:
        return JSONResponse({"title": "Bad Request", "status": 400}, status_code=400)
    async with app.state.pool.acquire() as connection:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            await begin_reader(connection, org_id)
            rows = await connection.fetch(PATIENTS_SQL, org_id, limit + 1)
            total = await connection.fetchval(COUNT_SQL, org_id)
        has_next = len(rows) > limit
        data = [patient(row) for row in rows[:limit]]
        if AUDIT:
            await connection.execute(
                "INSERT INTO audit_log (organization_id, actor, action, target, details) "
                "VALUES ($1, $2, $3, $4, $5::jsonb)",
                org_id,
                subject,
                "api.patients.read",
                "/{org_id}/patients",
                json.dumps({"rows": str(len(data))}, sort_keys=True),
            )
    cursor = priority_cursor(data[-1]) if has_next and data else None
    next_link = None
    headers = {"Cache-Control": "private, no-store"}
    if cursor is not None:
        carried = f"limit={limit}&" if "limit" in request.query_params else ""
        next_link = f"{request.url.path}?{carried}cursor={cursor}"
        headers["Link"] = f'<{next_link}>; rel="next"'
    envelope = {
        "data": data,
        "pagination": {"page_size": len(data), "total_count": total, "has_next": has_next, "next_cursor": cursor},
        "links": {"next": next_link},
    }
    body = json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return Response(content=body.encode(), media_type="application/json; charset=utf-8", headers=headers)
