// The browser's half of the server functions (src/api/client.rs): one fetch, its answer as
// [status, text]. A failure to get an answer at all (no network, aborted) is thrown.

export async function call(method, path, query, owner, body, signal) {
  let address = path;
  if (query) {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(JSON.parse(query))) {
      if (value !== null && value !== undefined) params.append(name, String(value));
    }
    const text = params.toString();
    if (text) address += `?${text}`;
  }
  const headers = {};
  if (owner) headers['x-conum-owner'] = owner;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(address, { method, headers, body, signal, credentials: 'same-origin' });
  return [response.status, await response.text()];
}
