// A Data Border-style reference proxy, written from Data Border's encryption page
// (shared/seeds/002_ef7a95395b71f07a.txt, "During API Calls"): for EVERY request it reads the seller's
// encrypted blob, derives the key with crypto.scrypt (Node's defaults, N=2^14 r=8 p=1, as on the page),
// decrypts with AES-256-GCM (16-byte IV), mints an access token from LWA with the refresh token, and
// forwards the call to SP-API with that access token. Nothing is cached. Node's standard library only.
//
// The blob store is a JSON file loaded at start into memory (Node 20 has no built-in SQLite). A map
// lookup is cheaper than Data Border's SQLite read, so this favours the reference slightly; the scrypt
// derivation (tens of ms) dominates either way.
//
// Serve:   node server.js            (env below)
// Encrypt: node server.js encrypt < [{"tenant","sellerId","region","secret","refreshToken"}]  > blobs.json
//
// Env: PORT, BLOBS_FILE, AMAZON_ENDPOINT_OVERRIDE (http://127.0.0.1:PORT/{host}), SPAPI_LWA_CLIENT_ID,
//      SPAPI_LWA_CLIENT_SECRET, JWT_SECRET (HS256 caller JWTs with a "tenant" claim, as the vault's).
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const { promisify } = require('util');
const scrypt = promisify(crypto.scrypt);

// ---- the page's "Implementation Reference", verbatim in substance -------------------------------------
async function encrypt(data, secret) {
  const salt = crypto.randomBytes(32);
  const iv = crypto.randomBytes(16);
  const key = await scrypt(secret, salt, 32);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  let encrypted = cipher.update(data, 'utf8', 'hex');
  encrypted += cipher.final('hex');
  const tag = cipher.getAuthTag();
  return Buffer.concat([salt, iv, tag, Buffer.from(encrypted, 'hex')]).toString('base64');
}

async function decrypt(encryptedData, secret) {
  const combined = Buffer.from(encryptedData, 'base64');
  const salt = combined.subarray(0, 32);
  const iv = combined.subarray(32, 48);
  const tag = combined.subarray(48, 64);
  const encrypted = combined.subarray(64);
  const key = await scrypt(secret, salt, 32);
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  let decrypted = decipher.update(encrypted, undefined, 'utf8');
  decrypted += decipher.final('utf8');
  return decrypted;
}

// ---- encrypt mode: builds the blob file -----------------------------------------------------------------
async function encryptMode() {
  const input = JSON.parse(fs.readFileSync(0, 'utf8'));
  const out = {};
  for (const s of input) out[`${s.tenant}/${s.sellerId}`] = { region: s.region, blob: await encrypt(s.refreshToken, s.secret) };
  process.stdout.write(JSON.stringify(out));
}

// ---- serve mode -------------------------------------------------------------------------------------------
const HOSTS = {
  na: { lwa: 'api.amazon.com', sp: 'sellingpartnerapi-na.amazon.com' },
  eu: { lwa: 'api.amazon.co.uk', sp: 'sellingpartnerapi-eu.amazon.com' },
  fe: { lwa: 'api.amazon.co.jp', sp: 'sellingpartnerapi-fe.amazon.com' },
};
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function amazonUrl(host, pathAndQuery) {
  const template = process.env.AMAZON_ENDPOINT_OVERRIDE;
  const base = template ? template.replace('{host}', host).replace(/\/$/, '') : `https://${host}`;
  return new URL(base + pathAndQuery);
}

function verifyJwt(header) {
  if (!header || !header.startsWith('Bearer ')) return null;
  const [h, p, s] = header.slice(7).split('.');
  if (!s) return null;
  const expected = crypto.createHmac('sha256', process.env.JWT_SECRET).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  if (!(claims.exp > Date.now() / 1000)) return null;
  return claims;
}

function send(method, url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, resolve);
    req.on('error', reject);
    req.end(body);
  });
}

async function readAll(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

async function mintAccessToken(region, refreshToken) {
  const form = new URLSearchParams({
    grant_type: 'refresh_token', refresh_token: refreshToken,
    client_id: process.env.SPAPI_LWA_CLIENT_ID, client_secret: process.env.SPAPI_LWA_CLIENT_SECRET,
  }).toString();
  const res = await send('POST', amazonUrl(HOSTS[region].lwa, '/auth/o2/token'),
    { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(form) }, form);
  const text = await readAll(res);
  if (res.statusCode !== 200) throw new Error(`LWA ${res.statusCode}`);
  return JSON.parse(text).access_token;
}

function problem(res, status, code) {
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ status, code }));
}

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

async function handle(store, req, res) {
  const m = /^\/v1\/sellers\/([A-Za-z0-9._:-]{1,128})\/sp-api(\/.*)$/.exec(req.url);
  if (!m) return problem(res, 404, 'not_found');
  const claims = verifyJwt(req.headers.authorization);
  if (!claims) return problem(res, 401, 'unauthorized');
  const secret = req.headers['x-amazon-token-secret'];
  if (!secret) return problem(res, 400, 'invalid_secret_format');
  const record = store[`${claims.tenant ?? 'default'}/${m[1]}`]; // "Retrieve encrypted token from database"
  if (!record) return problem(res, 404, 'connection_not_found');
  let refreshToken;
  try {
    refreshToken = await decrypt(record.blob, secret); // "Decrypt token using provided secret"
  } catch {
    return problem(res, 401, 'secret_mismatch');
  }
  const accessToken = await mintAccessToken(record.region, refreshToken);
  const headers = { 'x-amz-access-token': accessToken }; // "Call SP-API with decrypted token"
  for (const [k, v] of Object.entries(req.headers))
    if (!['authorization', 'x-amazon-token-secret', 'host', 'cookie', 'x-amz-access-token'].includes(k) && !HOP.has(k)) headers[k] = v;
  const body = ['GET', 'HEAD'].includes(req.method) ? undefined : Buffer.from(await readAll(req));
  const upstream = await send(req.method, amazonUrl(HOSTS[record.region].sp, m[2]), headers, body);
  const out = {};
  for (const [k, v] of Object.entries(upstream.headers)) if (!HOP.has(k) && k !== 'set-cookie') out[k] = v;
  res.writeHead(upstream.statusCode, out);
  upstream.pipe(res);
}

function serve() {
  const store = JSON.parse(fs.readFileSync(process.env.BLOBS_FILE, 'utf8'));
  const server = http.createServer((req, res) => {
    if (req.url === '/readyz') return res.end('{"status":"ready"}');
    handle(store, req, res).catch(() => { if (!res.headersSent) problem(res, 502, 'amazon_error'); else res.destroy(); });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT), '127.0.0.1');
}

if (process.argv[2] === 'encrypt') encryptMode();
else serve();
