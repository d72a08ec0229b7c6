/** Environment n8n-core reads when first loaded: a throwaway user folder and no log noise. Import first. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-user-'));
process.env.N8N_LOG_LEVEL = 'silent';
