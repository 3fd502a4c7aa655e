// A partner's client for Argus.Micro, in Node.js, with no .NET anywhere:
//   node client.mjs [--pki ../../.state/pki] [--client investigator-nl]
// 1. a certificate-bound token (OAuth 2.0 client credentials over mutual TLS, RFC 8705),
// 2. a justified ListArrests on the same certificate, 3. decoded error details and refusals,
// 4. ExchangeService.Sync as Belgium's agency service (argus-be).
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const { values: opt } = parseArgs({ options: {
  pki: { type: 'string', default: `${here}../../.state/pki` },
  client: { type: 'string', default: 'investigator-nl' },
  identity: { type: 'string', default: 'https://localhost:5100' },
  agency: { type: 'string', default: '127.0.0.1:5101' }, // the Netherlands
  resource: { type: 'string', default: 'urn:argus:agency:nl' },
  sync: { type: 'string', default: '127.0.0.1:5101' }, // where argus-be syncs: the Dutch service
  protos: { type: 'string', default: `${here}../../../../protos` },
} });

const ca = readFileSync(`${opt.pki}/ca.crt`);
const keyPair = (client) => ({ cert: readFileSync(`${opt.pki}/${client}.crt`), key: readFileSync(`${opt.pki}/${client}.key`) });

// 1. The token: POST to the token endpoint, presenting the client certificate (tls_client_auth).
function getToken(client, resource = opt.resource) {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: client, resource }).toString();
  return new Promise((resolve, reject) => {
    const req = https.request(new URL('/connect/token', opt.identity), {
      method: 'POST', ca, ...keyPair(client),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk)).on('end', () => {
        const json = JSON.parse(text); // errors are RFC 6749 JSON too: {"error":"invalid_client",…}
        res.statusCode === 200 ? resolve(json.access_token)
          : reject(new Error(`token endpoint: HTTP ${res.statusCode} ${json.error}: ${json.error_description}`));
      });
    });
    req.on('error', reject).end(body);
  });
}

// The Argus contracts; google/protobuf/* come with protobufjs.
const definition = protoLoader.loadSync(
  ['argus/arrests/v1/arrests.proto', 'argus/operations/v1/operations.proto', 'argus/exchange/v1/exchange.proto'],
  { includeDirs: [opt.protos], keepCase: true, longs: String, enums: String, arrays: true });
const argus = grpc.loadPackageDefinition(definition).argus;

// The channel presents the same certificate as the token request: the token is bound to it (cnf x5t#S256).
const credentials = (client) => { const { cert, key } = keyPair(client); return grpc.credentials.createSsl(ca, key, cert); };
const stub = (Service, client, address = opt.agency) => new Service(address, credentials(client));
const call = (service, method, request, metadata = new grpc.Metadata()) => new Promise((resolve, reject) =>
  service[method](request, metadata, { deadline: Date.now() + 10_000 }, (err, response) => (err ? reject(err) : resolve(response))));
const bearer = (token, metadata = new grpc.Metadata()) => { if (token) metadata.set('authorization', `Bearer ${token}`); return metadata; };

// google.rpc.Status and the details Argus sends (after googleapis' google/rpc/*.proto).
const rpc = protobuf.parse(`syntax = "proto3"; package google.rpc;
  message Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
  message BadRequest { message FieldViolation { string field = 1; string description = 2; }
                       repeated FieldViolation field_violations = 1; }
  message ResourceInfo { string resource_type = 1; string resource_name = 2; string owner = 3; string description = 4; }`,
{ keepCase: true }).root;
rpc.addJSON(protobuf.common.get('google/protobuf/any.proto').nested);

