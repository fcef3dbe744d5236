/**
 * containerd.services.events.v1.Events bridged to NATS. Publish and Forward go
 * through the outbox (never failing for bus trouble); Subscribe streams live
 * envelopes of every namespace unless the filters pin one, as containerd does.
 */
import { parseFilters, recordAdaptor, type Filter } from '@berth/filters';
import { invalidArgument } from '@berth/errdefs';
import { validateTopic, type EventBus, type EventPublisher } from '@berth/events';
import type { CallContext } from '@berth/grpc';
import type { Envelope, ForwardRequest, PublishRequest, SubscribeRequest } from '@berth/proto/events/v1';
import type { Empty } from '@berth/proto/google';
import type { ReplayRequest } from '@berth/proto/berth/events/v1';

/** The one namespace every alternative of the filter requires, if any (lets NATS do the filtering). */
function pinnedNamespace(f: Filter): string | undefined {
  const pins = f.alternatives.map(
    (all) => all.find((s) => s.path.join('.') === 'namespace' && s.op === '==')?.value,
  );
  const first = pins[0];
  return pins.length > 0 && first !== undefined && pins.every((p) => p === first) ? first : undefined;
}

/** Whether an envelope passes a parsed Subscribe/Replay filter. */
const passes = (f: Filter, env: Envelope) =>
  f.match(recordAdaptor({ namespace: env.namespace, topic: env.topic }, undefined));

export class EventsServer {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly bus: EventBus,
  ) {}

  async publish(req: PublishRequest, ctx: CallContext): Promise<Empty> {
    if (!req.event) throw invalidArgument('publish: event is required');
    this.publisher.publish(ctx.ns, validateTopic(req.topic), req.event);
    return {};
  }

  async forward(req: ForwardRequest): Promise<Empty> {
    const e = req.envelope;
    if (!e?.event) throw invalidArgument('forward: envelope with an event is required');
    this.publisher.forward(e.namespace, validateTopic(e.topic), e.event, e.timestamp ?? new Date());
    return {};
  }

  async *subscribe(req: SubscribeRequest, ctx: CallContext): AsyncGenerator<Envelope> {
    const f = parseFilters(req.filters);
    const ns = pinnedNamespace(f);
    for await (const env of this.bus.subscribe({ ...(ns ? { ns } : {}), signal: ctx.signal })) {
      if (passes(f, env)) yield env;
    }
  }
}

/** berth.events.v1.Audit: the recorded history, replayed from JetStream. */
export class AuditServer {
  constructor(private readonly bus: EventBus) {}

  async *replay(req: ReplayRequest, ctx: CallContext): AsyncGenerator<Envelope> {
    const f = parseFilters(req.filters);
    const since = req.since ?? new Date(0);
    for await (const env of this.bus.replay({ since, follow: req.follow, signal: ctx.signal }))
      if (passes(f, env)) yield env;
  }
}
