// Reading a batch screening answer: NDJSON streamed line by line (large
// batches) or one JSON document (small ones: an array, or an object
// holding the array under "results").

/** Splits a byte stream into lines and parses each non-blank one as JSON. */
export async function* ndjsonLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<unknown> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  let lineNo = 0;
  const parse = (line: string): unknown => {
    lineNo++;
    try {
      return JSON.parse(line);
    } catch (e) {
      throw new Error(`line ${lineNo} of the answer is not JSON: ${(e as Error).message}`);
    }
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) yield parse(line);
    }
  }
  buf += decoder.decode();
  if (buf.trim()) yield parse(buf.trim());
}

/** Unwraps a one-document batch answer into its list of results. */
export function batchArray(doc: unknown): unknown[] {
  if (Array.isArray(doc)) return doc;
  if (doc && typeof doc === 'object') {
    const o = doc as Record<string, unknown>;
    for (const key of ['results', 'items', 'data']) {
      if (Array.isArray(o[key])) return o[key] as unknown[];
    }
    if ('query' in o) return [o];
  }
  throw new Error('the batch answer is neither NDJSON nor a JSON array of results');
}

/** Whether a Content-Type names newline-delimited JSON. */
export function isNDJSON(contentType: string | null): boolean {
  const ct = (contentType || '').toLowerCase();
  return ct.includes('ndjson') || ct.includes('jsonl') || ct.includes('json-seq') || ct.includes('jsonlines');
}
