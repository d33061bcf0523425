// Drives OpenPGP.js (pinned in package-lock.json) for the interop tests:
//   node openpgpjs.js encrypt --key PUB.asc [--key PUB2.asc] [--compress zlib|none] --in FILE --out FILE
//   node openpgpjs.js decrypt --key SEC.asc --in FILE --out FILE
// Messages are binary. Exit code 0 on success; errors go to stderr.
'use strict';
const fs = require('fs');
const openpgp = require('openpgp');

function option(args, name, many) {
  const values = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) {
      values.push(args[i + 1]);
    }
  }
  return many ? values : values[0];
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  const input = fs.readFileSync(option(args, '--in'));
  if (command === 'encrypt') {
    const encryptionKeys = await Promise.all(option(args, '--key', true).map(p => openpgp.readKey({ armoredKey: fs.readFileSync(p, 'utf8') })));
    const compression = option(args, '--compress') === 'zlib' ? openpgp.enums.compression.zlib : openpgp.enums.compression.uncompressed;
    const message = await openpgp.createMessage({ binary: input, filename: 'data.csv' });
    const encrypted = await openpgp.encrypt({ message, encryptionKeys, format: 'binary', config: { preferredCompressionAlgorithm: compression } });
    fs.writeFileSync(option(args, '--out'), encrypted);
  } else if (command === 'decrypt') {
    const decryptionKeys = await openpgp.readPrivateKey({ armoredKey: fs.readFileSync(option(args, '--key'), 'utf8') });
    const message = await openpgp.readMessage({ binaryMessage: input });
    const { data } = await openpgp.decrypt({ message, decryptionKeys, format: 'binary' });
    fs.writeFileSync(option(args, '--out'), data);
  } else {
    throw new Error(`unknown command '${command}'`);
  }
}

main().catch(error => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
