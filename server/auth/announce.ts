/** How a new key is shown, once: the contract's `openclaw api-key create` lines (CLI and first start). */
export function formatKeyAnnouncement(key: string, label: string, workspaces: string[], createdAt: string): string[] {
  return [
    `API Key: ${key}`,
    `Label: ${label}`,
    `Workspaces: ${workspaces.join(', ')}`,
    `Created: ${createdAt.slice(0, 10)}`,
    'Save this key immediately — it is only shown once.',
  ];
}
