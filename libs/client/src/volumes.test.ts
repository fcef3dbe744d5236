import { describe, expect, it } from 'vitest';
import { kindOf } from '@berth/errdefs';
import type { ImageConfig } from '@berth/image';
import { VOLUMES_LABEL } from '@berth/oci-spec';
import { containerLabels } from './labels.js';
import { volumeFlags } from './volumes.js';

const image: ImageConfig = {
  architecture: 'amd64',
  os: 'linux',
  config: { Volumes: { '/data': {}, '/logs': {} } },
  rootfs: { type: 'layers', diff_ids: [] },
};

describe('volume flags', () => {
  it('makes ./relative bind sources absolute, as docker’s client does', () => {
    expect(
      volumeFlags(
        { binds: ['./site:/www:ro', 'vol:/v'], mounts: ['type=bind,src=.,dst=/w'], volumesFrom: ['web:ro'] },
        '/home/me',
      ),
    ).toEqual({
      binds: ['/home/me/site:/www:ro', 'vol:/v'],
      mounts: ['type=bind,src=/home/me,dst=/w'],
      volumesFrom: ['web:ro'],
    });
  });

  it('go into the io.berth.volumes label with the image VOLUMEs, checked first', () => {
    const labels = containerLabels({
      name: 'c',
      image: 'x',
      options: {},
      imageConfig: image,
      volumes: { binds: ['/h:/c'], mounts: [], volumesFrom: [] },
    });
    expect(JSON.parse(labels[VOLUMES_LABEL]!)).toEqual({
      binds: ['/h:/c'],
      mounts: [],
      volumesFrom: [],
      imageVolumes: ['/data', '/logs'],
    });
    expect(containerLabels({ name: 'c', image: 'x', options: {} })[VOLUMES_LABEL]).toBeUndefined();
    let err: unknown;
    try {
      containerLabels({ name: 'c', image: 'x', options: {}, volumes: { binds: ['/h:/c:wat'] } });
    } catch (e) {
      err = e;
    }
    expect(kindOf(err)).toBe('InvalidArgument');
    expect((err as Error).message).toMatch(/invalid mode: wat/);
  });
});
