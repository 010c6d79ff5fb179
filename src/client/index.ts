// The shredproof API client: typed calls, SSE progress with reconnects, and
// readable text for people. docs/API.md describes the API it speaks.
export * from './api-client.js';
export * from './follow.js';
export * from './format.js';
export * from './sse.js';
