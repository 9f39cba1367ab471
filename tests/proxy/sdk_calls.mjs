// The official openai SDK (pinned in bench/peer/) making the calls of an
// application: conversations, responses streamed and not, a
// previous_response_id chain, a retrieve, a container created and the
// container list. Its fetch is wrapped to keep exactly what the SDK received
// (status, headers, body bytes), so a run through the proxy can be compared
// with a run straight to the API.
//   node sdk_calls.mjs PEER_DIR OUT.json     (OPENAI_BASE_URL, OPENAI_API_KEY)
// OUT.json: {"received": [{request, status, headers, body}], "containers_called": [...]}
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const [, , peerDir, out] = process.argv;
const require = createRequire(peerDir + '/package.json');
const { default: OpenAI } = await import(require.resolve('openai'));

const received = [];
async function keep(input, init) {
  const reply = await fetch(input, init);
  const bytes = new Uint8Array(await reply.arrayBuffer());
  const headers = {};
  for (const [name, value] of reply.headers) if (name !== 'date') headers[name] = value;
  const url = new URL(typeof input === 'string' ? input : input.url);
  received.push({
    request: `${init?.method ?? 'GET'} ${url.pathname.replace(/^.*?\/v1/, '/v1')}${url.search}`,
    status: reply.status,
    headers,
    body: Buffer.from(bytes).toString('base64'),
  });
  return new Response(bytes, { status: reply.status, statusText: reply.statusText, headers: reply.headers });
}

const client = new OpenAI({ fetch: keep, maxRetries: 0 });
const ci = [{ type: 'code_interpreter', container: { type: 'auto' } }];
const shell = [{ type: 'shell', environment: { type: 'container_auto' } }];
const called = new Set();
function calls(response) {
  for (const item of response.output ?? []) {
    const id = item.container_id ?? item.environment?.container_id;
    if (id) called.add(id);
  }
}
async function streamed(params) {
  let final = null;
  for await (const event of await client.responses.create({ ...params, stream: true }))
    if (event.type === 'response.completed') final = event.response;
  if (!final) throw new Error('the stream ended without response.completed');
  calls(final);
  return final;
}

const model = 'gpt-5';
const conversation = await client.conversations.create({});
const first = await client.responses.create({ model, input: 'Hello, what can you do?', tools: ci });
calls(first);
const second = await client.responses.create({ model, input: 'Run the numbers', tools: ci, previous_response_id: first.id });
calls(second);
const third = await streamed({ model, input: 'Thanks, that is all', tools: shell, previous_response_id: second.id });
const fourth = await client.responses.create({ model, input: 'Run ls', tools: shell, conversation: conversation.id });
calls(fourth);
await streamed({ model, input: 'And a summary please', tools: ci, conversation: conversation.id });
calls(await client.responses.retrieve(third.id));
await client.containers.create({ name: 'made-by-hand' });
const containers = [];
for await (const c of client.containers.list({ limit: 2, order: 'asc' })) containers.push(c.id);

writeFileSync(out, JSON.stringify({ received, containers, containers_called: [...called].sort() }, null, 1) + '\n');
