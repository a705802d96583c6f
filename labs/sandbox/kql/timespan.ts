/** The Logs query API's `timespan` parameter: an ISO 8601 duration or interval, as a time range. */

const DURATION = /^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/** Milliseconds of an ISO 8601 duration (`PT1H`, `P1D`, `P1DT12H`), or undefined when it is not one. */
export function parseIsoDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || /^-?PT?$/i.test(text.trim())) return undefined;
  const [, sign, y, mo, w, d, h, mi, s] = m;
  const n = (v: string | undefined) => (v === undefined ? 0 : Number(v));
  const ms = ((((n(y) * 365 + n(mo) * 30 + n(w) * 7 + n(d)) * 24 + n(h)) * 60 + n(mi)) * 60 + n(s)) * 1000;
  return sign ? -ms : ms;
}

/** The `[start, end]` range (milliseconds since the epoch) a timespan stands for at `now`. */
export function parseTimespan(text: string, now: number): { start: number; end: number } | undefined {
  const parts = text.split('/');
  if (parts.length === 1) {
    const duration = parseIsoDuration(parts[0]);
    return duration === undefined ? undefined : { start: now - duration, end: now };
  }
  if (parts.length !== 2) return undefined;
  const [a, b] = parts;
  const startTime = Date.parse(a);
  const endTime = Date.parse(b);
  if (!Number.isNaN(startTime) && !Number.isNaN(endTime)) return { start: startTime, end: endTime };
  if (!Number.isNaN(startTime)) {
    const duration = parseIsoDuration(b);
    return duration === undefined ? undefined : { start: startTime, end: startTime + duration };
  }
  if (!Number.isNaN(endTime)) {
    const duration = parseIsoDuration(a);
    return duration === undefined ? undefined : { start: endTime - duration, end: endTime };
  }
  return undefined;
}
