// Encrypts or decrypts one file with the official AWS Encryption SDK for JavaScript (@aws-crypto/client-node),
// against a KMS-compatible endpoint (the tests' local KMS server). Used by the interop tests.
//
//   node esdk.js encrypt --endpoint URL --key ARN [--key ARN] --suite 0478|0578 --frame N --in FILE --out FILE [--context k=v]...
//   node esdk.js decrypt --endpoint URL --key ARN [--key ARN] --in FILE --out FILE
// decrypt prints the message's encryption context and suite as JSON on stdout.
'use strict'
const fs = require('fs')
const { pipeline } = require('stream/promises')
const { buildClient, CommitmentPolicy, AlgorithmSuiteIdentifier, KmsKeyringNode, getClient, KMS } = require('@aws-crypto/client-node')

function parse(argv) {
  const options = { command: argv[0], keys: [], context: {} }
  for (let i = 1; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]]
    if (name === '--key') options.keys.push(value)
    else if (name === '--context') { const at = value.indexOf('='); options.context[value.slice(0, at)] = value.slice(at + 1) }
    else options[name.slice(2)] = value
  }
  return options
}

async function main() {
  const o = parse(process.argv.slice(2))
  const clientProvider = getClient(KMS, {
    endpoint: o.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDLOCALKMS', secretAccessKey: 'local-kms-secret' },
  })
  const keyring = new KmsKeyringNode({ generatorKeyId: o.keys[0], keyIds: o.keys.slice(1), clientProvider })
  const { encryptStream, decryptUnsignedMessageStream, decryptStream } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
  if (o.command === 'encrypt') {
    const suiteId = o.suite === '0578'
      ? AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY_ECDSA_P384
      : AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY
    await pipeline(
      fs.createReadStream(o.in),
      encryptStream(keyring, { suiteId, frameLength: Number(o.frame || 4096), encryptionContext: o.context }),
      fs.createWriteStream(o.out))
  } else if (o.command === 'decrypt') {
    let header
    const decrypting = decryptStream(keyring)
    decrypting.once('MessageHeader', h => { header = h })
    await pipeline(fs.createReadStream(o.in), decrypting, fs.createWriteStream(o.out))
    process.stdout.write(JSON.stringify({ suiteId: header.suiteId, encryptionContext: header.encryptionContext }))
  } else {
    throw new Error(`unknown command ${o.command}`)
  }
}

main().catch(error => { process.stderr.write(`esdk.js: ${error && error.stack || error}\n`); process.exit(1) })
