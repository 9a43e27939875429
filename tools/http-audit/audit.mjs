// Runs graphql-http's server audit (GraphQL over HTTP spec) against a running server.
// Usage: AUDIT_URL=http://127.0.0.1:8000/graphql AUDIT_TOKEN=sdk_... node audit.mjs
// The audit sends no credentials and the API answers 401 without a token, so this
// script's fetchFn adds `Authorization: Bearer $AUDIT_TOKEN` to every request.
// Prints one JSON line per audit ({id, name, status, reason}); exits 1 if any is not ok.
import { auditServer } from 'graphql-http';

const url = process.env.AUDIT_URL ?? 'http://127.0.0.1:8000/graphql';
const token = process.env.AUDIT_TOKEN;

function fetchWithToken(input, init = {}) {
  const headers = new Headers(init.headers ?? {});
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
}

const results = await auditServer({ url, fetchFn: fetchWithToken });
let failed = 0;
for (const result of results) {
  if (result.status !== 'ok') failed += 1;
  console.log(JSON.stringify({
    id: result.id,
    name: result.name,
    status: result.status,
    reason: result.reason ?? null,
  }));
}
process.exit(failed ? 1 : 0);
