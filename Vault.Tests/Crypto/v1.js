// The v1 format written independently from docs/FORMAT.md with Node's crypto, so the tests can
// check the vault's parser against a second implementation. Scrypt only (Node has no Argon2id).
// Usage: node v1.js  (JSON on stdin: {data, secret, tenant, sellerId, api, log2N?, r?, p?}; base64 blob on stdout)
const { randomBytes, scryptSync, createCipheriv } = require('crypto');

const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const log2N = input.log2N ?? 14, r = input.r ?? 8, p = input.p ?? 1;
const header = Buffer.from([0x01, 0x01, log2N, r, p]);
const salt = randomBytes(32);
const nonce = randomBytes(12);
const key = scryptSync(input.secret, salt, 32, { N: 2 ** log2N, r, p, maxmem: 256 * 1024 * 1024 });
const cipher = createCipheriv('aes-256-gcm', key, nonce);
cipher.setAAD(Buffer.concat([header, Buffer.from(`amazon-token-vault/v1:${input.tenant}/${input.sellerId}/${input.api}`, 'utf8')]));
const ciphertext = Buffer.concat([cipher.update(input.data, 'utf8'), cipher.final()]);
process.stdout.write(Buffer.concat([header, salt, nonce, cipher.getAuthTag(), ciphertext]).toString('base64'));
