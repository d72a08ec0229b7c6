'use strict';

/**
 * What every module shares: the gateway's URL for a path, and an event payload ({id, event,
 * timestamp, data}) flattened into one Zapier record ({id, event, timestamp, ...data}) so its
 * fields map directly in the Zap editor. The app talks to the gateway over HTTP only.
 */

const apiUrl = (bundle, path) => `${String(bundle.authData.baseUrl).trim().replace(/\/+$/, '')}/api/v1${path}`;

const flattenEvent = (payload) => {
  const { id, event, timestamp, data } = payload || {};
  return { ...(data || {}), id, event, timestamp };
};

module.exports = { apiUrl, flattenEvent };
