#!/usr/bin/env bash
# Source this to point a shell at a fresh PostgreSQL database with a non-superuser
# app role (as .ci/run's second pass does):  source scripts/pg-env.sh
# It also makes the per-worker databases `make test` uses (<database>_gw0, _gw1).
run_id="dev_$(date +%s)_$$"
db="portal_${run_id}"; owner="portal_owner_${run_id}"; app_role="portal_app_${run_id}"
psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE ROLE ${owner} LOGIN NOSUPERUSER" \
  -c "CREATE ROLE ${app_role} LOGIN NOSUPERUSER"
for name in "${db}" "${db}_gw0" "${db}_gw1"; do
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE ${name} OWNER ${owner}" \
    -c "ALTER DATABASE ${name} SET synchronous_commit = off"
  psql -q -h 127.0.0.1 -U postgres -d "${name}" -c "REVOKE ALL ON SCHEMA public FROM PUBLIC; GRANT ALL ON SCHEMA public TO ${owner}; GRANT USAGE ON SCHEMA public TO ${app_role}"
done
export DATABASE_URL="postgresql://${app_role}@127.0.0.1:5432/${db}"
export DATABASE_OWNER_URL="postgresql://${owner}@127.0.0.1:5432/${db}"
export PORTAL_APP_ROLE="${app_role}"
# Workers use this DB number plus their index (13, 14): clear of .ci/run's 11 and 12.
export REDIS_URL="redis://127.0.0.1:6379/${PORTAL_REDIS_DB:-13}"
echo "DATABASE_URL=${DATABASE_URL}"
