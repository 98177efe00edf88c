// The Data Border encryption functions, written from shared/seeds/002 (its "Implementation Reference"),
// used by the tests as the independent side of the byte-compatibility check.
// Usage: node databorder.js encrypt|decrypt  (JSON on stdin: {data|blob, secret}; result on stdout)
const { randomBytes, scrypt, createCipheriv, createDecipheriv } = require('crypto');
const { promisify } = require('util');
const scryptAsync = promisify(scrypt);

async function encrypt(data, secret) {
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const key = await scryptAsync(secret, salt, 32);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
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
  const key = await scryptAsync(secret, salt, 32);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  let decrypted = decipher.update(encrypted, undefined, 'utf8');
  decrypted += decipher.final('utf8');
  return decrypted;
}

async function main() {
  const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const out = process.argv[2] === 'encrypt'
    ? await encrypt(input.data, input.secret)
    : await decrypt(input.blob, input.secret);
  process.stdout.write(out);
}

main().catch(e => { process.stderr.write(String(e.message)); process.exit(1); });
