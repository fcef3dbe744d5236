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

/** The one namespace every alternative of the filter requires, if any (lets NATS do the filtering). */
function pinnedNamespace(f: Filter): string | undefined {
  const pins = f.alternatives.map(
    (all) => all.find((s) => s.path.join('.') === 'namespace' && s.op === '==')?.value,
  );
  const first = pins[0];
  return pins.length > 0 && first !== undefined && pins.every((p) => p === first) ? first : undefined;
}

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
      if (f.match(recordAdaptor({ namespace: env.namespace, topic: env.topic }, undefined))) yield env;
    }
  }
}
