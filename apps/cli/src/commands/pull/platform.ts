/** `--platform os/arch[/variant]` as the protobuf Platform, or undefined for the host's. */
import { parsePlatform } from '@berth/image';
import type { Platform } from '@berth/proto/types';
import { asUsage } from '../../usage.js';

export function platformOption(s: string | undefined): Platform | undefined {
  if (!s) return undefined;
  const p = asUsage(() => parsePlatform(s));
  return { os: p.os, architecture: p.architecture, variant: p.variant ?? '' };
}
