// Loaded only under --verify: the only code of keyguard that sends anything over the network.
import type { EnvHttpProxyAgent } from 'undici';
import { messageOf } from '../errors.js';
import type { Verification } from '../types.js';
import type { KeyPair } from './pairs.js';

/** STS's global endpoint, signed for us-east-1; AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL replaces it. */
const GLOBAL_ENDPOINT = 'https://sts.amazonaws.com';
const BODY = 'Action=GetCallerIdentity&Version=2011-06-15';
/** At most this many requests at once, each given up after TIMEOUT_MS. */
const CONCURRENCY = 4;
const TIMEOUT_MS = 10_000;
/** What STS answers for a key it does not know (or that was deleted), and for a secret that does not match. */
const INVALID_CODES = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken', 'UnrecognizedClientException']);

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/** The IAM user or role an STS ARN names: arn:aws:iam::1:user/path/NAME, arn:aws:sts::1:assumed-role/ROLE/session. */
export function principalOf(arn: string): { user?: string; role?: string } {
  const resource = arn.split(':').slice(5).join(':');
  if (resource.startsWith('user/')) return { user: resource.split('/').pop() };
  if (resource.startsWith('assumed-role/')) return { role: resource.split('/')[1] };
  return {};
}

/**
 * The signing and HTTP libraries, imported when a verification starts: esbuild lifts a bundled module's imports
 * of external packages to the top of the bundle, where they cost every keyguard command ~0.12 s (undici alone
 * 75 ms) even though only --verify uses them.
 */
async function networkLibraries() {
  const [{ Sha256 }, { SignatureV4 }, { EnvHttpProxyAgent, request }] = await Promise.all([
    import('@aws-crypto/sha256-js'),
    import('@smithy/signature-v4'),
    import('undici'),
  ]);
  return { Sha256, SignatureV4, EnvHttpProxyAgent, request };
}

interface Endpoint {
  url: URL;
  region: string;
  dispatcher: EnvHttpProxyAgent;
  libraries: Awaited<ReturnType<typeof networkLibraries>>;
}

/** One signed GetCallerIdentity: active with the ARN, invalid as STS says, or an error said plainly. */
async function callerIdentity(pair: KeyPair, endpoint: Endpoint): Promise<Verification> {
  const { url, region, dispatcher } = endpoint;
  const { Sha256, SignatureV4, request } = endpoint.libraries;
  const signer = new SignatureV4({
    service: 'sts',
    region,
    sha256: Sha256,
    credentials: { accessKeyId: pair.keyId.secret, secretAccessKey: pair.secret.secret, sessionToken: pair.token?.secret },
  });
  try {
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: {},
      headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: BODY,
    });
    const response = await request(url, { method: 'POST', headers: signed.headers, body: BODY, dispatcher, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
    const xml = await response.body.text();
    if (response.statusCode === 200) {
      const arn = tag(xml, 'Arn') ?? '';
      return { status: 'active', account: tag(xml, 'Account'), arn, ...principalOf(arn) };
    }
    const code = tag(xml, 'Code') ?? `HTTP ${response.statusCode}`;
    const reason = `${code}${tag(xml, 'Message') ? `: ${tag(xml, 'Message')}` : ''}`;
    return { status: INVALID_CODES.has(code) ? 'invalid' : 'error', reason };
  } catch (error) {
    return { status: 'error', reason: messageOf(error) };
  }
}

/**
 * Asks STS about each distinct pair (ID, secret and token, if any), a few at a time: the answer is shared by
 * every finding of the pair. The endpoint and proxy come from the usual variables (AWS_ENDPOINT_URL_STS,
 * AWS_ENDPOINT_URL, AWS_REGION, HTTPS_PROXY, NO_PROXY).
 */
export async function verifyPairs(pairs: readonly KeyPair[], env: NodeJS.ProcessEnv = process.env): Promise<Map<KeyPair, Verification>> {
  const configured = env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL;
  const libraries = await networkLibraries();
  const endpoint: Endpoint = {
    url: new URL(configured || GLOBAL_ENDPOINT),
    region: (configured && (env.AWS_REGION || env.AWS_DEFAULT_REGION)) || 'us-east-1',
    dispatcher: new libraries.EnvHttpProxyAgent(),
    libraries,
  };
  const distinct = new Map<string, KeyPair[]>();
  for (const pair of pairs) {
    const key = `${pair.keyId.secret}\0${pair.secret.secret}\0${pair.token?.secret ?? ''}`;
    distinct.set(key, [...(distinct.get(key) ?? []), pair]);
  }
  const groups = [...distinct.values()];
  const results = new Map<KeyPair, Verification>();
  let next = 0;
  const worker = async () => {
    while (next < groups.length) {
      const group = groups[next++];
      const verification = await callerIdentity(group[0], endpoint);
      for (const pair of group) results.set(pair, verification);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, groups.length) }, worker));
  } finally {
    await endpoint.dispatcher.close();
  }
  return results;
}
