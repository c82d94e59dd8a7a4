// The catalog API from a script or test: JSON requests with a session token, failing loudly with
// the API's own message.
export type CatalogClient = {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
};

export function catalogClient(baseUrl: string, token?: string): CatalogClient {
  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (token) headers.Authorization = `Bearer ${token}`;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const response = await fetch(`${baseUrl}/api/v1${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}

export async function signIn(baseUrl: string, username: string, password: string): Promise<CatalogClient> {
  const { token } = await catalogClient(baseUrl).request<{ token: string }>('POST', '/auth/login', { username, password });
  return catalogClient(baseUrl, token);
}
