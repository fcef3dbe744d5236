import { describe, expect, it } from 'vitest';
import { applyChanges, exposedPorts, parseChange, parseChanges, words } from './changes.js';

const apply = (base: Parameters<typeof applyChanges>[0], ...cs: string[]) =>
  applyChanges(base, parseChanges(cs));

describe('parseChange', () => {
  it('splits the instruction (any case) from its arguments', () => {
    expect(parseChange('cmd ["a"]')).toMatchObject({ instruction: 'CMD', args: '["a"]' });
    expect(parseChange('  ENV  A=1 ')).toMatchObject({ instruction: 'ENV', args: 'A=1' });
  });

  it('refuses unknown instructions, docker-style, and missing arguments', () => {
    expect(() => parseChange('RUN echo hi')).toThrow(/^RUN is not a valid change command/);
    expect(() => parseChange('ONBUILD RUN x')).toThrow(/not a valid change command/);
    expect(() => parseChange('CMD')).toThrow(/CMD requires an argument/);
    expect(() => parseChange('   ')).toThrow(/empty/);
  });
});

describe('applyChanges', () => {
  it('CMD and ENTRYPOINT: exec form as given, shell form through /bin/sh -c, never expanded', () => {
    expect(apply({}, 'CMD ["cat","/new.txt"]').Cmd).toEqual(['cat', '/new.txt']);
    expect(apply({ Env: ['X=1'] }, 'CMD echo $X').Cmd).toEqual(['/bin/sh', '-c', 'echo $X']);
    expect(apply({}, 'CMD []').Cmd).toEqual([]);
    // Not a JSON array of strings: shell form.
    expect(apply({}, 'CMD [1, 2]').Cmd).toEqual(['/bin/sh', '-c', '[1, 2]']);
    expect(apply({}, 'ENTRYPOINT ["/init"]').Entrypoint).toEqual(['/init']);
  });

  it('ENTRYPOINT resets the inherited CMD unless a CMD change came first', () => {
    const base = { Cmd: ['sh'] };
    expect(apply(base, 'ENTRYPOINT ["x"]').Cmd).toBeNull();
    expect(apply(base, 'CMD ["y"]', 'ENTRYPOINT ["x"]').Cmd).toEqual(['y']);
    expect(apply(base, 'ENTRYPOINT ["x"]', 'CMD ["y"]')).toMatchObject({ Entrypoint: ['x'], Cmd: ['y'] });
  });

  it('ENV sets and replaces, with quotes, escapes and expansion of the values before it', () => {
    const c = apply(
      { Env: ['PATH=/bin', 'A=old'] },
      'ENV A=1 B="two words" C=$A',
      'ENV PATH=$PATH:/x D=${NOPE:-dflt} E=${A:+set}',
      "ENV F='$A' G=a\\ b",
      'ENV LEGACY some value here',
    );
    expect(c.Env).toEqual([
      'PATH=/bin:/x',
      'A=1',
      'B=two words',
      'C=old',
      'D=dflt',
      'E=set',
      'F=$A',
      'G=a b',
      'LEGACY=some value here',
    ]);
  });

  it('LABEL merges labels; EXPOSE adds ports with protocols and ranges', () => {
    const c = apply(
      { Labels: { a: '1' } },
      'LABEL b=2 "c"="x y"',
      'LABEL legacy v w',
      'EXPOSE 80 53/udp 8000-8001',
    );
    expect(c.Labels).toEqual({ a: '1', b: '2', c: 'x y', legacy: 'v w' });
    expect(Object.keys(c.ExposedPorts ?? {})).toEqual(['80/tcp', '53/udp', '8000/tcp', '8001/tcp']);
  });

  it('USER, STOPSIGNAL, WORKDIR (relative to the previous) and VOLUME', () => {
    const c = apply(
      { WorkingDir: '/srv', Env: ['APP=web'] },
      'USER nobody:nogroup',
      'STOPSIGNAL SIGINT',
      'WORKDIR $APP',
      'WORKDIR ../other',
      'VOLUME ["/data", "/logs"]',
      'VOLUME /cache /tmp/x',
    );
    expect(c).toMatchObject({ User: 'nobody:nogroup', StopSignal: 'SIGINT', WorkingDir: '/srv/other' });
    expect(Object.keys(c.Volumes ?? {})).toEqual(['/data', '/logs', '/cache', '/tmp/x']);
    expect(apply({}, 'WORKDIR /abs').WorkingDir).toBe('/abs');
  });

  it('does not modify its input', () => {
    const base = { Env: ['A=1'], Labels: { x: 'y' } };
    apply(base, 'ENV A=2', 'LABEL x=z');
    expect(base).toEqual({ Env: ['A=1'], Labels: { x: 'y' } });
  });

  it('names the change in errors', () => {
    expect(() => apply({}, 'EXPOSE 70000')).toThrow(/invalid change "EXPOSE 70000": invalid port "70000"/);
    expect(() => apply({}, 'EXPOSE 80/icmp')).toThrow(/invalid port/);
    expect(() => apply({}, 'USER a b')).toThrow(/USER takes exactly one argument/);
    expect(() => apply({}, 'ENV A')).toThrow(/ENV A needs a value/);
    expect(() => apply({}, 'ENV A=1 junk')).toThrow(/KEY=VALUE pairs, got "junk"/);
    expect(() => apply({}, 'ENV A="open')).toThrow(/unterminated double quote/);
    expect(() => apply({}, 'LABEL a=${bad-}')).toThrow(/bad substitution/);
  });
});

describe('words and ports', () => {
  it('keeps blanks inside quotes and when not splitting', () => {
    const env = new Map([['X', 'x']]);
    expect(words(`a "b c" 'd $X' $X\${X}`, env)).toEqual(['a', 'b c', 'd $X', 'xx']);
    expect(words('a  b', env, { split: false })).toEqual(['a  b']);
    expect(words('cost \\$5 $', env)).toEqual(['cost', '$5', '$']);
  });

  it('expands port ranges', () => {
    expect(exposedPorts('22')).toEqual(['22/tcp']);
    expect(exposedPorts('1-3/UDP')).toEqual(['1/udp', '2/udp', '3/udp']);
    expect(() => exposedPorts('5-3')).toThrow(/invalid port/);
    expect(() => exposedPorts('http')).toThrow(/invalid port/);
  });
});
