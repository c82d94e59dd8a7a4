// An error a route handler throws to answer the client: status, a short message, what to do.
// mount-routes turns it into Classcast's JSON error body.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: unknown): ApiError => new ApiError(404, `no ${what} ${String(id)}`, `list them at /api/v1/${what === 'city' ? 'cities' : `${what}s`}`);
export const forbidden = (message = 'your account may not do this'): ApiError => new ApiError(403, message);
export const unauthorized = (): ApiError => new ApiError(401, 'sign in first', 'POST /api/v1/auth/login with {"username","password"}');
