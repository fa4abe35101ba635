/**
 * Fetches a call's recording for the renderer, which may not reach the recording server itself
 * (its Content-Security-Policy only plays blob: media). Every way it can fail comes back as a
 * reason in words, since a missing recording is an ordinary state of a call, not an error.
 */

export type RecordingResult = { mimeType: string; base64: string } | { missing: string };

export interface FetchRecordingOptions {
  timeoutMs?: number;
  /** Larger files are refused: the audio travels base64-encoded over the bridge. */
  maxBytes?: number;
  /** The platform's credentials, for a recording server that asks for them. */
  headers?: Record<string, string>;
}

/** Where the routing provider says a call's recording is now, with the credentials it needs; null when it does not know. */
export type RecordingSourceOf = (call: { id: string; recordingUrl?: string | undefined }) => Promise<{ url: string; headers: Record<string, string> } | null>;

/**
 * A call's recording through the voice platform when it can say where the recording is now (a
 * signed link in an old report may have expired, and some platforms ask for credentials), else
 * from the link the call came with.
 */
export async function fetchCallRecording(
  call: { id: string; recordingUrl?: string | undefined },
  source: RecordingSourceOf | undefined,
  options: FetchRecordingOptions = {},
): Promise<RecordingResult> {
  let fresh: Awaited<ReturnType<RecordingSourceOf>> = null;
  let why = '';
  try {
    fresh = (await source?.(call)) ?? null;
  } catch (e) {
    why = ` (the platform could not be asked for a fresh link: ${e instanceof Error ? e.message : String(e)})`;
  }
  const result = fresh ? await fetchRecording(fresh.url, { ...options, headers: fresh.headers }) : await fetchRecording(call.recordingUrl, options);
  return 'missing' in result && why ? { missing: `${result.missing}${why}` } : result;
}

export const RECORDING_DEFAULTS = { timeoutMs: 10_000, maxBytes: 25 * 1024 * 1024 } as const;

export async function fetchRecording(url: string | undefined, options: FetchRecordingOptions = {}): Promise<RecordingResult> {
  if (!url) return { missing: 'this call has no recording (the platform sent no recording URL; calls that never connected have none)' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { missing: `the recording URL "${url}" is not a valid address` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { missing: `the recording URL uses ${parsed.protocol}, only http and https are fetched` };
  }
  const timeoutMs = options.timeoutMs ?? RECORDING_DEFAULTS.timeoutMs;
  const maxBytes = options.maxBytes ?? RECORDING_DEFAULTS.maxBytes;
  const where = `${parsed.origin}${parsed.pathname}`;
  try {
    const res = await fetch(parsed, { signal: AbortSignal.timeout(timeoutMs), ...(options.headers ? { headers: options.headers } : {}) });
    if (!res.ok) return { missing: `the recording server answered HTTP ${res.status} for ${where}` };
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > maxBytes) return { missing: `the recording is ${mb(declared)}, over the ${mb(maxBytes)} the console plays` };
    const bytes = Buffer.from(await res.arrayBuffer());
    if (bytes.length > maxBytes) return { missing: `the recording is ${mb(bytes.length)}, over the ${mb(maxBytes)} the console plays` };
    if (bytes.length === 0) return { missing: `the recording server sent an empty file for ${where}` };
    const mimeType = audioType(res.headers.get('content-type'), bytes);
    if (!mimeType) return { missing: `${where} did not send audio (content-type ${res.headers.get('content-type') ?? 'missing'})` };
    return { mimeType, base64: bytes.toString('base64') };
  } catch (e) {
    const err = e as Error;
    if (err.name === 'TimeoutError') return { missing: `the recording server did not answer within ${timeoutMs / 1000} s (${where})` };
    const cause = (err.cause as Error | undefined)?.message;
    return { missing: `the recording could not be fetched from ${where}: ${cause ?? err.message}` };
  }
}

/** The declared audio type, or WAV recognised by its header when the server says nothing useful. */
function audioType(contentType: string | null, bytes: Buffer): string | null {
  const declared = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (declared.startsWith('audio/')) return declared;
  const isWav = bytes.length >= 12 && bytes.toString('ascii', 0, 4) === 'RIFF' && bytes.toString('ascii', 8, 12) === 'WAVE';
  return isWav ? 'audio/wav' : null;
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
