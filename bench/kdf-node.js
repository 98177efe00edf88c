// Node's crypto.scrypt (OpenSSL) on the same inputs the vault's benchmark uses; prints ms per derivation.
// Usage: node kdf-node.js <iterations>
const { scrypt } = require('crypto');
const { promisify } = require('util');
const scryptAsync = promisify(scrypt);

(async () => {
  const iterations = Number(process.argv[2] ?? 20);
  const password = 'qLbCz5mJ1c1RqtJ0a1NxvWk4mJ6F3lq0m0rW1m6Jxkc=';
  const salt = Buffer.alloc(32, 7);
  await scryptAsync(password, salt, 32); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await scryptAsync(password, salt, 32);
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / iterations;
  process.stdout.write(ms.toFixed(3));
})();
