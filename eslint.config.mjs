// Lint of the n8n community package only (nodes/, credentials/ and the built pack in dist/n8n),
// with the rules n8n applies to verified community nodes, including the n8n Cloud ones.
// Run by `npm run lint:n8n` (after `npm run build:n8n`) with --max-warnings 0.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const community = n8nCommunityNodesPlugin.configs.recommended;
// Where the older n8n-nodes-base rules contradict the current community rules, the community
// rule wins (it is what n8n's own @n8n/node-cli template enforces):
const superseded = {
  // node-connection-type-literal requires NodeConnectionTypes.Main instead of 'main'.
  'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
  'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
  // credential-documentation-url requires a full URL for community packages, not a camelCase slug.
  'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
};
const base = (config, files) => ({
  files,
  plugins: { 'n8n-nodes-base': n8nNodesBase },
  rules: { ...n8nNodesBase.configs[config].rules, ...superseded },
});

export default [
  { ignores: ['**/*', '!nodes/**', '!credentials/**', '!dist/', '!dist/n8n/**'] },
  {
    files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'dist/n8n/**/*.js', 'dist/n8n/package.json'],
    languageOptions: { parser: tseslint.parser, sourceType: 'module' },
    plugins: community.plugins,
    rules: community.rules,
  },
  base('nodes', ['nodes/**/*.ts']),
  base('credentials', ['credentials/**/*.ts']),
  base('community', ['dist/n8n/package.json']),
];
