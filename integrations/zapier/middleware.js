'use strict';

/**
 * beforeRequest: the API key as a bearer token on every request.
 * afterResponse: the gateway's one error shape ({"error":{"code","message"}}) becomes a Zapier
 * error whose message the user reads in the Zap editor; a refused key says so plainly. (A 429
 * never gets here: zapier-platform-core turns it into a ThrottledError with Retry-After first.)
 */

const includeApiKey = (request, z, bundle) => {
  if (bundle.authData && bundle.authData.apiKey) {
    request.headers = request.headers || {};
    request.headers.Authorization = `Bearer ${bundle.authData.apiKey}`;
  }
  return request;
};

const errorOf = (response) => {
  try {
    const body = response.data !== undefined ? response.data : JSON.parse(response.content);
    if (body && body.error && body.error.message) return body.error;
  } catch {
    // not JSON: fall through to the status line
  }
  return { code: `http_${response.status}`, message: `HTTP ${response.status}` };
};

/** The Zapier error for a gateway error response. */
const gatewayError = (response, z) => {
  const { code, message } = errorOf(response);
  if (response.status === 401) {
    return new z.errors.Error(
      `The OpenClaw gateway refused the API key (${code}): ${message}. Check the API Key and Base URL of this connection.`,
      'AuthenticationError',
      401,
    );
  }
  return new z.errors.Error(`OpenClaw: ${message}`, code, response.status);
};

const handleErrors = (response, z) => {
  if (response.status < 400 || (response.request && response.request.skipThrowForStatus)) return response;
  throw gatewayError(response, z);
};

module.exports = { befores: [includeApiKey], afters: [handleErrors], gatewayError };
