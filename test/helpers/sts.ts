import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

/** A known key: its secret (and session token), and the ARN STS answers with. */
export interface KnownKey {
  secret: string;
  token?: string;
  arn: string;
}

const error = (code: string, message: string) =>
  `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>0</RequestId></ErrorResponse>`;

/**
 * A stand-in for STS's GetCallerIdentity on 127.0.0.1 that checks real SigV4 signatures: it signs the request it
 * received again with the secret it knows for the key ID and compares. Unknown keys get STS's
 * InvalidClientTokenId, a wrong secret SignatureDoesNotMatch, a known pair its ARN.
 */
export async function standInSts(keys: Record<string, KnownKey>) {
  const requests: string[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const auth = /Credential=([^/]+)\/(\d{8})\/([^/]+)\/sts\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]+)/.exec(req.headers.authorization ?? '');
    requests.push(auth?.[1] ?? '(unsigned)');
    const reply = (status: number, xml: string) => res.writeHead(status, { 'content-type': 'text/xml' }).end(xml);
    if (!auth || body !== 'Action=GetCallerIdentity&Version=2011-06-15') return reply(400, error('InvalidAction', 'Could not find operation'));
    const [, keyId, , region, signedHeaders, signature] = auth;
    const known = keys[keyId];
    if (!known) return reply(403, error('InvalidClientTokenId', 'The security token included in the request is invalid.'));
    const headers: Record<string, string> = {};
    for (const name of signedHeaders.split(';')) headers[name] = String(req.headers[name] ?? '');
    const amzDate = headers['x-amz-date'];
    const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
    const signer = new SignatureV4({ service: 'sts', region, sha256: Sha256, credentials: { accessKeyId: keyId, secretAccessKey: known.secret, sessionToken: known.token } });
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const expected = await signer.sign(
      { method: req.method ?? 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers, body },
      { signingDate },
    );
    if (!String(expected.headers.authorization).endsWith(`Signature=${signature}`) || (known.token && headers['x-amz-security-token'] !== known.token)) {
      return reply(403, error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'));
    }
    const account = known.arn.split(':')[4];
    reply(200, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${known.arn}</Arn><UserId>AIDAEXAMPLE</UserId><Account>${account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
