import { describe, expect, it } from 'vitest';
import { compileTemplate } from './template.js';
import { tabulate } from './tabwriter.js';
import {
  dockerSize,
  ellipsis,
  goQuote,
  goTime,
  matchPs,
  parsePsFilters,
  psContext,
  psHeaderContext,
  psJson,
  psTableRows,
  statusText,
  type Summary,
} from './ps-view.js';

const now = new Date('2024-05-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const S = 1000;
const M = 60 * S;
const H = 60 * M;

const base: Summary = {
  id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
  name: 'web',
  image: 'busybox',
  command: 'sleep 1000',
  createdAt: ago(5 * S),
  state: 'running',
  exitStatus: 0,
  startedAt: ago(2 * M),
  exitedAt: undefined,
  labels: { 'io.berth.name': 'web', app: 'front', tier: 'a' },
};

describe('statusText', () => {
  it('prints docker status strings for every state', () => {
    expect(statusText(base, now)).toBe('Up 2 minutes');
    expect(statusText({ ...base, startedAt: ago(3 * S), state: 'paused' }, now)).toBe(
      'Up 3 seconds (Paused)',
    );
    expect(statusText({ ...base, startedAt: ago(300) }, now)).toBe('Up Less than a second');
    expect(statusText({ ...base, state: 'created', startedAt: undefined }, now)).toBe('Created');
    expect(statusText({ ...base, state: 'exited', exitStatus: 137, exitedAt: ago(3 * M) }, now)).toBe(
      'Exited (137) 3 minutes ago',
    );
    expect(statusText({ ...base, state: 'exited', exitedAt: ago(70 * M) }, now)).toBe(
      'Exited (0) About an hour ago',
    );
    expect(statusText({ ...base, startedAt: ago(90 * S) }, now)).toBe('Up About a minute');
    expect(statusText({ ...base, startedAt: ago(3 * 24 * H) }, now)).toBe('Up 3 days');
  });

  it('shows the health of a running container and a pending restart', () => {
    expect(statusText({ ...base, health: 'healthy' }, now)).toBe('Up 2 minutes (healthy)');
    expect(statusText({ ...base, health: 'unhealthy' }, now)).toBe('Up 2 minutes (unhealthy)');
    expect(statusText({ ...base, health: 'starting' }, now)).toBe('Up 2 minutes (health: starting)');
    expect(statusText({ ...base, state: 'paused', health: 'healthy' }, now)).toBe('Up 2 minutes (Paused)');
    expect(statusText({ ...base, state: 'restarting', exitStatus: 3, exitedAt: ago(4 * S) }, now)).toBe(
      'Restarting (3) 4 seconds ago',
    );
  });
});

describe('COMMAND and other cells', () => {
  it('quotes like strconv.Quote and truncates to 20 with …', () => {
    expect(goQuote('sleep 1000')).toBe('"sleep 1000"');
    expect(goQuote('sh -c "echo a\tb"')).toBe('"sh -c \\"echo a\\tb\\""');
    expect(goQuote('\x01')).toBe('"\\x01"');
    expect(ellipsis('sh -c while true; do sleep 1; done', 20)).toBe('sh -c while true; d…');
    expect([...ellipsis('sh -c while true; do sleep 1; done', 20)]).toHaveLength(20);
    expect(ellipsis('short', 20)).toBe('short');
  });
  it('formats sizes and times like docker', () => {
    expect(dockerSize(0)).toBe('0B');
    expect(dockerSize(4_263_000)).toBe('4.26MB');
    expect(dockerSize(123_456)).toBe('123kB');
    expect(goTime(new Date('2024-01-02T03:04:05.678Z'))).toBe('2024-01-02 03:04:05 +0000 UTC');
  });
});

describe('filters', () => {
  const f = (...a: string[]) => parsePsFilters(a);
  it('matches id prefix, name regexp, labels, status, exited, ancestor', () => {
    expect(matchPs(f('id=a1b2'), base)).toBe(true);
    expect(matchPs(f('id=ffff'), base)).toBe(false);
    expect(matchPs(f('name=web'), base)).toBe(true);
    expect(matchPs(f('name=^/we'), base)).toBe(true);
    expect(matchPs(f('name=db'), base)).toBe(false);
    expect(matchPs(f('name=db', 'name=web'), base)).toBe(true); // same key ORs
    expect(matchPs(f('label=app'), base)).toBe(true);
    expect(matchPs(f('label=app=front', 'label=tier=a'), base)).toBe(true);
    expect(matchPs(f('label=app=front', 'label=tier=b'), base)).toBe(false); // labels AND
    expect(matchPs(f('status=running'), base)).toBe(true);
    expect(matchPs(f('status=exited'), base)).toBe(false);
    expect(matchPs(f('status=running', 'name=db'), base)).toBe(false); // keys AND
    expect(matchPs(f('exited=3'), { ...base, state: 'exited', exitStatus: 3 })).toBe(true);
    expect(matchPs(f('exited=3'), { ...base, state: 'exited', exitStatus: 0 })).toBe(false);
    expect(matchPs(f('ancestor=busybox'), base)).toBe(true);
    expect(matchPs(f('ancestor=alpine'), base, { ancestor: (i, w) => i.startsWith(w[0]!) })).toBe(false);
  });
  it('refuses bad filters with docker messages', () => {
    expect(() => f('nope')).toThrow(/bad format of filter/);
    expect(() => f('color=red')).toThrow(/invalid filter 'color'/);
    expect(() => f('status=sleeping')).toThrow(/Unrecognised filter value for status/);
  });
});

describe('psContext', () => {
  it('gives docker ps the template fields, truncated by default', () => {
    const c = psContext({ ...base, command: 'sh -c while true; do sleep 1; done' }, { trunc: true, now });
    expect(c.ID).toBe('a1b2c3d4e5f6');
    expect(c.Command).toBe('"sh -c while true; d…"');
    expect(c.RunningFor).toBe('5 seconds ago');
    expect(c.Labels).toBe('app=front,tier=a');
    expect(c.Label('app')).toBe('front');
    const full = psContext(base, { trunc: false, now });
    expect(full.ID).toHaveLength(64);
    expect(compileTemplate('{{.ID}} {{.Names}} {{.Label "tier"}}').execute(c)).toBe('a1b2c3d4e5f6 web a');
    expect(JSON.parse(compileTemplate('{{json .}}').execute(c))).toEqual(psJson(c));
    expect(Object.keys(psJson(c))).toEqual([
      'Command',
      'CreatedAt',
      'ID',
      'Image',
      'Labels',
      'LocalVolumes',
      'Mounts',
      'Names',
      'Networks',
      'Ports',
      'RunningFor',
      'Size',
      'State',
      'Status',
    ]);
    expect(compileTemplate('{{.ID}}\t{{.Status}}').execute(psHeaderContext())).toBe('CONTAINER ID\tSTATUS');
  });
  it('shows the PORTS label while the container runs', () => {
    const labels = { ...base.labels, 'io.berth.ports': '0.0.0.0:8080->80/tcp' };
    expect(psContext({ ...base, labels }, { trunc: true, now }).Ports).toBe('0.0.0.0:8080->80/tcp');
    expect(psContext({ ...base, labels, state: 'exited' }, { trunc: true, now }).Ports).toBe('');
    expect(psContext(base, { trunc: true, now }).Ports).toBe('');
  });
  it("renders docker's table with 3-space gaps and 10-wide minimum columns", () => {
    const out = tabulate(psTableRows([psContext(base, { trunc: true, now })], false));
    expect(out).toBe(
      'CONTAINER ID   IMAGE     COMMAND        CREATED         STATUS         PORTS     NAMES\n' +
        'a1b2c3d4e5f6   busybox   "sleep 1000"   5 seconds ago   Up 2 minutes             web\n',
    );
  });
});
