import { describe, expect, it } from 'vitest';
import { isInvalidArgument } from '@berth/errdefs';
import {
  absolutizeBind,
  absolutizeMount,
  imageVolumesOf,
  parseBind,
  parseMount,
  parseVolumeRequests,
  parseVolumesFrom,
  readVolumesLabel,
  validateVolumeName,
  volumesLabel,
  VOLUMES_LABEL,
} from './volumes.js';

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isInvalidArgument(err)).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected InvalidArgument');
}

describe('parseBind (-v)', () => {
  it('a container path alone is an anonymous volume', () => {
    expect(parseBind('/data')).toEqual({
      type: 'volume',
      source: '',
      target: '/data',
      readOnly: false,
      mode: '',
    });
    expect(parseBind('/data/').target).toBe('/data');
  });
  it('a name is a named volume; nocopy and ro apply', () => {
    expect(parseBind('vol:/data:ro,nocopy')).toEqual({
      type: 'volume',
      source: 'vol',
      target: '/data',
      readOnly: true,
      noCopy: true,
      mode: 'ro,nocopy',
    });
  });
  it('an absolute source is a bind mount, created when missing, with propagation', () => {
    expect(parseBind('/host//dir/:/ctr:rshared,ro')).toEqual({
      type: 'bind',
      source: '/host/dir',
      target: '/ctr',
      readOnly: true,
      propagation: 'rshared',
      createHostPath: true,
      mode: 'rshared,ro',
    });
    expect(parseBind('/etc/hostname:/h:Z')).toMatchObject({ type: 'bind', relabel: 'Z', readOnly: false });
  });
  it('refuses unknown and repeated modes, naming them', () => {
    expect(invalid(() => parseBind('/a:/b:rx'))).toMatch(/'\/a:\/b:rx'.*invalid mode: rx/);
    expect(invalid(() => parseBind('/a:/b:ro,rw'))).toMatch(/more than one rw option/);
    expect(invalid(() => parseBind('/a:/b:shared,slave'))).toMatch(/more than one propagation/);
  });
  it('refuses malformed specifications', () => {
    expect(invalid(() => parseBind('/a:/b:ro:x'))).toMatch(/too many colons/);
    expect(invalid(() => parseBind('/a:b'))).toMatch(/mount path must be absolute/);
    expect(invalid(() => parseBind('/a:/'))).toMatch(/destination can't be '\/'/);
    expect(invalid(() => parseBind(':/b'))).toMatch(/source is empty/);
    expect(invalid(() => parseBind('/a:'))).toMatch(/container path is empty/);
    expect(invalid(() => parseBind('/data:ro'))).toMatch(/cannot have a mode/);
    expect(invalid(() => parseBind('vol:/x:rshared'))).toMatch(/propagation .* bind mounts/);
    expect(invalid(() => parseBind('/h:/x:nocopy'))).toMatch(/nocopy applies to volumes/);
    expect(invalid(() => parseBind('my/vol:/x'))).toMatch(/invalid characters for a local volume name/);
    expect(invalid(() => parseBind('a:/x'))).toMatch(/too short/);
  });
});

describe('parseMount (--mount)', () => {
  it('bind with readonly and propagation', () => {
    expect(parseMount('type=bind,src=/h,dst=/c,readonly,bind-propagation=rslave')).toEqual({
      type: 'bind',
      source: '/h',
      target: '/c',
      readOnly: true,
      propagation: 'rslave',
      mode: 'ro',
    });
    expect(parseMount('type=bind,source=/h,target=/c,ro=false').readOnly).toBe(false);
  });
  it('volume is the default type; options for a new volume', () => {
    expect(
      parseMount(
        'src=v1,target=/d,volume-nocopy,volume-label=a=b,"volume-opt=o=size=1m,uid=5",volume-opt=type=tmpfs',
      ),
    ).toEqual({
      type: 'volume',
      source: 'v1',
      target: '/d',
      readOnly: false,
      noCopy: true,
      mode: '',
      volume: { driverOpts: { o: 'size=1m,uid=5', type: 'tmpfs' }, labels: { a: 'b' } },
    });
    expect(parseMount('type=volume,dst=/anon')).toMatchObject({ type: 'volume', source: '' });
  });
  it('tmpfs with size and mode', () => {
    expect(parseMount('type=tmpfs,destination=/t,tmpfs-size=64m,tmpfs-mode=1770')).toEqual({
      type: 'tmpfs',
      source: '',
      target: '/t',
      readOnly: false,
      mode: '',
      tmpfs: { sizeBytes: 64 * 1024 * 1024, mode: 0o1770 },
    });
  });
  it("refuses what docker refuses, in docker's words", () => {
    expect(invalid(() => parseMount('type=bind,dst=/c'))).toMatch(/field Source must not be empty/);
    expect(invalid(() => parseMount('type=bind,src=rel,dst=/c'))).toMatch(/must be absolute/);
    expect(invalid(() => parseMount('type=tmpfs,src=x,dst=/c'))).toMatch(/Source must not be specified/);
    expect(invalid(() => parseMount('type=bind,src=/a'))).toMatch(/target is required/);
    expect(invalid(() => parseMount('type=nfs,dst=/a'))).toMatch(/mount type unknown/);
    expect(invalid(() => parseMount('type=bind,src=/a,dst=/b,volume-nocopy'))).toMatch(
      /cannot mix 'volume-\*' options with mount type 'bind'/,
    );
    expect(invalid(() => parseMount('type=volume,dst=/b,bind-propagation=shared'))).toMatch(/bind-\*/);
    expect(invalid(() => parseMount('type=volume,dst=/b,tmpfs-size=1m'))).toMatch(/tmpfs-\*/);
    expect(invalid(() => parseMount('type=tmpfs,dst=/b,tmpfs-size=lots'))).toMatch(
      /invalid value for tmpfs-size/,
    );
    expect(invalid(() => parseMount('type=tmpfs,dst=/b,tmpfs-mode=999'))).toMatch(/tmpfs-mode/);
    expect(invalid(() => parseMount('dst=/b,foo=bar'))).toMatch(/unexpected key 'foo' in 'foo=bar'/);
    expect(invalid(() => parseMount('dst=/b,bogus'))).toMatch(
      /invalid field 'bogus' must be a key=value pair/,
    );
    expect(invalid(() => parseMount('dst=/b,ro=maybe'))).toMatch(/invalid value for ro: maybe/);
    expect(invalid(() => parseMount('dst=/b,"volume-opt=x'))).toMatch(/unterminated quote/);
  });
});

describe('the rest', () => {
  it('--volumes-from', () => {
    expect(parseVolumesFrom('web')).toEqual({ container: 'web' });
    expect(parseVolumesFrom('web:ro')).toEqual({ container: 'web', mode: 'ro' });
    expect(invalid(() => parseVolumesFrom('web:rx'))).toMatch(/invalid mode: rx/);
    expect(invalid(() => parseVolumesFrom(':ro'))).toMatch(/container is empty/);
  });
  it('volume names', () => {
    expect(validateVolumeName('my_vol.1-a')).toBe('my_vol.1-a');
    expect(invalid(() => validateVolumeName('-x'))).toMatch(/invalid characters/);
  });
  it('relative bind sources are made absolute as docker’s client does', () => {
    expect(absolutizeBind('./x:/y:ro', '/home/u')).toBe('/home/u/x:/y:ro');
    expect(absolutizeBind('.:/y', '/home/u')).toBe('/home/u:/y');
    expect(absolutizeBind('vol:/y', '/home/u')).toBe('vol:/y');
    expect(absolutizeBind('/data', '/home/u')).toBe('/data');
    expect(absolutizeMount('type=bind,src=./a,dst=/b', '/w')).toBe('type=bind,src=/w/a,dst=/b');
    expect(absolutizeMount('dst=/b,"volume-opt=o=a,b"', '/w')).toBe('dst=/b,"volume-opt=o=a,b"');
  });
  it('duplicate destinations are refused across -v and --mount', () => {
    expect(invalid(() => parseVolumeRequests({ binds: ['/a:/d'], mounts: ['type=tmpfs,dst=/d/'] }))).toBe(
      'Duplicate mount point: /d',
    );
  });
  it('the label round-trips, is absent when empty and validates first', () => {
    expect(volumesLabel({})).toBeUndefined();
    const s = volumesLabel({ binds: ['/data'], imageVolumes: ['/v'] })!;
    expect(readVolumesLabel({ [VOLUMES_LABEL]: s })).toEqual({
      binds: ['/data'],
      mounts: [],
      volumesFrom: [],
      imageVolumes: ['/v'],
    });
    expect(readVolumesLabel({})).toBeUndefined();
    expect(invalid(() => volumesLabel({ binds: ['/a:/b:bad'] }))).toMatch(/invalid mode: bad/);
    expect(invalid(() => readVolumesLabel({ [VOLUMES_LABEL]: '{"binds":[1]}' }))).toMatch(/list of strings/);
    expect(invalid(() => readVolumesLabel({ [VOLUMES_LABEL]: 'x' }))).toMatch(/not valid JSON/);
    expect(imageVolumesOf({ '/a': {}, '/b': {} })).toEqual(['/a', '/b']);
    expect(imageVolumesOf(null)).toEqual([]);
  });
});
