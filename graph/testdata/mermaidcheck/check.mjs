// check.mjs parses each Mermaid file named on the command line with the
// mermaid package (mermaid.parse, the same parser GitHub's renderer uses) and
// exits non-zero with the parser's message when one does not parse.
// Usage: node check.mjs FILE.mmd...   (run `npm ci` in this directory first)
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

// mermaid expects a browser: give it a DOM (DOMPurify needs window/document).
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const k of ['Element', 'HTMLElement', 'Node', 'DOMParser', 'navigator']) {
  if (!(k in globalThis)) {
    Object.defineProperty(globalThis, k, { value: dom.window[k], configurable: true, writable: true });
  }
}

const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  try {
    const res = await mermaid.parse(text);
    if (!res || res.diagramType !== 'flowchart-v2') {
      console.log(`${file}: parsed as ${res && res.diagramType}, want flowchart-v2`);
      failed++;
    }
  } catch (e) {
    console.log(`${file}: ${e && e.message ? e.message : e}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
