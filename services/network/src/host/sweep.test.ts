import { describe, expect, it } from 'vitest';
import { rulesFor, splitRule } from './sweep.js';

const NAT = `-P PREROUTING ACCEPT
-N CNI-93f9e5afb68b2c78dc3d4e59
-A POSTROUTING -s 10.99.0.7/32 -m comment --comment "name: \\"bt0\\" id: \\"default--c1\\"" -j CNI-93f9e5afb68b2c78dc3d4e59
-A CNI-93f9e5afb68b2c78dc3d4e59 -d 10.99.0.0/24 -m comment --comment "name: \\"bt0\\" id: \\"default--c1\\"" -j ACCEPT
-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"bt0\\" id: \\"default--c1\\"" -m multiport --dports 18080 -j CNI-DN-93f9e5afb68b2c78dc3d4
-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"bt0\\" id: \\"default--c10\\"" -m multiport --dports 18081 -j CNI-DN-0000
-A CNI-FORWARD -d 10.99.0.7/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A CNI-FORWARD -s 10.99.0.70/32 -j ACCEPT`;

describe('sweep', () => {
  it('splits iptables -S lines like a shell would', () => {
    expect(splitRule('-A X -m comment --comment "name: \\"bt0\\" id: \\"c\\"" -j ACCEPT')).toEqual([
      '-A',
      'X',
      '-m',
      'comment',
      '--comment',
      'name: "bt0" id: "c"',
      '-j',
      'ACCEPT',
    ]);
  });

  it("finds a container's plugin rules by its id comment and its address, and nobody else's", () => {
    const rules = rulesFor(NAT, 'default--c1', ['10.99.0.7']);
    expect(rules.map((r) => r[0])).toEqual([
      'POSTROUTING',
      'CNI-93f9e5afb68b2c78dc3d4e59',
      'CNI-HOSTPORT-DNAT',
      'CNI-FORWARD',
    ]);
    expect(rules[2]).toContain('CNI-DN-93f9e5afb68b2c78dc3d4');
  });
});
