/**
 * Image records: a name pointing at a root descriptor (index or manifest), as
 * containerd keeps them. Schema v1 (changing it needs a migration):
 *
 *   v1/images/<ns>/<name, URI-encoded> → ImageRecord
 *
 * Writers are serialised per name; the image's content is not checked here —
 * clients (ctr import/pull) write the blobs first and the record last.
 */
import { alreadyExists, invalidArgument, notFound } from '@berth/errdefs';
import { KeyedMutex, commit, getOr, key, list, type Db } from '@berth/store';
import { applyLabelMask, validateLabels, type Labels } from '@berth/labels';
import { parseDigest } from '@berth/content';
import { parseFilters, recordAdaptor } from '@berth/filters';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations: Labels;
}

export interface Image {
  name: string;
  labels: Labels;
  target: Descriptor;
  createdAt: Date;
  updatedAt: Date;
}

interface ImageRecord {
  labels: Labels;
  target: Descriptor;
  createdAt: string;
  updatedAt: string;
}

const imgKey = (ns: string, name: string) => key('v1', 'images', ns, encodeURIComponent(name));
const toImage = (name: string, r: ImageRecord): Image => ({
  name,
  labels: r.labels,
  target: r.target,
  createdAt: new Date(r.createdAt),
  updatedAt: new Date(r.updatedAt),
});

function validate(img: Pick<Image, 'name' | 'target'>): void {
  if (!img.name) throw invalidArgument('image name must not be empty');
  if (!img.target?.mediaType) throw invalidArgument(`image ${img.name}: target media type must not be empty`);
  parseDigest(img.target.digest);
  if (!(img.target.size > 0)) throw invalidArgument(`image ${img.name}: target size must be positive`);
}

export class ImageStore {
  private readonly lock = new KeyedMutex();

  constructor(private readonly db: Db) {}

  async get(ns: string, name: string): Promise<Image> {
    const r = await getOr<ImageRecord>(this.db, imgKey(ns, name));
    if (!r) throw notFound(`image ${JSON.stringify(name)}: not found`);
    return toImage(name, r);
  }

  async list(ns: string, filters: string[] = []): Promise<Image[]> {
    const f = parseFilters(filters);
    return (await list<ImageRecord>(this.db, key('v1', 'images', ns)))
      .map(([k, r]) => toImage(decodeURIComponent(k), r))
      .filter((i) =>
        f.match(
          recordAdaptor({ name: i.name }, i.labels, (path) => {
            if (path[0] !== 'target') return undefined;
            const field = path[1] === 'mediatype' ? 'mediaType' : path[1];
            return field === 'digest' || field === 'mediaType' ? i.target[field] : undefined;
          }),
        ),
      );
  }

  async create(ns: string, img: Omit<Image, 'createdAt' | 'updatedAt'>): Promise<Image> {
    validate(img);
    return this.lock.run(`${ns}/${img.name}`, async () => {
      if (await getOr(this.db, imgKey(ns, img.name)))
        throw alreadyExists(`image ${JSON.stringify(img.name)}: already exists`);
      const now = new Date().toISOString();
      const rec: ImageRecord = {
        labels: validateLabels(img.labels),
        target: img.target,
        createdAt: now,
        updatedAt: now,
      };
      await commit(this.db, [{ type: 'put', key: imgKey(ns, img.name), value: rec }]);
      return toImage(img.name, rec);
    });
  }

  /** Updates by field mask (labels, labels.<k>, target, annotations); NotFound, never creates. */
  async update(ns: string, img: Omit<Image, 'createdAt' | 'updatedAt'>, paths?: string[]): Promise<Image> {
    return this.lock.run(`${ns}/${img.name}`, async () => {
      const cur = await getOr<ImageRecord>(this.db, imgKey(ns, img.name));
      if (!cur) throw notFound(`image ${JSON.stringify(img.name)}: not found`);
      let target = cur.target;
      const labelPaths = (paths ?? []).filter((p) => p === 'labels' || p.startsWith('labels.'));
      const replaceAll = !paths || paths.length === 0;
      for (const p of paths ?? [])
        if (p === 'target') target = img.target;
        else if (p === 'annotations') target = { ...target, annotations: img.target.annotations };
        else if (p !== 'labels' && !p.startsWith('labels.') && p !== 'name')
          throw invalidArgument(`cannot update ${JSON.stringify(p)} of an image`);
      if (replaceAll) target = img.target;
      const labels =
        replaceAll || labelPaths.length
          ? applyLabelMask(cur.labels, img.labels, replaceAll ? [] : labelPaths)
          : cur.labels;
      const next: ImageRecord = { ...cur, labels, target, updatedAt: new Date().toISOString() };
      validate({ name: img.name, target });
      await commit(this.db, [{ type: 'put', key: imgKey(ns, img.name), value: next }]);
      return toImage(img.name, next);
    });
  }

  async delete(ns: string, name: string): Promise<void> {
    await this.lock.run(`${ns}/${name}`, async () => {
      if (!(await getOr(this.db, imgKey(ns, name))))
        throw notFound(`image ${JSON.stringify(name)}: not found`);
      await commit(this.db, [{ type: 'del', key: imgKey(ns, name) }]);
    });
  }
}
