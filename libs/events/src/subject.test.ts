import { describe, it, expect } from 'vitest';
import { isInvalidArgument } from '@berth/errdefs';
import { parseSubject, subjectFor, validateTopic } from './subject.js';

describe('subjectFor', () => {
  it.each([
    ['default', '/tasks/exit', 'berth.events.default.tasks.exit'],
    ['prod', '/snapshot/prepare', 'berth.events.prod.snapshot.prepare'],
    ['a.b', '/x.y/z', 'berth.events.a~b.x~y.z'],
  ])('%s %s → %s and back', (ns, topic, subject) => {
    expect(subjectFor(ns, topic)).toBe(subject);
    expect(parseSubject(subject)).toEqual({ ns, topic });
  });

  it.each(['tasks/exit', '/', '/a//b', '/a b', '/a/'])('rejects topic %j', (t) => {
    expect(() => validateTopic(t)).toThrow();
    try {
      validateTopic(t);
    } catch (e) {
      expect(isInvalidArgument(e)).toBe(true);
    }
  });
});
