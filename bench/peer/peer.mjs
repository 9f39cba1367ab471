// The peer: what a user writes instead of cntraudit, with the official
// openai SDK (pinned in package.json), pointed at the fake API with baseURL.
//   node peer.mjs containers OUT.jsonl            list every container (SDK auto-pagination)
//   node peer.mjs responses OUT.jsonl IDS JOBS    retrieve responses, JOBS at a time
// Writes one JSON object per line, like a user's script saving to JSONL.
import OpenAI from 'openai';
import { createWriteStream, readFileSync } from 'node:fs';

const [, , mode, out, idsFile, jobsArg] = process.argv;
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL: process.env.OPENAI_BASE_URL, maxRetries: 5 });
const sink = createWriteStream(out);
let count = 0;

if (mode === 'containers') {
  for await (const container of client.containers.list({ limit: 100, order: 'asc' })) {
    sink.write(JSON.stringify(container) + '\n');
    count++;
  }
} else if (mode === 'responses') {
  const ids = readFileSync(idsFile, 'utf8').split('\n').filter(Boolean);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const response = await client.responses.retrieve(ids[next++]);
      sink.write(JSON.stringify(response) + '\n');
      count++;
    }
  };
  await Promise.all(Array.from({ length: Number(jobsArg || 8) }, worker));
} else {
  console.error('usage: node peer.mjs containers|responses OUT [IDS JOBS]');
  process.exit(2);
}
await new Promise((resolve) => sink.end(resolve));
console.error(`peer: ${count} ${mode}`);
