/** The skills a workspace can enable: each names a tool the agent may call. The one list that
 * workspace validation, the agent and the docs use. */
export const SKILLS = ['github', 'web-search', 'memory'] as const;
export type Skill = (typeof SKILLS)[number];

export const isSkill = (s: string): s is Skill => (SKILLS as readonly string[]).includes(s);