function explain(err) {
  console.log(`  ${grpc.status[err.code]} (${err.code}): ${err.details}`);
  const challenge = err.metadata?.get('www-authenticate')[0];
  if (challenge) console.log(`  www-authenticate: ${challenge}`);
  const [raw] = err.metadata?.get('grpc-status-details-bin') ?? [];
  if (!raw) return;
  const status = rpc.lookupType('google.rpc.Status').decode(raw);
  for (const any of status.details) {
    const typeName = any.type_url.slice(any.type_url.lastIndexOf('/') + 1);
    const type = rpc.lookup(typeName);
    if (!type) { console.log(`  ${any.type_url} (${any.value.length} bytes)`); continue; }
    const detail = type.toObject(type.decode(any.value));
    if (typeName === 'google.rpc.BadRequest') {
      for (const v of detail.field_violations) console.log(`  BadRequest: ${v.field || '(rest)'}: ${v.description}`);
    } else console.log(`  ${typeName}: ${JSON.stringify(detail)}`);
  }
}
const expectError = (promise) => promise.then((r) => console.log('  unexpected success', r), explain);

// 2. A justified read. Text beyond ASCII goes as a binary header: grpc-js base64-encodes keys ending in -bin.
const token = await getToken(opt.client);
console.log(`token for ${opt.client}: ${token.length} characters`);
const arrests = stub(argus.arrests.v1.ArrestService, opt.client);
const justified = bearer(token);
justified.set('x-argus-justification-bin', Buffer.from('Overzicht Rotterdam–Liège', 'utf8'));
const list = await call(arrests, 'ListArrests', { parent: 'operations/argus', page_size: 1000 }, justified);
console.log(`ListArrests operations/argus: ${list.arrests.length} arrests, e.g. ${list.arrests[0]?.name}`);

// 3. Errors. An invalid arrest: every bad field is named in google.rpc.BadRequest.
console.log('CreateArrest with an invalid arrest:');
await expectError(call(arrests, 'CreateArrest', {
  parent: 'operations/argus',
  request_id: randomUUID(), // reuse the same one when retrying, so the arrest is recorded once
  arrest: { subject: { given_names: '', family_name: 'Jansen', nationalities: ['ZZZ'] }, legal_basis: 'art. 54 Sv' },
}, bearer(token)));
console.log('GetArrest of an arrest that does not exist:');
await expectError(call(arrests, 'GetArrest', { name: 'operations/argus/arrests/no-such-arrest' }, bearer(token)));
console.log('ListArrests without a token:');
await expectError(call(arrests, 'ListArrests', { parent: 'operations/argus' }));
console.log(`ListArrests with ${opt.client}'s token on partner-demo's certificate:`);
await expectError(call(stub(argus.arrests.v1.ArrestService, 'partner-demo'), 'ListArrests', { parent: 'operations/argus' }, bearer(token)));

// partner-demo acts for no agency: it reads, justified, and may not write.
const jitToken = await getToken('partner-demo');
const operations = stub(argus.operations.v1.OperationService, 'partner-demo');
console.log('partner-demo: CreateOperation (it has read scopes only):');
await expectError(call(operations, 'CreateOperation', { operation: { code_name: 'Dashboard test' }, request_id: randomUUID() }, bearer(jitToken)));
console.log('partner-demo: ListArrests without a justification:');
await expectError(call(stub(argus.arrests.v1.ArrestService, 'partner-demo'), 'ListArrests', { parent: 'operations/argus' }, bearer(jitToken)));

// 4. Sync as Belgium's agency service at the Dutch one: the events meant for Belgium, numbered 1, 2, 3… for it.
const beToken = await getToken('argus-be', 'urn:argus:agency:nl');
const events = stub(argus.exchange.v1.ExchangeService, 'argus-be', opt.sync).Sync({ after_cursor: '0' }, bearer(beToken));
let seen = 0;
for await (const event of events) {
  console.log(`Sync: cursor ${event.cursor} ${event.event} ${event.record} v${event.version} ${event.handling_code}`);
  if (++seen === 3) { events.cancel(); break; }
}
process.exit(0); // rather than closing each client's channel
