/** The `channels` section is validated like the rest of openclaw.json; answers are split within limits. */
import { parseConfig } from '../../server/config';
import { splitText } from '../../server/channels/text';

const slack = { botToken: '${SLACK_BOT_TOKEN}', signingSecret: '${SLACK_SIGNING_SECRET}', workspace: 'team' };

describe('channels config', () => {
  it('fills in the real services and substitutes ${VAR} secrets', () => {
    const c = parseConfig(
      { channels: { slack, telegram: { botToken: '${TG}', workspace: 'team' } } },
      { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's3cret', TG: '1:abc' },
    );
    expect(c.channels.slack).toEqual({
      botToken: 'xoxb-1',
      signingSecret: 's3cret',
      workspace: 'team',
      apiUrl: 'https://slack.com/api/',
      probeIntervalMs: 60000,
    });
    expect(c.channels.telegram).toMatchObject({
      botToken: '1:abc',
      mode: 'polling',
      apiRoot: 'https://api.telegram.org',
    });
    expect(c.channels.whatsapp).toBeUndefined();
    expect(parseConfig({}, {}).channels).toEqual({});
  });

  it.each([
    [{ slack }, {}, 'channels.slack.botToken: environment variable SLACK_BOT_TOKEN is not set'],
    [{ slack: { ...slack, botToken: 'x', signingSecret: 'y', apiUrl: 'ftp://x' } }, {}, 'channels.slack.apiUrl'],
    [{ telegram: { botToken: 't', workspace: 'team', mode: 'push' } }, {}, 'channels.telegram.mode'],
    [
      { whatsapp: { accessToken: 'a', verifyToken: 'v', appSecret: 's', workspace: 'team' } },
      {},
      'channels.whatsapp.phoneNumberId: is required',
    ],
    [{ discord: {} }, {}, 'channels.discord: unknown key'],
  ])('refuses %j with a message naming the field', (channels, env, message) => {
    expect(() => parseConfig({ channels }, env)).toThrow(message);
  });

  it('a schedule may deliver to a channel; an unknown channel is refused', () => {
    const schedule = { id: 'standup', workspace: 'team', userId: 'bot', message: 'm', cron: '0 9 * * *' };
    expect(
      parseConfig({ schedules: [{ ...schedule, deliver: { channel: 'slack', to: '#standup' } }] }, {}).schedules[0]
        .deliver,
    ).toEqual({ channel: 'slack', to: '#standup' });
    expect(() => parseConfig({ schedules: [{ ...schedule, deliver: { channel: 'irc', to: '#x' } }] }, {})).toThrow(
      'schedules[0].deliver.channel',
    );
  });
});

describe('splitText', () => {
  it('keeps short answers whole and cuts long ones at a boundary within the limit', () => {
    expect(splitText('short', 4096)).toEqual(['short']);
    const paragraphs = `${'a'.repeat(3500)}\n\n${'b'.repeat(3500)}`;
    expect(splitText(paragraphs, 4096)).toEqual([`${'a'.repeat(3500)}\n\n`, 'b'.repeat(3500)]);
    const words = Array.from({ length: 2000 }, (_, i) => `w${i}`).join(' ');
    const parts = splitText(words, 4096);
    expect(parts.join('')).toBe(words);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    // Cut after a space, never inside a word.
    expect(parts.slice(0, -1).every((p) => p.endsWith(' '))).toBe(true);
  });

  it('never splits a surrogate pair when it must cut mid-word', () => {
    const emoji = '😀'.repeat(3000); // 6,000 UTF-16 units, no spaces
    const parts = splitText(emoji, 4096);
    expect(parts.join('')).toBe(emoji);
    expect(parts.every((p) => p.length <= 4096 && !/[\ud800-\udbff]$/.test(p))).toBe(true);
  });
});
