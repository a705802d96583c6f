/**
 * The two deterministic hashes ARM templates rely on, written without Node's crypto so the
 * engine stays isomorphic:
 * - `uniqueString(...)`: Microsoft's 64-bit MurmurHash variant over the arguments joined by `-`,
 *   written as 13 base-32 characters (`a-z2-7`).
 * - `guid(...)`: a name-based version-5 UUID (SHA-1) of the arguments joined by `-`, in the
 *   namespace `11fb06fb-712d-4ddd-98c7-e71bbd588830`.
 */

const encoder = new TextEncoder();

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

function fmix(h: number): number {
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function readUInt32(data: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let i = count - 1; i >= 0; i -= 1) value = ((value << 8) | data[at + i]) >>> 0;
  return value;
}

/** The 64-bit hash as [high, low] 32-bit halves. */
export function murmurHash64(data: Uint8Array, seed = 0): [number, number] {
  const c1 = 0x239b961b;
  const c2 = 0xab0e9789;
  let h1 = seed >>> 0;
  let h2 = seed >>> 0;
  let index = 0;
  for (; index + 7 < data.length; index += 8) {
    let k1 = readUInt32(data, index, 4);
    let k2 = readUInt32(data, index + 4, 4);
    k1 = Math.imul(rotl(Math.imul(k1, c1) >>> 0, 15), c2) >>> 0;
    h1 = (h1 ^ k1) >>> 0;
    h1 = (rotl(h1, 19) + h2) >>> 0;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) >>> 0;
    k2 = Math.imul(rotl(Math.imul(k2, c2) >>> 0, 17), c1) >>> 0;
    h2 = (h2 ^ k2) >>> 0;
    h2 = (rotl(h2, 13) + h1) >>> 0;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) >>> 0;
  }
  const tail = data.length - index;
  if (tail > 0) {
    const k1 = Math.imul(rotl(Math.imul(readUInt32(data, index, Math.min(tail, 4)), c1) >>> 0, 15), c2) >>> 0;
    h1 = (h1 ^ k1) >>> 0;
    if (tail > 4) {
      const k2 = Math.imul(rotl(Math.imul(readUInt32(data, index + 4, tail - 4), c2) >>> 0, 17), c1) >>> 0;
      h2 = (h2 ^ k2) >>> 0;
    }
  }
  h1 = (h1 ^ data.length) >>> 0;
  h2 = (h2 ^ data.length) >>> 0;
  h1 = (h1 + h2) >>> 0;
  h2 = (h2 + h1) >>> 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = (h1 + h2) >>> 0;
  h2 = (h2 + h1) >>> 0;
  return [h2, h1];
}

/** ARM's `uniqueString(a, b, ...)`: 13 lower-case base-32 characters. */
export function uniqueString(values: string[]): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let [high, low] = murmurHash64(encoder.encode(values.join('-')));
  let out = '';
  for (let i = 0; i < 13; i += 1) {
    out += alphabet[high >>> 27];
    high = ((high << 5) | (low >>> 27)) >>> 0;
    low = (low << 5) >>> 0;
  }
  return out;
}

/** SHA-1 of the bytes (FIPS 180-4), 20 bytes. */
export function sha1(message: Uint8Array): Uint8Array {
  const length = message.length;
  const padded = new Uint8Array(((length + 9 + 63) >> 6) << 6);
  padded.set(message);
  padded[length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor((length * 8) / 0x100000000));
  view.setUint32(padded.length - 4, (length * 8) >>> 0);
  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const w = new Uint32Array(80);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i += 1) w[i] = view.getUint32(block + i * 4);
    for (let i = 16; i < 80; i += 1) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let i = 0; i < 80; i += 1) {
      let f: number;
      let k: number;
      if (i < 20) [f, k] = [(b & c) | (~b & d), 0x5a827999];
      else if (i < 40) [f, k] = [b ^ c ^ d, 0x6ed9eba1];
      else if (i < 60) [f, k] = [(b & c) | (b & d) | (c & d), 0x8f1bbcdc];
      else [f, k] = [b ^ c ^ d, 0xca62c1d6];
      const temp = (rotl(a, 5) + (f >>> 0) + e + k + w[i]) >>> 0;
      e = d;
      d = c;
      c = rotl(b, 30);
      b = a;
      a = temp;
    }
    h0 = (h0 + a) >>> 0;
    h1 = (h1 + b) >>> 0;
    h2 = (h2 + c) >>> 0;
    h3 = (h3 + d) >>> 0;
    h4 = (h4 + e) >>> 0;
  }
  const out = new Uint8Array(20);
  const outView = new DataView(out.buffer);
  [h0, h1, h2, h3, h4].forEach((h, i) => outView.setUint32(i * 4, h));
  return out;
}

const GUID_NAMESPACE = '11fb06fb-712d-4ddd-98c7-e71bbd588830';

/** ARM's `guid(a, b, ...)`: a version-5 UUID of the arguments joined by `-`. */
export function deterministicGuid(values: string[]): string {
  const namespace = GUID_NAMESPACE.replace(/-/g, '').match(/../g)!.map((h) => parseInt(h, 16));
  const name = encoder.encode(values.join('-'));
  const input = new Uint8Array(16 + name.length);
  input.set(namespace);
  input.set(name, 16);
  const bytes = sha1(input).slice(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
