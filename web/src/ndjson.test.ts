import { describe, expect, it } from 'vitest';
import { batchArray, isNDJSON, ndjsonLines } from './ndjson';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const s of chunks) c.enqueue(enc.encode(s));
      c.close();
    },
  });
}

async function collect(s: ReadableStream<Uint8Array>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const v of ndjsonLines(s)) out.push(v);
  return out;
}

describe('ndjsonLines', () => {
  it('joins lines split across chunks, including inside a multibyte character', async () => {
    const bytes = new TextEncoder().encode('{"query":"中国"}\n{"query":"b"}');
    const cut = 12; // inside the UTF-8 of 中
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.slice(0, cut));
        c.enqueue(bytes.slice(cut));
        c.close();
      },
    });
    expect(await collect(stream)).toEqual([{ query: '中国' }, { query: 'b' }]);
  });
  it('skips blank lines and reads a last line without newline', async () => {
    expect(await collect(streamOf(['{"a":1}\n\n', '{"a"', ':2}']))).toEqual([{ a: 1 }, { a: 2 }]);
  });
  it('names the line that is not JSON', async () => {
    await expect(collect(streamOf(['{"a":1}\nnot json\n']))).rejects.toThrow(/line 2/);
  });
});

describe('batchArray and isNDJSON', () => {
  it('accepts an array, an object with results, or one result', () => {
    expect(batchArray([{ query: 'a' }])).toHaveLength(1);
    expect(batchArray({ results: [{ query: 'a' }, { query: 'b' }] })).toHaveLength(2);
    expect(batchArray({ query: 'a', matches: [] })).toHaveLength(1);
    expect(() => batchArray({ nope: 1 })).toThrow();
  });
  it('recognises NDJSON content types', () => {
    expect(isNDJSON('application/x-ndjson')).toBe(true);
    expect(isNDJSON('application/jsonl; charset=utf-8')).toBe(true);
    expect(isNDJSON('application/json')).toBe(false);
    expect(isNDJSON(null)).toBe(false);
  });
});
