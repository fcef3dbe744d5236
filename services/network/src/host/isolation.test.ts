import { describe, expect, it } from 'vitest';
import { bridgeOf, isolationRules, parseRules, planSync } from './isolation.js';

describe('isolation rules', () => {
  it('isolates every bridge, and closes internal ones both ways', () => {
    expect(
      isolationRules([
        { bridge: 'br-a', internal: false },
        { bridge: 'br-i', internal: true },
      ]),
    ).toEqual([
      { chain: 'BERTH-ISOLATION-1', args: ['-i', 'br-a', '!', '-o', 'br-a', '-j', 'BERTH-ISOLATION-2'] },
      { chain: 'BERTH-ISOLATION-2', args: ['-o', 'br-a', '-j', 'DROP'] },
      { chain: 'BERTH-ISOLATION-1', args: ['-i', 'br-i', '!', '-o', 'br-i', '-j', 'DROP'] },
      { chain: 'BERTH-ISOLATION-1', args: ['!', '-i', 'br-i', '-o', 'br-i', '-j', 'DROP'] },
      { chain: 'BERTH-ISOLATION-2', args: ['-o', 'br-i', '-j', 'DROP'] },
    ]);
  });

  it('parses iptables -S output and finds the bridge of a rule', () => {
    const rules = parseRules(
      '-N BERTH-ISOLATION-1\n-A BERTH-ISOLATION-1 -i br-a ! -o br-a -j BERTH-ISOLATION-2\n-A BERTH-ISOLATION-1 ! -i br-i -o br-i -j DROP\n',
    );
    expect(rules).toHaveLength(2);
    expect(rules.map(bridgeOf)).toEqual(['br-a', 'br-i']);
  });

  it('plans only the difference, removing rules of gone bridges but not of other live ones', () => {
    const current = parseRules(
      [
        '-A BERTH-ISOLATION-1 -i br-a ! -o br-a -j BERTH-ISOLATION-2',
        '-A BERTH-ISOLATION-2 -o br-a -j DROP',
        '-A BERTH-ISOLATION-1 -i br-gone ! -o br-gone -j BERTH-ISOLATION-2',
        '-A BERTH-ISOLATION-1 -i br-other ! -o br-other -j BERTH-ISOLATION-2',
      ].join('\n'),
    );
    const wanted = isolationRules([
      { bridge: 'br-a', internal: false },
      { bridge: 'br-b', internal: false },
    ]);
    const plan = planSync(current, wanted, (b) => b === 'br-gone');
    expect(plan.del.map((r) => r.args.join(' '))).toEqual(['-i br-gone ! -o br-gone -j BERTH-ISOLATION-2']);
    expect(plan.add.map((r) => `${r.chain} ${r.args.join(' ')}`)).toEqual([
      'BERTH-ISOLATION-1 -i br-b ! -o br-b -j BERTH-ISOLATION-2',
      'BERTH-ISOLATION-2 -o br-b -j DROP',
    ]);
    // A bridge that turned internal loses its old rule.
    const again = planSync(current, isolationRules([{ bridge: 'br-a', internal: true }]), () => false);
    expect(again.del.map((r) => r.args.join(' '))).toEqual(['-i br-a ! -o br-a -j BERTH-ISOLATION-2']);
  });
});
